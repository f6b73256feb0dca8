// The Bosch BME280 (temperature, humidity, pressure) over a RegisterBus, as a
// Sensor that is believed only while the chip proves it is there: the chip ID
// (0xD0 = 0x60) at start, every minute and after every failed reading; its
// trimming parameters (blank or zero ones are no chip); its control registers
// read back as written with every measurement (a chip that reset or a bus
// returning noise does not echo them); no reset or skipped-measurement raw
// values. Bus errors make it absent and it starts again, retried with a
// growing pause. It never waits for the chip: it runs in normal mode (one
// measurement a second) and each read() is one short burst of transfers.
// Register map, modes and formulas: Bosch BME280 datasheet (BST-BME280-DS002),
// sections 4.2 and 5.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

// The trimming parameters (datasheet 4.2.2, table 16).
struct Bme280Calibration {
  uint16_t t1;
  int16_t t2, t3;
  uint16_t p1;
  int16_t p2, p3, p4, p5, p6, p7, p8, p9;
  uint8_t h1;
  int16_t h2;
  uint8_t h3;
  int16_t h4, h5;
  int8_t h6;
};

// Where the trimming parameters are: 26 bytes from 0x88 and 7 from 0xE1.
constexpr uint8_t kBme280CalibrationA = 0x88;
constexpr size_t kBme280CalibrationALength = 26;
constexpr uint8_t kBme280CalibrationB = 0xE1;
constexpr size_t kBme280CalibrationBLength = 7;

// corrupt when either block is blank (all 0x00 or all 0xFF: no chip answering,
// or its memory not loaded) or dig_T1 or dig_P1, never 0 on a real chip (the
// pressure formula divides by dig_P1), is 0.
Status parse_bme280_calibration(const uint8_t* block_a, const uint8_t* block_b,
                                Bme280Calibration* out);

// Raw ADC values: 20-bit temperature and pressure, 16-bit humidity.
struct Bme280Raw {
  int32_t temperature;
  int32_t pressure;
  int32_t humidity;
};

struct Bme280Values {
  int32_t centi_celsius;     // 0.01 °C
  uint32_t pascal_q24_8;     // Pa in 1/256
  uint32_t humidity_q22_10;  // %RH in 1/1024, 0 to 100 % as the datasheet clamps it
};

// The datasheet's integer compensation (4.2.3), computed in 64 bits so that
// no trimming parameters, however wrong, overflow it; equal to the
// datasheet's results for every input where its own 32-bit arithmetic holds.
// corrupt when the temperature is outside the chip's -40..85 °C or the
// pressure cannot be computed (division by zero, out of any physical range).
Status compensate_bme280(const Bme280Calibration& calibration, const Bme280Raw& raw,
                         Bme280Values* out);

class Bme280 final : public Sensor {
 public:
  // The two addresses a BME280 answers on (SDO to ground or to VDD).
  static constexpr uint8_t kAddresses[2] = {0x76, 0x77};
  static constexpr uint32_t kIdentityCheckMs = 60000;
  static constexpr uint32_t kRetryFirstMs = 1000;
  // With the core reading every 5 s, a chip that is back is read again within
  // 30 s: the longest pause, the read that starts it, the first measurement.
  static constexpr uint32_t kRetryMaxMs = 20000;

  explicit Bme280(RegisterBus& bus) : bus_(bus) {}

  SensorSample read(Millis now) override;

  // The address the chip answered on, 0 while there is none.
  uint8_t address() const { return ready_ ? address_ : 0; }
  // The pause before the next attempt to find the chip, 0 while it runs.
  uint32_t retry_pause_ms() const { return ready_ ? 0 : retry_pause_; }

 private:
  // Finds the chip, reads its trimming parameters and starts normal mode: at
  // most two chip ID reads, two trimming reads and four register writes.
  Status start();
  SensorSample measure(Millis now);
  // After a bus error or no chip: absent, and the next start waits a pause
  // that doubles up to kRetryMaxMs.
  SensorSample absent(Millis now);
  // After a failed reading: the next read starts the chip again at once,
  // checking its ID first.
  SensorSample failed();

  RegisterBus& bus_;
  Bme280Calibration calibration_{};
  bool ready_ = false;
  uint8_t address_ = kAddresses[0];
  Millis checked_at_ = 0;     // the chip ID was last read
  Millis failed_at_ = 0;      // the last start that found no chip, or the last bus error
  uint32_t retry_pause_ = 0;  // 0: start at the next read
};

}  // namespace hearth
