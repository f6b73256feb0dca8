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

SimulatedBme280::SimulatedBme280(const RoomModel& room)
    : room_(room), noise_(std::random_device{}()) {}

SensorSample SimulatedBme280::read() {
  if (mode == SensorMode::fail) return SensorSample{false, {0, 0, 0}};
  if (mode == SensorMode::stuck && last_.ok) return last_;  // frozen registers
  std::uniform_real_distribution<float> jitter(-1.0f, 1.0f);
  last_.ok = true;
  last_.reading.temperature = float(room_.room_c) + 0.02f * jitter(noise_);
  last_.reading.humidity = 45.0f + 0.2f * jitter(noise_);
  last_.reading.pressure = 1013.2f + 0.05f * jitter(noise_);
  return last_;
}

}  // namespace hearth
