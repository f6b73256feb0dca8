#include "bme280.h"

namespace hearth {

namespace {

constexpr uint8_t kChipIdRegister = 0xD0;
constexpr uint8_t kChipId = 0x60;  // a BMP280 says 0x56..0x58 and has no humidity
constexpr uint8_t kCtrlHumRegister = 0xF2;
constexpr uint8_t kCtrlMeasRegister = 0xF4;
constexpr uint8_t kConfigRegister = 0xF5;

// Oversampling x1 for all three, no filter, normal mode with 1000 ms standby:
// a fresh measurement every second, ready long before the core's next read.
constexpr uint8_t kCtrlHum = 0x01;        // osrs_h x1
constexpr uint8_t kCtrlMeasSleep = 0x24;  // osrs_t x1, osrs_p x1, sleep
constexpr uint8_t kCtrlMeas = 0x27;       // osrs_t x1, osrs_p x1, normal
constexpr uint8_t kConfig = 0xA0;         // t_sb 1000 ms, filter off, no 3-wire SPI
// Bits the datasheet defines (the others are reserved, not compared).
constexpr uint8_t kCtrlHumMask = 0x07;
constexpr uint8_t kConfigMask = 0xFD;

// One burst from ctrl_hum to the last data register: the control registers
// to compare with what was written, and the data registers, which the chip
// keeps consistent only within one burst (datasheet 4: data shadowing).
constexpr uint8_t kBurstFirst = kCtrlHumRegister;
constexpr size_t kBurstLength = 0xFE - kBurstFirst + 1;
constexpr size_t kCtrlHumAt = 0, kCtrlMeasAt = 2, kConfigAt = 3;
constexpr size_t kPressureAt = 0xF7 - kBurstFirst, kTemperatureAt = 0xFA - kBurstFirst,
                 kHumidityAt = 0xFD - kBurstFirst;

// What the data registers hold after a reset, and for a skipped measurement.
constexpr int32_t kResetRaw20 = 0x80000;
constexpr int32_t kResetRaw16 = 0x8000;

constexpr int32_t kMinCentiCelsius = -4000, kMaxCentiCelsius = 8500;   // operating range
constexpr uint32_t kMinPascalQ8 = 30000u * 256, kMaxPascalQ8 = 110000u * 256;

uint16_t unsigned16(const uint8_t* b) { return uint16_t(b[0] | (b[1] << 8)); }
int16_t signed16(const uint8_t* b) { return int16_t(unsigned16(b)); }

bool blank(const uint8_t* bytes, size_t length) {
  bool zeros = true, ones = true;
  for (size_t i = 0; i < length; ++i) {
    zeros = zeros && bytes[i] == 0x00;
    ones = ones && bytes[i] == 0xFF;
  }
  return zeros || ones;
}

int32_t raw20(const uint8_t* b) { return int32_t((uint32_t(b[0]) << 12) | (uint32_t(b[1]) << 4) | (b[2] >> 4)); }

// t_fine (datasheet 4.2.3), in 64 bits: with hostile trimming parameters the
// 32-bit products would overflow.
int64_t fine_temperature(const Bme280Calibration& c, int32_t adc) {
  const int64_t coarse = ((int64_t(adc >> 3) - int64_t(c.t1) * 2) * c.t2) >> 11;
  const int64_t offset = int64_t(adc >> 4) - c.t1;
  const int64_t curve = (((offset * offset) >> 12) * c.t3) >> 14;
  return coarse + curve;
}

// Pa in 1/256 from the 64-bit formula; false where it cannot give a pressure.
// t_fine is within the chip's temperature range here, which bounds every
// product but the ones checked.
bool pascal_q24_8(const Bme280Calibration& c, int64_t t_fine, int32_t adc, uint32_t* out) {
  int64_t v1 = t_fine - 128000;
  int64_t v2 = v1 * v1 * c.p6;
  v2 += v1 * c.p5 * (int64_t(1) << 17);
  v2 += int64_t(c.p4) * (int64_t(1) << 35);
  v1 = ((v1 * v1 * c.p3) >> 8) + v1 * c.p2 * (int64_t(1) << 12);
  const int64_t offset = (int64_t(1) << 47) + v1;
  if (offset <= 0 || offset > INT64_MAX / c.p1) return false;
  v1 = (offset * c.p1) >> 33;
  if (v1 <= 0) return false;
  const int64_t numerator = ((int64_t(1048576) - adc) << 31) - v2;
  if (numerator > INT64_MAX / 3125 || numerator < -(INT64_MAX / 3125)) return false;
  // Pa in 1/65536 here; beyond 2^36 (10 bar) it is no air pressure, and the
  // square below could overflow.
  int64_t p = numerator * 3125 / v1;
  if (p < 0 || p > (int64_t(1) << 36)) return false;
  v1 = (c.p9 * (p >> 13) * (p >> 13)) >> 25;
  v2 = (c.p8 * p) >> 19;
  p = ((p + v1 + v2) >> 8) + int64_t(c.p7) * 16;
  if (p < 0 || p > INT32_MAX) return false;
  *out = uint32_t(p);
  return true;
}

// %RH in 1/1024 (datasheet 4.2.3, the 32-bit formula in 64 bits).
uint32_t humidity_q22_10(const Bme280Calibration& c, int64_t t_fine, int32_t adc) {
  int64_t x = t_fine - 76800;
  const int64_t offset =
      ((int64_t(adc) * (1 << 14)) - int64_t(c.h4) * (1 << 20) - c.h5 * x + 16384) >> 15;
  const int64_t gain =
      (((((((x * c.h6) >> 10) * (((x * c.h3) >> 11) + 32768)) >> 10) + 2097152) * c.h2) + 8192) >>
      14;
  x = offset * gain;
  x -= ((((x >> 15) * (x >> 15)) >> 7) * c.h1) >> 4;
  if (x < 0) x = 0;
  if (x > 419430400) x = 419430400;  // 100 %
  return uint32_t(x >> 12);
}

}  // namespace

Status parse_bme280_calibration(const uint8_t* a, const uint8_t* b, Bme280Calibration* out) {
  if (blank(a, kBme280CalibrationALength) || blank(b, kBme280CalibrationBLength)) {
    return Error::corrupt;
  }
  Bme280Calibration c;
  c.t1 = unsigned16(a + 0);
  c.t2 = signed16(a + 2);
  c.t3 = signed16(a + 4);
  c.p1 = unsigned16(a + 6);
  c.p2 = signed16(a + 8);
  c.p3 = signed16(a + 10);
  c.p4 = signed16(a + 12);
  c.p5 = signed16(a + 14);
  c.p6 = signed16(a + 16);
  c.p7 = signed16(a + 18);
  c.p8 = signed16(a + 20);
  c.p9 = signed16(a + 22);
  c.h1 = a[25];  // a[24] (0xA0) is not used
  c.h2 = signed16(b + 0);
  c.h3 = b[2];
  // Two 12-bit signed values sharing 0xE5: dig_H4 = 0xE4 (high 8 bits) and
  // 0xE5 bits 3..0; dig_H5 = 0xE6 (high 8 bits) and 0xE5 bits 7..4.
  c.h4 = int16_t(int8_t(b[3]) * 16 + (b[4] & 0x0F));
  c.h5 = int16_t(int8_t(b[5]) * 16 + (b[4] >> 4));
  c.h6 = int8_t(b[6]);
  if (c.t1 == 0 || c.p1 == 0) return Error::corrupt;
  *out = c;
  return Error::none;
}

Status compensate_bme280(const Bme280Calibration& c, const Bme280Raw& raw, Bme280Values* out) {
  const int64_t t_fine = fine_temperature(c, raw.temperature);
  // The chip works from -40 to 85 °C; outside, the trimming or the raw value is wrong.
  const int64_t centi = (t_fine * 5 + 128) >> 8;
  if (centi < kMinCentiCelsius || centi > kMaxCentiCelsius) return Error::corrupt;
  Bme280Values v;
  v.centi_celsius = int32_t(centi);
  if (!pascal_q24_8(c, t_fine, raw.pressure, &v.pascal_q24_8)) return Error::corrupt;
  v.humidity_q22_10 = humidity_q22_10(c, t_fine, raw.humidity);
  *out = v;
  return Error::none;
}

SensorSample Bme280::read(Millis now) {
  if (!ready_) {
    if (retry_pause_ != 0) {
      if (uint32_t(now - failed_at_) < retry_pause_) {
        return SensorSample{SensorStatus::absent, {0, 0, 0}};
      }
      // A chip cut off mid-transfer may still hold the data line low.
      bus_.recover();
    }
    if (start() != Error::none) return absent(now);
    ready_ = true;
    retry_pause_ = 0;
    checked_at_ = now;
    // Normal mode has just begun: its first measurement is read next time.
    return SensorSample{SensorStatus::failed, {0, 0, 0}};
  }
  return measure(now);
}

Status Bme280::start() {
  // The address that answered last first; the other only when no BME280
  // answers there.
  uint8_t id = 0;
  if (bus_.read(address_, kChipIdRegister, &id, 1) != Error::none || id != kChipId) {
    const uint8_t other = address_ == kAddresses[0] ? kAddresses[1] : kAddresses[0];
    if (bus_.read(other, kChipIdRegister, &id, 1) != Error::none) return Error::io;
    if (id != kChipId) return Error::not_found;
    address_ = other;
  }
  uint8_t a[kBme280CalibrationALength], b[kBme280CalibrationBLength];
  if (bus_.read(address_, kBme280CalibrationA, a, sizeof a) != Error::none ||
      bus_.read(address_, kBme280CalibrationB, b, sizeof b) != Error::none) {
    return Error::io;
  }
  Bme280Calibration calibration;
  if (const Status parsed = parse_bme280_calibration(a, b, &calibration); parsed != Error::none) {
    return parsed;
  }
  // config is only written reliably in sleep mode, and ctrl_hum takes effect
  // with the next ctrl_meas write.
  if (bus_.write(address_, kCtrlMeasRegister, kCtrlMeasSleep) != Error::none ||
      bus_.write(address_, kCtrlHumRegister, kCtrlHum) != Error::none ||
      bus_.write(address_, kConfigRegister, kConfig) != Error::none ||
      bus_.write(address_, kCtrlMeasRegister, kCtrlMeas) != Error::none) {
    return Error::io;
  }
  calibration_ = calibration;
  return Error::none;
}

SensorSample Bme280::measure(Millis now) {
  if (uint32_t(now - checked_at_) >= kIdentityCheckMs) {
    uint8_t id = 0;
    if (bus_.read(address_, kChipIdRegister, &id, 1) != Error::none) return absent(now);
    if (id != kChipId) return absent(now);
    checked_at_ = now;
  }
  uint8_t r[kBurstLength];
  if (bus_.read(address_, kBurstFirst, r, sizeof r) != Error::none) return absent(now);
  // A chip that lost power is back in sleep mode with its reset values; a
  // bus returning noise does not echo what was written.
  if ((r[kCtrlHumAt] & kCtrlHumMask) != kCtrlHum || r[kCtrlMeasAt] != kCtrlMeas ||
      (r[kConfigAt] & kConfigMask) != kConfig) {
    return failed();
  }
  const Bme280Raw raw{raw20(r + kTemperatureAt), raw20(r + kPressureAt),
                      int32_t((r[kHumidityAt] << 8) | r[kHumidityAt + 1])};
  if (raw.temperature == kResetRaw20 || raw.pressure == kResetRaw20 ||
      raw.humidity == kResetRaw16) {
    return failed();
  }
  Bme280Values v;
  if (compensate_bme280(calibration_, raw, &v) != Error::none) return failed();
  if (v.pascal_q24_8 < kMinPascalQ8 || v.pascal_q24_8 > kMaxPascalQ8) return failed();
  return SensorSample{SensorStatus::good,
                      {float(v.centi_celsius) / 100.0f, float(v.humidity_q22_10) / 1024.0f,
                       float(v.pascal_q24_8) / 25600.0f}};
}

SensorSample Bme280::absent(Millis now) {
  ready_ = false;
  failed_at_ = now;
  retry_pause_ = retry_pause_ == 0 ? kRetryFirstMs
                 : retry_pause_ >= kRetryMaxMs / 2 ? kRetryMaxMs
                                                   : retry_pause_ * 2;
  return SensorSample{SensorStatus::absent, {0, 0, 0}};
}

SensorSample Bme280::failed() {
  ready_ = false;
  retry_pause_ = 0;
  return SensorSample{SensorStatus::failed, {0, 0, 0}};
}

}  // namespace hearth
