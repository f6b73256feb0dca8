// A simulated BME280 on an I2C bus: the chip's registers (ID, trimming
// parameters from a real chip, control and data registers with their reset
// values), normal/forced/sleep modes, and the faults a real bus shows. The
// simulator and the tests run the real driver (bme280.h) over it.
#pragma once
#include <cstdint>
#include <random>

#include "bme280.h"
#include "ports.h"

namespace hearth {

// A real chip's trimming registers (0x88..0xA1 and 0xE1..0xE7), as a public
// I2C trace of one records them (periph.io's bmxx80 tests, TestI2CSenseBME280_success).
extern const uint8_t kRealBme280CalibrationA[kBme280CalibrationALength];
extern const uint8_t kRealBme280CalibrationB[kBme280CalibrationBLength];

enum class ChipFault : uint8_t {
  none,
  absent,     // nothing acknowledges: not connected, or dropped off the bus
  all_zero,   // every register reads 0x00 (SDA held low), writes are lost
  all_ones,   // every register reads 0xFF, writes are lost
  garbage,    // every read returns random bytes, writes are lost
  bmp280,     // another chip: ID 0x58, no humidity
  skipped,    // answers, but its data registers hold the skipped-measurement values
};
const char* chip_fault_name(ChipFault fault);

class Bme280Chip final : public RegisterBus {
 public:
  explicit Bme280Chip(uint8_t address = 0x76, uint32_t seed = 1);

  // What the next measurement sees. Outside the chip's ranges it saturates.
  void set_environment(double celsius, double humidity, double hectopascal);
  // The garbage and measurement noise.
  void reseed(uint32_t seed) { noise_.seed(seed); }
  // Power lost and back: registers to their reset values (sleep mode).
  void power_cycle();

  Status read(uint8_t device, uint8_t first_register, uint8_t* out, size_t count) override;
  Status write(uint8_t device, uint8_t register_address, uint8_t value) override;
  void recover() override { ++recoveries; }

  // The temperature the data registers hold, as the chip computes it.
  double measured_celsius() const { return measured_celsius_; }

  ChipFault fault = ChipFault::none;
  bool frozen = false;  // the data registers stop changing, as in a chip that hung
  // Every transfer, its bytes, the chip ID reads and the bus recoveries,
  // answered or not: tests bound them.
  int transfers = 0;
  int bytes = 0;
  int chip_id_reads = 0;
  int recoveries = 0;
  uint8_t registers[256] = {};

 private:
  void measure();
  const uint8_t address_;
  Bme280Calibration calibration_{};
  uint8_t hum_oversampling_ = 0;  // ctrl_hum as latched by the last ctrl_meas write
  double celsius_ = 20.0, humidity_ = 45.0, hectopascal_ = 1013.25;
  uint32_t measurements_ = 0;
  double measured_celsius_ = 0.0;
  std::mt19937 noise_;
};

}  // namespace hearth
