// A one-node thermal model of a room and a simulated BME280 reading it.
#pragma once
#include <random>

#include "bme280.h"
#include "bme280_chip.h"
#include "ports.h"

namespace hearth {

struct RoomModel {
  double room_c = 20.0;
  double outside_c = 5.0;
  // About 0.9 °C per minute from the heater, and a loss of 1 % of the
  // difference to outside per minute: at 20 °C with 5 °C outside the room
  // cools by 0.15 °C per minute and warms by 0.75 °C per minute heating.
  double heating_c_per_s = 0.9 / 60.0;
  double loss_per_s = 0.01 / 60.0;

  void advance(double seconds, bool heater_on);
};

// ok; fail: the chip answers but skips its measurements; stuck: its data
// registers stop changing; absent: nothing answers on the bus.
enum class SensorMode { ok, fail, stuck, absent };
const char* sensor_mode_name(SensorMode mode);

// A simulated chip reading the room, through the driver the device runs.
class SimulatedBme280 final : public Sensor {
 public:
  explicit SimulatedBme280(const RoomModel& room);
  SensorSample read(Millis now) override;
  SensorMode mode = SensorMode::ok;

 private:
  const RoomModel& room_;
  std::mt19937 noise_;
  Bme280Chip chip_;
  Bme280 driver_{chip_};
};

class SimulatedRelay final : public Relay {
 public:
  void set(bool value) override { on = value; }
  bool on = false;
};

}  // namespace hearth
