// SNTP for the core's wall clock (docs/protocol.md "The wall clock"): the Arduino core's SNTP
// client (lwIP's, polling every hour) asks pool.ntp.org, or the NTP server a DHCP answer names,
// which lwIP then uses instead (it replaces the list it had). Every answer goes to the core as it
// comes; the core decides what to make of it (it ignores a time outside SET's range). The system
// clock stays UTC: local time is the core's business, from the `time_zone` of a SET.
#pragma once
#include <Arduino.h>
#include <coredecls.h>
#include <lwip/apps/sntp.h>
#include <time.h>

#include "thermostat.h"

// The server name must outlive the program (configTime keeps the pointer).
inline void start_sntp(hearth::Thermostat& core) {
  // Runs from loop() (the core schedules it after lwIP's settimeofday), never from an interrupt.
  settimeofday_cb([&core](bool from_sntp) {
    if (from_sntp) core.set_wall_time(time(nullptr), static_cast<hearth::Millis>(millis()));
  });
  sntp_servermode_dhcp(1);
  configTime(0, 0, "pool.ntp.org");
}
