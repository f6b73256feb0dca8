// The BME280 driver (bme280.h) against a simulated chip (sim/bme280_chip.h)
// holding a real chip's trimming registers: the values it computes, and the
// status it reports for every way a chip or a bus goes wrong.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bme280.h"
#include "bme280_chip.h"

using namespace hearth;

namespace {

constexpr uint32_t kPeriod = 5000;  // the core reads the sensor every 5 s

std::string status_of(const SensorSample& s) { return sensor_status_name(s.status); }

// A bench: the chip, the driver, and a clock advancing one core period per read.
struct Bus {
  Bme280Chip chip;
  Bme280 driver{chip};
  Millis now = 1000;

  explicit Bus(uint8_t address = 0x76) : chip(address) {}
  SensorSample read() {
    now += kPeriod;
    return driver.read(now);
  }
  // Reads until one is good, at most `reads` times; how many it took, or -1.
  int reads_until_good(int reads) {
    for (int i = 1; i <= reads; ++i) {
      if (read().status == SensorStatus::good) return i;
    }
    return -1;
  }
};

}  // namespace

TEST_CASE("bme280: a real chip's trimming registers and measurement give its °C, %RH and hPa") {
  // The registers of a real chip as a public I2C trace recorded them, with the
  // values its recorder computed: 23.72 °C, 100942.6953125 Pa, 65.3056 %RH.
  Bme280Calibration c{};
  REQUIRE(parse_bme280_calibration(kRealBme280CalibrationA, kRealBme280CalibrationB, &c) ==
          Error::none);
  CHECK(c.t1 == 28176);
  CHECK(c.t2 == 26220);
  CHECK(c.t3 == 50);
  CHECK(c.p1 == 38237);
  CHECK(c.p2 == -10824);
  CHECK(c.p3 == 3024);
  CHECK(c.p4 == 7799);
  CHECK(c.p5 == -99);
  CHECK(c.p6 == -7);
  CHECK(c.p7 == 9900);
  CHECK(c.p8 == -10230);
  CHECK(c.p9 == 4285);
  CHECK(c.h1 == 75);
  CHECK(c.h2 == 366);
  CHECK(c.h3 == 0);
  CHECK(c.h4 == 309);
  CHECK(c.h5 == 0);
  CHECK(c.h6 == 30);

  Bus bus;
  bus.read();  // starts the chip
  // The recorded data registers 0xF7..0xFE: 4a 52 c0 80 96 c0 7a 76.
  bus.chip.frozen = true;
  const uint8_t data[] = {0x4a, 0x52, 0xc0, 0x80, 0x96, 0xc0, 0x7a, 0x76};
  memcpy(bus.chip.registers + 0xF7, data, sizeof data);
  const SensorSample s = bus.read();
  REQUIRE(status_of(s) == "good");
  CHECK(s.reading.temperature == doctest::Approx(23.72).epsilon(1e-6));
  CHECK(s.reading.pressure == doctest::Approx(1009.426953125).epsilon(1e-6));
  CHECK(s.reading.humidity == doctest::Approx(65.3056).epsilon(1e-4));

  Bme280Values v{};
  REQUIRE(compensate_bme280(c, {526700, 304428, 31350}, &v) == Error::none);
  CHECK(v.centi_celsius == 2372);
  CHECK(v.pascal_q24_8 == 25841330u);  // 100942.6953125 Pa
  CHECK(v.humidity_q22_10 == 66873u);  // 65.3056 %RH
}

TEST_CASE("bme280: the BMP280 datasheet's worked example (same temperature and pressure formulas)") {
  // BMP280 datasheet 3.12: 25.08 °C and 100653.27 Pa from these parameters.
  Bme280Calibration c{};
  c.t1 = 27504;
  c.t2 = 26435;
  c.t3 = -1000;
  c.p1 = 36477;
  c.p2 = -10685;
  c.p3 = 3024;
  c.p4 = 2855;
  c.p5 = 140;
  c.p6 = -7;
  c.p7 = 15500;
  c.p8 = -14600;
  c.p9 = 6000;
  c.h2 = 366;
  Bme280Values v{};
  REQUIRE(compensate_bme280(c, {519888, 415148, 30000}, &v) == Error::none);
  CHECK(v.centi_celsius == 2508);
  CHECK(std::fabs(double(v.pascal_q24_8) / 256.0 - 100653.27) < 0.05);
}

TEST_CASE("bme280: readings agree with the datasheet's floating-point formulas across its ranges") {
  // The simulated chip encodes what it senses with the datasheet's double
  // formulas (8.1); the driver decodes with the integer ones (4.2.3).
  Bus bus;
  bus.read();
  for (double celsius : {-39.5, -20.0, 0.0, 4.99, 21.37, 40.0, 84.5}) {
    for (double humidity : {0.5, 30.0, 65.3, 99.5}) {
      for (double hpa : {300.5, 850.0, 1013.25, 1099.5}) {
        CAPTURE(celsius);
        CAPTURE(humidity);
        CAPTURE(hpa);
        bus.chip.set_environment(celsius, humidity, hpa);
        const SensorSample s = bus.read();
        REQUIRE(status_of(s) == "good");
        CHECK(std::fabs(s.reading.temperature - celsius) <= 0.011);
        CHECK(std::fabs(s.reading.humidity - humidity) <= 0.05);
        CHECK(std::fabs(s.reading.pressure - hpa) <= 0.02);
      }
    }
  }
}

namespace {

struct StartCase {
  const char* what;
  void (*arrange)(Bme280Chip& chip);
  const char* first;  // the status of the first read
  const char* later;  // the status of every read after it, for a minute
};

void write_bytes(Bme280Chip& chip, uint8_t at, std::vector<uint8_t> bytes) {
  memcpy(chip.registers + at, bytes.data(), bytes.size());
}

const StartCase kStarts[] = {
    {"a working chip: started, then measured", [](Bme280Chip&) {}, "failed", "good"},
    {"no chip: every transfer is refused",
     [](Bme280Chip& chip) { chip.fault = ChipFault::absent; }, "absent", "absent"},
    {"every register reads 0x00", [](Bme280Chip& chip) { chip.fault = ChipFault::all_zero; },
     "absent", "absent"},
    {"every register reads 0xFF", [](Bme280Chip& chip) { chip.fault = ChipFault::all_ones; },
     "absent", "absent"},
    {"a BMP280 (chip ID 0x58, no humidity)",
     [](Bme280Chip& chip) { chip.fault = ChipFault::bmp280; }, "absent", "absent"},
    {"a chip ID that is no Bosch chip's", [](Bme280Chip& chip) { chip.registers[0xD0] = 0x61; },
     "absent", "absent"},
    {"blank trimming registers (all 0x00)",
     [](Bme280Chip& chip) { memset(chip.registers + 0x88, 0x00, 26); }, "absent", "absent"},
    {"blank trimming registers (all 0xFF)",
     [](Bme280Chip& chip) { memset(chip.registers + 0x88, 0xFF, 26); }, "absent", "absent"},
    {"blank humidity trimming registers",
     [](Bme280Chip& chip) { memset(chip.registers + 0xE1, 0x00, 7); }, "absent", "absent"},
    {"dig_T1 = 0", [](Bme280Chip& chip) { write_bytes(chip, 0x88, {0x00, 0x00}); }, "absent",
     "absent"},
    {"dig_P1 = 0", [](Bme280Chip& chip) { write_bytes(chip, 0x8E, {0x00, 0x00}); }, "absent",
     "absent"},
    {"skipped measurements (0x80000, 0x8000)",
     [](Bme280Chip& chip) { chip.fault = ChipFault::skipped; }, "failed", "failed"},
    {"trimming that puts every temperature outside -40..85 °C",
     [](Bme280Chip& chip) { write_bytes(chip, 0x88, {0x01, 0x00}); }, "failed", "failed"},
};

}  // namespace

TEST_CASE("bme280: what each chip and bus fault reports, from the first read on") {
  for (const StartCase& c : kStarts) {
    CAPTURE(std::string(c.what));
    Bus bus;
    c.arrange(bus.chip);
    CHECK(status_of(bus.read()) == c.first);
    for (int i = 0; i < 12; ++i) {
      CAPTURE(i);
      const SensorSample s = bus.read();
      CHECK(status_of(s) == c.later);
      if (s.status != SensorStatus::good) {
        CHECK(s.reading.temperature == 0.0f);
      }
    }
  }
}

namespace {

struct RunningCase {
  const char* what;
  void (*fault)(Bme280Chip& chip);
  const char* next;  // the status of the next read
};

const RunningCase kRunning[] = {
    {"the chip drops off the bus", [](Bme280Chip& chip) { chip.fault = ChipFault::absent; },
     "absent"},
    {"the bus reads all zeros", [](Bme280Chip& chip) { chip.fault = ChipFault::all_zero; },
     "failed"},
    {"the bus reads all ones", [](Bme280Chip& chip) { chip.fault = ChipFault::all_ones; },
     "failed"},
    {"the chip lost power (sleep mode, reset values)",
     [](Bme280Chip& chip) { chip.power_cycle(); }, "failed"},
    {"the chip skips its measurements", [](Bme280Chip& chip) { chip.fault = ChipFault::skipped; },
     "failed"},
    {"reset temperature value only", [](Bme280Chip& chip) {
       chip.frozen = true;
       write_bytes(chip, 0xFA, {0x80, 0x00, 0x00});
     }, "failed"},
    {"reset pressure value only", [](Bme280Chip& chip) {
       chip.frozen = true;
       write_bytes(chip, 0xF7, {0x80, 0x00, 0x00});
     }, "failed"},
    {"reset humidity value only", [](Bme280Chip& chip) {
       chip.frozen = true;
       write_bytes(chip, 0xFD, {0x80, 0x00});
     }, "failed"},
    {"someone rewrote the configuration", [](Bme280Chip& chip) { chip.registers[0xF5] = 0x00; },
     "failed"},
    {"a pressure outside 300..1100 hPa", [](Bme280Chip& chip) {
       chip.frozen = true;
       write_bytes(chip, 0xF7, {0xff, 0xff, 0xf0});
     }, "failed"},
};

}  // namespace

TEST_CASE("bme280: faults while running; it comes back once the chip works again") {
  for (const RunningCase& c : kRunning) {
    CAPTURE(std::string(c.what));
    Bus bus;
    REQUIRE(bus.reads_until_good(2) == 2);
    c.fault(bus.chip);
    CHECK(status_of(bus.read()) == c.next);
    CHECK(status_of(bus.read()) != "good");
    bus.chip.fault = ChipFault::none;
    bus.chip.frozen = false;
    bus.chip.power_cycle();
    // Within the longest retry pause and two reads (start, then measure).
    CHECK(bus.reads_until_good(int(Bme280::kRetryMaxMs / kPeriod) + 2) > 0);
  }
}

TEST_CASE("bme280: garbage on the bus is never a good reading") {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    CAPTURE(seed);
    Bus bus;
    bus.chip.reseed(seed);
    if (seed % 2 == 0) REQUIRE(bus.reads_until_good(2) == 2);  // half of them while running
    bus.chip.fault = ChipFault::garbage;
    for (int i = 0; i < 200; ++i) REQUIRE(status_of(bus.read()) != "good");
  }
}

TEST_CASE("bme280: drop-off mid-run: absent, retried with a growing pause, re-initialised on return") {
  Bus bus;
  REQUIRE(bus.reads_until_good(2) == 2);
  bus.chip.fault = ChipFault::absent;
  CHECK(status_of(bus.read()) == "absent");
  // The pause doubles from 1 s to 20 s; each attempt is at most two chip ID
  // reads (both addresses) after a bus recovery.
  std::vector<uint32_t> pauses{bus.driver.retry_pause_ms()};
  int attempts = 0;
  for (int i = 0; i < 60; ++i) {
    const int before = bus.chip.transfers;
    const int recoveries = bus.chip.recoveries;
    CHECK(status_of(bus.read()) == "absent");
    const int transfers = bus.chip.transfers - before;
    CHECK(transfers <= 2);
    if (transfers > 0) {
      ++attempts;
      CHECK(bus.chip.recoveries == recoveries + 1);
    }
    if (pauses.back() != bus.driver.retry_pause_ms()) {
      pauses.push_back(bus.driver.retry_pause_ms());
    }
  }
  CHECK(pauses == std::vector<uint32_t>{1000, 2000, 4000, 8000, 16000, 20000});
  CHECK(attempts < 20);  // 60 reads in 5 minutes, ever fewer attempts
  // Back, after a power-up: found, started again and measured within 30 s.
  bus.chip.power_cycle();
  bus.chip.fault = ChipFault::none;
  const int reads = bus.reads_until_good(30000 / kPeriod);
  CHECK(reads > 0);
  CHECK(bus.driver.retry_pause_ms() == 0);
  CHECK(bus.chip.registers[0xF4] == 0x27);  // normal mode again
}

TEST_CASE("bme280: the chip ID is checked every minute and after every failed reading") {
  Bus bus;
  REQUIRE(bus.reads_until_good(2) == 2);
  int ids = bus.chip.chip_id_reads;
  for (int i = 0; i < 10; ++i) REQUIRE(status_of(bus.read()) == "good");
  CHECK(bus.chip.chip_id_reads == ids);  // 55 s after the start: none yet
  // Replaced by a BMP280 whose registers happen to echo ours: caught by the minute's check.
  bus.chip.fault = ChipFault::bmp280;
  CHECK(status_of(bus.read()) == "absent");
  CHECK(bus.chip.chip_id_reads == ids + 1);

  bus.chip.fault = ChipFault::none;
  REQUIRE(bus.reads_until_good(int(Bme280::kRetryMaxMs / kPeriod) + 2) > 0);
  bus.chip.fault = ChipFault::skipped;
  CHECK(status_of(bus.read()) == "failed");
  ids = bus.chip.chip_id_reads;
  CHECK(status_of(bus.read()) == "failed");  // started again: chip ID first
  CHECK(bus.chip.chip_id_reads == ids + 1);
}

TEST_CASE("bme280: every read is one short burst, never a wait") {
  // Worst case: a start (two chip ID reads, 33 trimming bytes, four writes).
  // Running: one 13-byte read, and a chip ID read once a minute.
  Bus bus(0x77);
  int most_transfers = 0, most_bytes = 0;
  for (int i = 0; i < 100; ++i) {
    const int transfers = bus.chip.transfers, bytes = bus.chip.bytes;
    bus.read();
    most_transfers = std::max(most_transfers, bus.chip.transfers - transfers);
    most_bytes = std::max(most_bytes, bus.chip.bytes - bytes);
    if (i == 50) bus.chip.power_cycle();
  }
  CHECK(bus.driver.address() == 0x77);  // found on the second address
  CHECK(most_transfers <= 8);
  CHECK(most_bytes <= 2 + 33 + 8);
  Bus running;
  REQUIRE(running.reads_until_good(2) == 2);
  for (int i = 0; i < 30; ++i) {
    const int transfers = running.chip.transfers, bytes = running.chip.bytes;
    REQUIRE(status_of(running.read()) == "good");
    CHECK(running.chip.transfers - transfers <= 2);
    CHECK(running.chip.bytes - bytes <= 14);
  }
}

TEST_CASE("bme280: its pauses and checks hold across the 49.7-day wrap of millis()") {
  Bus bus;
  bus.now = 0xFFFFFFFFu - 20000u;
  REQUIRE(bus.reads_until_good(2) == 2);
  bus.chip.fault = ChipFault::absent;
  CHECK(status_of(bus.read()) == "absent");  // 5 s before the wrap: a 1 s pause
  bus.chip.fault = ChipFault::none;
  CHECK(bus.reads_until_good(2) == 2);  // started at the wrap, measured after it
  for (int i = 0; i < 20; ++i) REQUIRE(status_of(bus.read()) == "good");  // minute checks
}
