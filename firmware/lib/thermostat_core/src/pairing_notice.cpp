#include "pairing_notice.h"

#include <stdio.h>
#include <string.h>

namespace hearth {

bool PairingNotice::due(const Thermostat& core, const char* app_url, char (&line)[kLineCapacity]) {
  if (!core.identity_ready()) {
    // Said again once it is back (after a storage fault, say).
    said_id_[0] = '\0';
    return false;
  }
  if (strcmp(core.identity().id, said_id_) == 0 && strncmp(app_url, said_app_url_, sizeof said_app_url_) == 0) {
    return false;
  }
  if (app_url[0] == '\0') {
    snprintf(line, sizeof line, "no app URL: set it with app <URL of the app> to get the pairing link");
    return true;
  }
  char link[kPairingLinkCapacity];
  const Result<size_t> made = core.pairing_link(app_url, link, sizeof link);
  if (!made.ok()) {
    snprintf(line, sizeof line, "no pairing link: %s", error_name(made.error));
    return true;
  }
  snprintf(line, sizeof line, "PAIR %s", link);
  return true;
}

void PairingNotice::said(const Thermostat& core, const char* app_url) {
  if (!core.identity_ready()) return;
  snprintf(said_id_, sizeof said_id_, "%s", core.identity().id);
  snprintf(said_app_url_, sizeof said_app_url_, "%s", app_url);
}

}  // namespace hearth
