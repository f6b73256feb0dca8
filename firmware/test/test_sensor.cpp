// The core believes a sensor only while it proves it is there: absent and
// failed samples never heat, and neither does a "good" one with a value no
// BME280 can report, whatever the adapter says (issue 9, defect 1: the
// Adafruit library read a missing chip as 0 °C, 0 %, 0 hPa, and frost
// protection heated on it).
#include <doctest/doctest.h>

#include <cmath>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr SensorStatus kGood = SensorStatus::good, kFailed = SensorStatus::failed,
                       kAbsent = SensorStatus::absent;

struct SampleCase {
  const char* what;
  SensorSample sample;
  SensorStatus believed;  // after the core's own checks
};

const SampleCase kSamples[] = {
    {"a good reading", {kGood, {20.0f, 45.0f, 1013.0f}}, kGood},
    {"the edges of the ranges", {kGood, {20.0f, 0.0f, 300.0f}}, kGood},
    {"the other edges", {kGood, {20.0f, 100.0f, 1100.0f}}, kGood},
    {"a missing chip as the Adafruit library read it", {kGood, {0.0f, 0.0f, 0.0f}}, kFailed},
    {"humidity below 0 %", {kGood, {20.0f, -0.1f, 1013.0f}}, kFailed},
    {"humidity above 100 %", {kGood, {20.0f, 100.1f, 1013.0f}}, kFailed},
    {"humidity NaN", {kGood, {20.0f, NAN, 1013.0f}}, kFailed},
    {"humidity infinite", {kGood, {20.0f, INFINITY, 1013.0f}}, kFailed},
    {"pressure below 300 hPa", {kGood, {20.0f, 45.0f, 299.9f}}, kFailed},
    {"pressure above 1100 hPa", {kGood, {20.0f, 45.0f, 1100.1f}}, kFailed},
    {"pressure 0", {kGood, {20.0f, 45.0f, 0.0f}}, kFailed},
    {"pressure NaN", {kGood, {20.0f, 45.0f, NAN}}, kFailed},
    {"pressure -infinity", {kGood, {20.0f, 45.0f, -INFINITY}}, kFailed},
    {"temperature NaN", {kGood, {NAN, 45.0f, 1013.0f}}, kFailed},
    {"temperature infinite", {kGood, {INFINITY, 45.0f, 1013.0f}}, kFailed},
    {"a failed reading, whatever its values", {kFailed, {20.0f, 45.0f, 1013.0f}}, kFailed},
    {"an absent sensor, whatever its values", {kAbsent, {20.0f, 45.0f, 1013.0f}}, kAbsent},
};

}  // namespace

TEST_CASE("sensor: the core's own checks decide what a sample is") {
  for (const SampleCase& c : kSamples) {
    CAPTURE(std::string(c.what));
    ControlConfig config;
    ReadingMonitor monitor(config);
    monitor.record(1000, c.sample);
    CHECK(sensor_status_name(monitor.status()) == std::string(sensor_status_name(c.believed)));
    CHECK(monitor.good(1000) == (c.believed == kGood));
  }
}

TEST_CASE("sensor: nothing but a good, in-range reading heats, frost protection included") {
  // Away at 5 °C: a believed reading of 2 °C (or the 0 °C of a missing chip)
  // asks for frost protection.
  Settings frost;
  frost.target = 500;
  frost.away_target = 500;
  frost.mode = Mode::away;
  for (const SampleCase& c : kSamples) {
    CAPTURE(std::string(c.what));
    Bench bench;
    bench.seed_settings(frost);
    bench.sensor.next = c.sample;
    if (c.sample.reading.temperature == 20.0f) bench.sensor.next.reading.temperature = 2.0f;
    bench.sensor.frozen = true;  // exactly the table's values (stuck only after 10 minutes)
    REQUIRE(bench.boot() == Error::none);
    bool ever_on = false;
    for (int s = 0; s < 5 * 60; s += 5) {  // past the minimum off time from boot
      bench.run_for(5000, 5000);
      ever_on = ever_on || bench.relay.on;
    }
    const bool believed = c.believed == kGood && std::isfinite(c.sample.reading.temperature);
    CHECK(ever_on == believed);
    CHECK(bench.core->sensor_ok() == believed);
    if (!believed) CHECK(bench.core->heat_reason() == HeatReason::no_reading);
  }
}

TEST_CASE("sensor: a sensor that was never good never heats; one that goes absent stops at once") {
  Settings frost;
  frost.target = 500;
  frost.away_target = 500;
  frost.mode = Mode::away;
  Bench bench;
  bench.seed_settings(frost);
  bench.sensor.next = {kAbsent, {-5.0f, 45.0f, 1013.0f}};
  REQUIRE(bench.boot() == Error::none);
  bench.run_for(3600 * 1000, 5000);
  CHECK_FALSE(bench.relay.on);
  CHECK(bench.relay.switches == 0);
  CHECK(bench.core->sensor_status() == kAbsent);

  bench.sensor.set_temperature(2.0f);
  bench.run_for(10000, 5000);
  CHECK(bench.relay.on);
  CHECK(bench.core->heat_reason() == HeatReason::frost);
  bench.sensor.next.status = kAbsent;
  bench.run_for(5000, 5000);
  CHECK_FALSE(bench.relay.on);
  CHECK(bench.core->heat_reason() == HeatReason::no_reading);
}

TEST_CASE("sensor: the sensor gets the core's clock, wrapping like millis()") {
  Bench bench(0xFFFFFFFFu - 4000u);
  REQUIRE(bench.boot() == Error::none);
  bench.run_for(10000, 5000);
  CHECK(bench.sensor.reads == 2);  // at the first tick, then 5 s later across the wrap
  CHECK(bench.sensor.read_at == bench.now);
}
