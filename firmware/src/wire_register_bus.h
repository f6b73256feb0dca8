// The BME280's bus: the ESP8266 core's TwoWire (libraries/Wire, core 3.1.2)
// as the core's RegisterBus. It only binds calls; what to read, when, and
// what a failure means is decided in the core (bme280.h).
//
// Time: the core's software I2C waits for a slave stretching the clock up to
// a limit at every clock edge, and Wire.begin() sets that limit to 150 ms, so
// a device holding SCL low could stall one transfer for seconds. A BME280
// never stretches the clock: begin() lowers the limit to 1 ms, which bounds a
// transfer on a stuck bus to about 10 ms (it fails at the address byte) and
// recover() to about 21 ms (one wait and at most 20 clocked bits). At the
// default 100 kHz a healthy transfer takes 0.3 to 3 ms.
#pragma once
#include <Wire.h>

#include "ports.h"

class WireRegisterBus final : public hearth::RegisterBus {
 public:
  explicit WireRegisterBus(TwoWire& wire) : wire_(wire) {}

  void begin(int sda, int scl) {
    wire_.begin(sda, scl);
    wire_.setClockStretchLimit(kClockStretchLimitUs);
  }

  // The register address, a repeated start (endTransmission(false)), then
  // exactly `count` bytes: Wire answers a NACK or a bus fault with a non-zero
  // endTransmission() and with fewer bytes from requestFrom().
  hearth::Status read(uint8_t device, uint8_t first_register, uint8_t* out,
                      size_t count) override {
    wire_.beginTransmission(device);
    if (wire_.write(first_register) != 1) return hearth::Error::io;
    if (wire_.endTransmission(false) != 0) return hearth::Error::io;
    if (wire_.requestFrom(device, count, true) != count) return hearth::Error::io;
    for (size_t i = 0; i < count; ++i) {
      const int byte = wire_.read();
      if (byte < 0) return hearth::Error::io;
      out[i] = static_cast<uint8_t>(byte);
    }
    return hearth::Error::none;
  }

  hearth::Status write(uint8_t device, uint8_t register_address, uint8_t value) override {
    wire_.beginTransmission(device);
    // A byte Wire could not buffer is never sent: the next beginTransmission() starts afresh.
    if (wire_.write(register_address) != 1 || wire_.write(value) != 1) return hearth::Error::io;
    return wire_.endTransmission() == 0 ? hearth::Error::none : hearth::Error::io;
  }

  // Wire.status() clocks SCL until a device holding SDA low lets go (at most
  // 20 bits) and reports whether the bus is free; the next transfer finds out
  // anyway, so its answer is not needed here.
  void recover() override { static_cast<void>(wire_.status()); }

 private:
  static constexpr uint32_t kClockStretchLimitUs = 1000;
  TwoWire& wire_;
};
