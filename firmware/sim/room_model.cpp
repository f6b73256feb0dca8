#include "room_model.h"

namespace hearth {

void RoomModel::advance(double seconds, bool heater_on) {
  // Small explicit steps keep the model stable at any --speed.
  while (seconds > 0) {
    const double dt = seconds > 1.0 ? 1.0 : seconds;
    room_c += dt * ((heater_on ? heating_c_per_s : 0.0) - loss_per_s * (room_c - outside_c));
    seconds -= dt;
  }
}

const char* sensor_mode_name(SensorMode mode) {
  switch (mode) {
    case SensorMode::ok: return "ok";
    case SensorMode::fail: return "fail";
    case SensorMode::stuck: return "stuck";
    case SensorMode::absent: return "absent";
  }
  return "unknown";
}

SimulatedBme280::SimulatedBme280(const RoomModel& room)
    : room_(room), noise_(std::random_device{}()), chip_(0x76, noise_()) {}

SensorSample SimulatedBme280::read(Millis now) {
  chip_.fault = mode == SensorMode::fail     ? ChipFault::skipped
                : mode == SensorMode::absent ? ChipFault::absent
                                             : ChipFault::none;
  chip_.frozen = mode == SensorMode::stuck;
  std::uniform_real_distribution<double> jitter(-1.0, 1.0);
  chip_.set_environment(room_.room_c + 0.02 * jitter(noise_), 45.0 + 0.2 * jitter(noise_),
                        1013.2 + 0.05 * jitter(noise_));
  return driver_.read(now);
}

}  // namespace hearth
