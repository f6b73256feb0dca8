#include "bme280_chip.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth {

const uint8_t kRealBme280CalibrationA[kBme280CalibrationALength] = {
    0x10, 0x6e, 0x6c, 0x66, 0x32, 0x00, 0x5d, 0x95, 0xb8, 0xd5, 0xd0, 0x0b, 0x77,
    0x1e, 0x9d, 0xff, 0xf9, 0xff, 0xac, 0x26, 0x0a, 0xd8, 0xbd, 0x10, 0x00, 0x4b};
const uint8_t kRealBme280CalibrationB[kBme280CalibrationBLength] = {0x6e, 0x01, 0x00, 0x13,
                                                                     0x05, 0x00, 0x1e};

const char* chip_fault_name(ChipFault fault) {
  switch (fault) {
    case ChipFault::none: return "none";
    case ChipFault::absent: return "absent";
    case ChipFault::all_zero: return "all_zero";
    case ChipFault::all_ones: return "all_ones";
    case ChipFault::garbage: return "garbage";
    case ChipFault::bmp280: return "bmp280";
    case ChipFault::skipped: return "skipped";
  }
  return "unknown";
}

namespace {

constexpr uint8_t kDataFirst = 0xF7, kDataLast = 0xFE;

// The chip's side: from what it senses to its raw values, through the
// datasheet's floating-point compensation (BME280 datasheet 8.1), inverted by
// bisection. It is independent of the driver's integer formulas (4.2.3), so
// the driver reading back what the chip was given checks those formulas.
double celsius_of(const Bme280Calibration& c, double adc) {
  const double a = (adc / 16384.0 - c.t1 / 1024.0) * c.t2;
  const double b = (adc / 131072.0 - c.t1 / 8192.0) * (adc / 131072.0 - c.t1 / 8192.0) * c.t3;
  return (a + b) / 5120.0;
}

double pascal_of(const Bme280Calibration& c, double t_fine, double adc) {
  double v1 = t_fine / 2.0 - 64000.0;
  double v2 = v1 * v1 * c.p6 / 32768.0;
  v2 = v2 + v1 * c.p5 * 2.0;
  v2 = v2 / 4.0 + c.p4 * 65536.0;
  v1 = (c.p3 * v1 * v1 / 524288.0 + c.p2 * v1) / 524288.0;
  v1 = (1.0 + v1 / 32768.0) * c.p1;
  double p = 1048576.0 - adc;
  p = (p - v2 / 4096.0) * 6250.0 / v1;
  return p + (c.p9 * p * p / 2147483648.0 + p * c.p8 / 32768.0 + c.p7) / 16.0;
}

double humidity_of(const Bme280Calibration& c, double t_fine, double adc) {
  const double x = t_fine - 76800.0;
  double h = (adc - (c.h4 * 64.0 + c.h5 / 16384.0 * x)) *
             (c.h2 / 65536.0 * (1.0 + c.h6 / 67108864.0 * x * (1.0 + c.h3 / 67108864.0 * x)));
  return h * (1.0 - c.h1 * h / 524288.0);
}

// The raw value in [0, limit) whose result is nearest `target`, for a result
// that grows (or, with rising false, falls) with the raw value.
template <typename F>
int32_t invert(F result, double target, int32_t limit, bool rising) {
  int32_t low = 0, high = limit - 1;
  while (low < high) {
    const int32_t mid = low + (high - low) / 2;
    if ((result(mid) < target) == rising) low = mid + 1;
    else high = mid;
  }
  return low;
}

}  // namespace

Bme280Chip::Bme280Chip(uint8_t address, uint32_t seed) : address_(address), noise_(seed) {
  parse_bme280_calibration(kRealBme280CalibrationA, kRealBme280CalibrationB, &calibration_);
  power_cycle();
}

void Bme280Chip::power_cycle() {
  memset(registers, 0, sizeof registers);
  memcpy(registers + kBme280CalibrationA, kRealBme280CalibrationA, kBme280CalibrationALength);
  memcpy(registers + kBme280CalibrationB, kRealBme280CalibrationB, kBme280CalibrationBLength);
  registers[0xD0] = 0x60;
  // Data registers after reset: 0x80000 for pressure and temperature, 0x8000 for humidity.
  const uint8_t reset_data[] = {0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00};
  memcpy(registers + kDataFirst, reset_data, sizeof reset_data);
  hum_oversampling_ = 0;
}

void Bme280Chip::set_environment(double celsius, double humidity, double hectopascal) {
  celsius_ = std::clamp(celsius, -40.0, 85.0);
  humidity_ = std::clamp(humidity, 0.0, 100.0);
  hectopascal_ = std::clamp(hectopascal, 300.0, 1100.0);
}

void Bme280Chip::measure() {
  const uint8_t ctrl_meas = registers[0xF4];
  const uint8_t mode = ctrl_meas & 0x03;
  if (mode == 0 || frozen) return;  // sleep: the last values stay
  if (mode != 0x03) registers[0xF4] = uint8_t(ctrl_meas & ~0x03);  // forced: once, then sleep
  const Bme280Calibration& c = calibration_;
  const int32_t adc_t = invert([&](int32_t a) { return celsius_of(c, a); }, celsius_, 1 << 20, true);
  measured_celsius_ = celsius_of(c, adc_t);
  const double t_fine = measured_celsius_ * 5120.0;
  int32_t adc_p = invert([&](int32_t a) { return pascal_of(c, t_fine, a); }, hectopascal_ * 100.0,
                         1 << 20, false);
  // A real chip's pressure never repeats exactly for long: one count of noise.
  adc_p += int32_t(measurements_++ % 2);
  const int32_t adc_h =
      invert([&](int32_t a) { return humidity_of(c, t_fine, a); }, humidity_, 1 << 16, true);
  const bool skip_t = (ctrl_meas >> 5) == 0, skip_p = ((ctrl_meas >> 2) & 0x07) == 0;
  const uint32_t t = skip_t ? 0x80000u : uint32_t(adc_t), p = skip_p ? 0x80000u : uint32_t(adc_p);
  const uint32_t h = hum_oversampling_ == 0 ? 0x8000u : uint32_t(adc_h);
  const uint8_t data[] = {uint8_t(p >> 12), uint8_t(p >> 4), uint8_t((p & 0x0F) << 4),
                          uint8_t(t >> 12), uint8_t(t >> 4), uint8_t((t & 0x0F) << 4),
                          uint8_t(h >> 8),  uint8_t(h)};
  memcpy(registers + kDataFirst, data, sizeof data);
}

Status Bme280Chip::read(uint8_t device, uint8_t first_register, uint8_t* out, size_t count) {
  ++transfers;
  bytes += int(count);
  if (first_register == 0xD0) ++chip_id_reads;
  if (fault == ChipFault::absent || device != address_) return Error::io;
  if (fault == ChipFault::all_zero || fault == ChipFault::all_ones) {
    memset(out, fault == ChipFault::all_zero ? 0x00 : 0xFF, count);
    return Error::none;
  }
  if (fault == ChipFault::garbage) {
    for (size_t i = 0; i < count; ++i) out[i] = uint8_t(noise_());
    return Error::none;
  }
  const size_t last = first_register + count - 1;
  if (first_register <= kDataLast && last >= kDataFirst) measure();
  for (size_t i = 0; i < count; ++i) {
    const size_t at = (first_register + i) & 0xFF;
    uint8_t value = registers[at];
    if (fault == ChipFault::bmp280 && at == 0xD0) value = 0x58;
    if (fault == ChipFault::skipped && at >= kDataFirst && at <= kDataLast) {
      value = (at == 0xF7 || at == 0xFA || at == 0xFD) ? 0x80 : 0x00;
    }
    out[i] = value;
  }
  return Error::none;
}

Status Bme280Chip::write(uint8_t device, uint8_t register_address, uint8_t value) {
  ++transfers;
  bytes += 2;
  if (fault == ChipFault::absent || device != address_) return Error::io;
  if (fault != ChipFault::none && fault != ChipFault::bmp280 && fault != ChipFault::skipped) {
    return Error::none;  // acknowledged, and lost
  }
  switch (register_address) {
    case 0xE0:
      if (value == 0xB6) power_cycle();
      break;
    case 0xF2: registers[0xF2] = value & 0x07; break;
    case 0xF4:
      registers[0xF4] = value;
      hum_oversampling_ = registers[0xF2] & 0x07;
      break;
    case 0xF5: registers[0xF5] = value & 0xFD; break;
    default: break;  // read-only
  }
  return Error::none;
}

}  // namespace hearth
