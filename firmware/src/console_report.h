// The lines the glue adds to the serial console, beside the core's answers: why the chip last
// started, the sensor found or lost, the pairing link (`PAIR <link>`, which tools read, or how to
// set the app URL it needs: the core's PairingNotice decides) or why the identity is not ready,
// and with -DHEARTH_DIAGNOSTICS a `diag` line every 10 s
// with the heap, the loop's stack and the longest pass of loop() (firmware/README.md "What only a real board can
// confirm"). Every line goes through the core's serial outbox, so that none lands inside an
// Improv packet, and one the outbox had no room for is tried again on the next pass.
#pragma once
#include <Arduino.h>

#include "bme280.h"
#include "network_config.h"
#include "onboarding.h"
#include "pairing_notice.h"
#include "thermostat.h"

class ConsoleReport {
 public:
  static constexpr hearth::Millis kDiagnosticsPeriodMs = 10000;

  explicit ConsoleReport(hearth::Onboarding& setup) : setup_(setup) {}

  bool say(const char* first, const char* second = "", const char* third = "") {
    char line[hearth::kPairingLinkCapacity + 80];
    snprintf(line, sizeof line, "%s%s%s", first, second, third);
    return setup_.print_line(line);
  }

  // user_interface.h's rst_reason, in words.
  static const char* reset_reason() {
    static const char* const kNames[] = {"power on", "hardware watchdog", "exception", "software watchdog",
                                         "restart",  "deep-sleep wake",   "reset pin"};
    const uint32_t reason = ESP.getResetInfoPtr()->reason;
    return reason < sizeof kNames / sizeof kNames[0] ? kNames[reason] : "unknown";
  }

  // After each core.tick().
  void changes(hearth::Thermostat& core, const hearth::Bme280& sensor,
               const hearth::NetworkConfigStore& network, hearth::Millis now) {
    const hearth::SensorStatus status = core.sensor_status();
    if (status != hearth::SensorStatus::failed && status != said_sensor_) {  // one failed reading passes
      char found[24];
      snprintf(found, sizeof found, "BME280 at 0x%02x", unsigned(sensor.address()));
      if (say("sensor: ", status == hearth::SensorStatus::good ? found : "absent: the heater stays off")) {
        said_sensor_ = status;
      }
    }
    // Each PAIR line makes an invitation: asked only when the port has room for it.
    char pairing[hearth::PairingNotice::kLineCapacity];
    if (setup_.room_for_line(sizeof pairing) && pairing_.due(core, network.app_url(), now, pairing) &&
        setup_.print_line(pairing)) {
      pairing_.said(core, network.app_url());
    }
    if (core.identity_ready()) {
      said_fault_ = hearth::Error::none;
    } else if (core.identity_error() != said_fault_ &&
               say("IDENTITY FAULT ", hearth::error_name(core.identity_error()),
                   ": not logging on; the heater rules still run")) {
      said_fault_ = core.identity_error();
    }
  }

  // At the end of each pass of loop() that started at `pass_started`.
  void pass_done(hearth::Millis pass_started, hearth::Millis now) {
#ifdef HEARTH_DIAGNOSTICS
    const uint32_t free_heap = ESP.getFreeHeap();
    if (free_heap < lowest_free_) lowest_free_ = free_heap;
    if (hearth::Millis(now - pass_started) > longest_pass_) longest_pass_ = now - pass_started;
    if (hearth::Millis(now - reported_at_) < kDiagnosticsPeriodMs) return;
    char line[128];
    // stack: the least loop() stack ever left free since boot (the core paints it at start).
    snprintf(line, sizeof line, "diag t=%us heap=%u lowest=%u block=%u stack=%u longest_pass=%ums",
             unsigned(now / 1000), unsigned(free_heap), unsigned(lowest_free_),
             unsigned(ESP.getMaxFreeBlockSize()), unsigned(ESP.getFreeContStack()), unsigned(longest_pass_));
    if (!setup_.print_line(line)) return;
    reported_at_ = now;
    longest_pass_ = 0;
#else
    (void)pass_started, (void)now;
#endif
  }

 private:
  hearth::Onboarding& setup_;
  hearth::SensorStatus said_sensor_ = hearth::SensorStatus::failed;  // nothing said yet
  hearth::PairingNotice pairing_;
  hearth::Error said_fault_ = hearth::Error::none;
  hearth::Millis reported_at_ = 0;
  uint32_t lowest_free_ = UINT32_MAX;
  hearth::Millis longest_pass_ = 0;
};
