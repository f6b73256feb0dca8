// What the serial console owes about the pairing link (docs/protocol.md
// "Setting up over the serial port"), unasked: `PAIR <link>`, which tools
// read, once for each identity and app URL; without an app URL, once, how to
// set one (a link without it would name no app); nothing while the identity
// is not ready (the glue says why). The glue prints the line and then calls
// said(): a line the port had no room for is owed again on the next pass.
//
//   char line[PairingNotice::kLineCapacity];
//   if (notice.due(core, network.app_url(), line) && setup.print_line(line)) notice.said(core, network.app_url());
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
  bool due(const Thermostat& core, const char* app_url, char (&line)[kLineCapacity]);
  // The line due() gave was printed.
  void said(const Thermostat& core, const char* app_url);

 private:
  // The identity and app URL of the last line printed ("": none since the
  // identity was last not ready).
  char said_id_[kIdLength + 1] = "";
  char said_app_url_[kMaxAppUrlLength + 1] = "";
};

}  // namespace hearth
