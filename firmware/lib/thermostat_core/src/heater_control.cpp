#include "heater_control.h"

namespace hearth {

const char* heat_reason_name(HeatReason r) {
  switch (r) {
    case HeatReason::boot: return "boot";
    case HeatReason::no_reading: return "no_reading";
    case HeatReason::frost: return "frost";
    case HeatReason::below_band: return "below_band";
    case HeatReason::above_band: return "above_band";
    case HeatReason::in_band: return "in_band";
    case HeatReason::min_on_hold: return "min_on_hold";
    case HeatReason::min_off_hold: return "min_off_hold";
    case HeatReason::heating_limit: return "heating_limit";
  }
  return "unknown";
}

const char* sensor_status_name(SensorStatus s) {
  switch (s) {
    case SensorStatus::absent: return "absent";
    case SensorStatus::failed: return "failed";
    case SensorStatus::good: return "good";
  }
  return "unknown";
}

namespace {
bool plausible(const ControlConfig& c, float celsius) {
  // Written so that NaN fails too.
  return celsius >= c.plausible_min / 100.0f && celsius <= c.plausible_max / 100.0f;
}
// Written so that NaN and infinities fail too.
bool within(float value, float low, float high) { return value >= low && value <= high; }
bool in_range(const ControlConfig& c, const Reading& r) {
  return plausible(c, r.temperature) && within(r.humidity, c.humidity_min, c.humidity_max) &&
         within(r.pressure, c.pressure_min, c.pressure_max);
}
bool same_reading(const Reading& a, const Reading& b) {
  return a.temperature == b.temperature && a.humidity == b.humidity && a.pressure == b.pressure;
}
}  // namespace

void ReadingMonitor::record(uint64_t now, const SensorSample& sample) {
  SensorStatus status = sample.status;
  if (status == SensorStatus::good && !in_range(config_, sample.reading)) status = SensorStatus::failed;
  const bool good_now = status == SensorStatus::good;
  // latest_ is still the previous sample here.
  if (!good_now || latest_.status != SensorStatus::good ||
      !same_reading(sample.reading, latest_.reading)) {
    unchanged_since_ = now;
  }
  sampled_ = true;
  last_sample_at_ = now;
  latest_.status = status;
  latest_.reading = sample.reading;
}

bool ReadingMonitor::stuck(uint64_t now) const {
  // A real BME280 never repeats temperature, humidity and pressure exactly for
  // minutes; frozen registers do.
  return latest_.status == SensorStatus::good && now - unchanged_since_ >= config_.stuck_after_ms;
}

bool ReadingMonitor::good(uint64_t now) const {
  return latest_.status == SensorStatus::good && now - last_sample_at_ < config_.reading_max_age_ms &&
         !stuck(now);
}

HeaterControl::HeaterControl(const ControlConfig& config, Relay& relay, uint64_t now)
    : config_(config), relay_(relay), switched_at_(now) {
  // Power-up counts as switching off: after a reset nobody knows how long ago
  // the relay last switched, so the minimum off time starts now.
  relay_.set(false);
}

void HeaterControl::drive(bool on, uint64_t now) {
  if (on == on_) return;
  on_ = on;
  switched_at_ = now;
  relay_.set(on);
}

void HeaterControl::update(uint64_t now, const ReadingMonitor& readings, Centi setpoint,
                           Centi hysteresis) {
  bool want_on = on_;
  HeatReason reason = HeatReason::in_band;
  HeldSetpoint held = HeldSetpoint::regime;

  if (!readings.good(now)) {
    held = HeldSetpoint::none;
    // Safety beats the minimum on time: never heat blind.
    want_on = false;
    reason = HeatReason::no_reading;
  } else if (on_ && now - switched_at_ >= config_.max_heating_ms) {
    want_on = false;
    reason = HeatReason::heating_limit;
    limit_rest_ = true;
    limit_at_ = now;
  } else {
    const Centi t = to_centi(readings.latest().temperature);
    if (t < config_.frost_below) {
      want_on = true;
      reason = HeatReason::frost;
      // Below both limits the band heats past the frost limit anyway.
      if (t >= setpoint - hysteresis) held = HeldSetpoint::frost;
    } else if (t < setpoint - hysteresis) {
      want_on = true;
      reason = HeatReason::below_band;
    } else if (t > setpoint + hysteresis) {
      want_on = false;
      reason = HeatReason::above_band;
    }
    if (want_on && !on_ && limit_rest_ && readings.latest_at() <= limit_at_) {
      want_on = false;
      reason = HeatReason::heating_limit;
    }
    // The minimum times bound how often the relay may switch; they only ever
    // delay a switch the band asks for, never a forced switch-off above.
    if (want_on != on_ && now - switched_at_ < (on_ ? config_.min_on_ms : config_.min_off_ms)) {
      reason = on_ ? HeatReason::min_on_hold : HeatReason::min_off_hold;
      want_on = on_;
    }
  }

  if (want_on && !on_) limit_rest_ = false;
  drive(want_on, now);
  reason_ = reason;
  held_ = held;
}

}  // namespace hearth
