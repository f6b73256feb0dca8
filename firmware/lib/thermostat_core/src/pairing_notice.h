// What the serial console owes about the pairing link (docs/protocol.md
// "Setting up over the serial port"), unasked: `PAIR <link>`, which tools
// read, once for each identity and app URL; without an app URL, once, how to
// set one (a link without it would name no app); nothing while the identity
// is not ready (the glue says why). Before it, once for each identity, that
// no members were found beside a new identity or the stored ones were
// damaged ("Members storage" in "What the thermostat does, whatever it is told"). The glue prints the line and then calls
// said(): a line the port had no room for is owed again on the next pass.
// Each PAIR line carries a new invitation (docs/protocol.md "Keys and pairing"), and a thermostat
// keeps 4: ask only when the port has room for the line, or every pass would push one out.
//
//   char line[PairingNotice::kLineCapacity];
//   if (setup.room_for_line(sizeof line) && notice.due(core, network.app_url(), now, line) &&
//       setup.print_line(line)) {
//     notice.said(core, network.app_url());
//   }
#pragma once
#include "core_types.h"
#include "onboarding.h"
#include "thermostat.h"

namespace hearth {

class PairingNotice {
 public:
  static constexpr size_t kLineCapacity = 5 + kPairingLinkCapacity;  // "PAIR " and the link

  // Writes the line owed now into line (NUL-terminated) and returns true, or
  // returns false when nothing is owed.
  bool due(Thermostat& core, const char* app_url, Millis now, char (&line)[kLineCapacity]);
  // The line due() gave was printed.
  void said(const Thermostat& core, const char* app_url);

 private:
  // The identity and app URL of the last line printed ("": none since the
  // identity was last not ready).
  char said_id_[kIdLength + 1] = "";
  char said_app_url_[kMaxAppUrlLength + 1] = "";
  // The identity whose members were last said to be missing or damaged.
  char members_said_id_[kIdLength + 1] = "";
  bool giving_members_ = false;  // the last line due() gave was about the members
};

}  // namespace hearth
