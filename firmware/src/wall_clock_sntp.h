// SNTP for the core's wall clock (docs/protocol.md "The wall clock"): the Arduino core's SNTP
// client (lwIP's, polling every hour) asks pool.ntp.org, or the NTP server a DHCP answer names,
// which lwIP then uses instead (it replaces the list it had). Every answer goes to the core; the
// core decides what to make of it (it ignores a time outside SET's range). The system clock stays
// UTC: local time is the core's business, from the `time_zone` of a SET.
#pragma once
#include <Arduino.h>
#include <coredecls.h>
#include <lwip/apps/sntp.h>
#include <time.h>

#include "thermostat.h"

class SntpClock {
 public:
  // The server name must outlive the program (configTime keeps the pointer).
  void start() {
    // The Arduino core (3.1.2) runs this callback as a scheduled recurrent function: at the next
    // yield() or delay() anywhere, which the libraries make inside a link send (a STATE frame),
    // in the middle of the core's own work. So it only notes the answer; pass_to hands it over.
    settimeofday_cb([this](bool from_sntp) { answered_ = answered_ || from_sntp; });
    sntp_servermode_dhcp(1);
    configTime(0, 0, "pool.ntp.org");
  }

  // From the top of loop(), between two calls into the core, never inside one.
  void pass_to(hearth::Thermostat& core) {
    if (!answered_) return;
    answered_ = false;
    core.set_wall_time(time(nullptr), static_cast<hearth::Millis>(millis()));
  }

 private:
  bool answered_ = false;
};
