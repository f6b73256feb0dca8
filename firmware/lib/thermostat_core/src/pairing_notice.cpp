#include "pairing_notice.h"

#include <stdio.h>
#include <string.h>

namespace hearth {

bool PairingNotice::due(Thermostat& core, const char* app_url, Millis now, char (&line)[kLineCapacity]) {
  if (!core.identity_ready()) {
    // Said again once it is back (after a storage fault, say).
    said_id_[0] = '\0';
    return false;
  }
  const Thermostat::MembersLoad members = core.members_load();
  giving_members_ = (members == Thermostat::MembersLoad::missing_new || members == Thermostat::MembersLoad::damaged) &&
                    strcmp(core.identity().id, members_said_id_) != 0;
  if (giving_members_) {
    snprintf(line, sizeof line, "%s",
             members == Thermostat::MembersLoad::damaged
                 ? "members: the stored ones were damaged or another thermostat's: none kept, the old link "
                   "closed; pair invites"
                 : "members: none yet; pair invites");
    return true;
  }
  if (strcmp(core.identity().id, said_id_) == 0 && strncmp(app_url, said_app_url_, sizeof said_app_url_) == 0) {
    return false;
  }
  if (app_url[0] == '\0') {
    snprintf(line, sizeof line, "no app URL: set it with app <URL of the app> to get the pairing link");
    return true;
  }
  if (core.members_full()) {
    snprintf(line, sizeof line, "no pairing link: 8 members are there; a member must remove one first");
    return true;
  }
  char link[kPairingLinkCapacity];
  const Result<size_t> made = core.pairing_link(app_url, link, sizeof link, now);
  if (!made.ok()) {
    snprintf(line, sizeof line, "no pairing link: %s", error_name(made.error));
    return true;
  }
  snprintf(line, sizeof line, "PAIR %s", link);
  return true;
}

void PairingNotice::said(const Thermostat& core, const char* app_url) {
  if (!core.identity_ready()) return;
  if (giving_members_) {
    snprintf(members_said_id_, sizeof members_said_id_, "%s", core.identity().id);
    return;
  }
  snprintf(said_id_, sizeof said_id_, "%s", core.identity().id);
  snprintf(said_app_url_, sizeof said_app_url_, "%s", app_url);
}

}  // namespace hearth
