// Everything that decides whether the heater runs. The relay is switched only
// by HeaterControl::update(); every safety rule of docs/protocol.md "What the
// thermostat does, whatever it is told" is enforced there, in one place, whatever the messages say.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

struct ControlConfig {
  uint32_t sample_period_ms = 5000;       // BME280 read interval
  uint32_t reading_max_age_ms = 60000;    // older than this: stale, heater off
  uint32_t stuck_after_ms = 600000;       // identical readings this long: sensor stuck
  uint32_t min_on_ms = 60000;
  uint32_t min_off_ms = 60000;
  uint32_t max_heating_ms = 4ul * 3600 * 1000;  // longest heating period without re-check
  Centi frost_below = 500;
  Centi plausible_min = -2000;
  Centi plausible_max = 6000;
  // What a BME280 can report at all (datasheet operating ranges). A reading
  // outside them is failed whatever the adapter says: 0 % and 0 hPa are what
  // a driver that ignores bus errors reports for a missing chip.
  float humidity_min = 0.0f;      // %RH
  float humidity_max = 100.0f;
  float pressure_min = 300.0f;    // hPa
  float pressure_max = 1100.0f;
};

// Why the relay is in its state; shown by the simulator and used by tests.
enum class HeatReason : uint8_t {
  boot,           // just started, relay off
  no_reading,     // sensor absent, failed, implausible, stuck or stale: forced off
  frost,          // below the frost limit: on
  below_band,     // below setpoint - hysteresis: on
  above_band,     // above setpoint + hysteresis: off
  in_band,        // inside the band: keep the current state
  min_on_hold,    // wants off but has not been on long enough
  min_off_hold,   // wants on but has not been off long enough
  heating_limit,  // heated max_heating_ms: forced off until a new reading asks again
};
const char* heat_reason_name(HeatReason r);

// Which temperature the thermostat is holding (docs/protocol.md "What the
// thermostat does, whatever it is told"): none while safety holds the heater
// off for want of a good reading, the frost limit while frost protection alone
// asks for heat, else the regime's set point.
enum class HeldSetpoint : uint8_t { none, regime, frost };

// Tracks the sensor: samples every sample_period_ms and decides whether there
// is a good reading (the latest sample is good, every value within range, not
// stuck, not stale). A sensor never seen good is never good.
class ReadingMonitor {
 public:
  explicit ReadingMonitor(const ControlConfig& config) : config_(config) {}

  // sampled_ only makes the first tick sample at once; whether a good reading
  // exists is latest_.status, absent until a sample is good.
  bool sample_due(uint64_t now) const {
    return !sampled_ || now - last_sample_at_ >= config_.sample_period_ms;
  }
  void record(uint64_t now, const SensorSample& sample);

  // The reading the controller may act on, or false.
  bool good(uint64_t now) const;
  // The latest sample's status after the core's own range checks.
  SensorStatus status() const { return latest_.status; }
  const Reading& latest() const { return latest_.reading; }
  uint64_t latest_at() const { return last_sample_at_; }

 private:
  bool stuck(uint64_t now) const;

  const ControlConfig& config_;
  bool sampled_ = false;
  uint64_t last_sample_at_ = 0;
  SensorSample latest_{SensorStatus::absent, {0, 0, 0}};
  uint64_t unchanged_since_ = 0;
};

class HeaterControl {
 public:
  HeaterControl(const ControlConfig& config, Relay& relay, uint64_t now);

  // Decides and drives the relay. setpoint/hysteresis in hundredths of °C.
  void update(uint64_t now, const ReadingMonitor& readings, Centi setpoint,
              Centi hysteresis);

  bool on() const { return on_; }
  HeatReason reason() const { return reason_; }
  HeldSetpoint held() const { return held_; }

 private:
  void drive(bool on, uint64_t now);

  const ControlConfig& config_;
  Relay& relay_;
  bool on_ = false;
  HeatReason reason_ = HeatReason::boot;
  HeldSetpoint held_ = HeldSetpoint::none;
  uint64_t switched_at_;
  // After heating_limit the heater may only return on a reading taken later.
  bool limit_rest_ = false;
  uint64_t limit_at_ = 0;
};

}  // namespace hearth
