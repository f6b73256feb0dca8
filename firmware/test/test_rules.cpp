// Every thermostat rule of docs/protocol.md ("What the thermostat does, whatever it is told") as a table, run on simulated time.
#include <doctest/doctest.h>

#include <cmath>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

enum class Do { nothing, temperature, fail, freeze, thaw };

struct Step {
  Do action;
  double value;        // °C for Do::temperature
  double then_wait_s;  // simulated seconds to run afterwards
  bool heater;         // expected relay state
  HeatReason reason;   // expected reason
};

struct RuleCase {
  const char* rule;
  Settings settings;
  std::vector<Step> steps;
};

Settings with(Centi target, Centi away, Centi hysteresis, Mode mode, Regime regime = Regime::home) {
  Settings s;
  s.target = target;
  s.away_target = away;
  s.hysteresis = hysteresis;
  s.mode = mode;
  s.last_regime = regime;
  return s;
}

const Settings kHome = with(2000, 1600, 30, Mode::home);
using R = HeatReason;

const std::vector<RuleCase> kRules = {
    {"heater turns on below setpoint - hysteresis, after the minimum off time from boot",
     kHome,
     {{Do::temperature, 19.0, 30, false, R::min_off_hold},
      {Do::nothing, 0, 31, true, R::below_band}}},
    {"exactly setpoint - hysteresis is inside the band",
     kHome,
     {{Do::temperature, 19.7, 120, false, R::in_band},
      {Do::temperature, 19.69, 5, true, R::below_band}}},
    {"heater turns off above setpoint + hysteresis, not at it",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, 20.3, 60, true, R::in_band},
      {Do::temperature, 20.31, 5, false, R::above_band}}},
    {"inside the band the last state holds (hysteresis)",
     kHome,
     {{Do::temperature, 19.5, 61, true, R::below_band},
      {Do::temperature, 20.0, 600, true, R::in_band},
      {Do::temperature, 20.5, 5, false, R::above_band},
      {Do::temperature, 20.0, 600, false, R::in_band}}},
    {"minimum on time: wants off after 10 s of heating, waits until 60 s",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, 21.0, 10, true, R::min_on_hold},
      {Do::nothing, 0, 45, true, R::min_on_hold},
      {Do::nothing, 0, 6, false, R::above_band}}},
    {"minimum off time: wants on 10 s after switching off, waits until 60 s",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, 21.0, 61, false, R::above_band},
      {Do::temperature, 19.0, 10, false, R::min_off_hold},
      {Do::nothing, 0, 45, false, R::min_off_hold},
      {Do::nothing, 0, 6, true, R::below_band}}},
    {"sensor failure switches off at once, even inside the minimum on time",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, 19.0, 120, true, R::below_band},
      {Do::fail, 0, 5, false, R::no_reading},
      {Do::temperature, 19.0, 5, false, R::min_off_hold},
      {Do::nothing, 0, 60, true, R::below_band}}},
    {"implausibly cold reading (below -20 °C) switches off",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, -20.5, 5, false, R::no_reading}}},
    {"implausibly hot reading (above 60 °C) switches off",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, 60.5, 5, false, R::no_reading}}},
    {"a NaN reading switches off",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::temperature, NAN, 5, false, R::no_reading}}},
    {"-20 °C and 60 °C are still plausible",
     with(500, 500, 30, Mode::away),
     {{Do::temperature, -20.0, 61, true, R::frost},
      {Do::temperature, 60.0, 61, false, R::above_band}}},
    {"a sensor stuck on identical values for 10 minutes counts as failed",
     kHome,
     {{Do::temperature, 19.0, 61, true, R::below_band},
      {Do::freeze, 0, 540, true, R::below_band},
      {Do::nothing, 0, 65, false, R::no_reading},
      {Do::thaw, 0, 65, true, R::below_band}}},
    {"frost protection: on below 5 °C whatever the set point",
     with(500, 500, 30, Mode::away),
     {{Do::temperature, 4.9, 61, true, R::frost},
      {Do::temperature, 5.2, 60, true, R::in_band},
      {Do::temperature, 5.31, 5, false, R::above_band}}},
    {"frost protection needs a working sensor",
     with(500, 500, 30, Mode::away),
     {{Do::temperature, 2.0, 61, true, R::frost}, {Do::fail, 0, 61, false, R::no_reading}}},
    {"no heating period over 4 h; back on only after a new reading asks for it",
     kHome,
     {{Do::temperature, 15.0, 61, true, R::below_band},
      {Do::nothing, 0, 4 * 3600 - 2, true, R::below_band},
      {Do::nothing, 0, 1, false, R::heating_limit},
      {Do::nothing, 0, 50, false, R::min_off_hold},
      {Do::nothing, 0, 11, true, R::below_band}}},
    {"mode away uses away_target",
     with(2000, 1600, 30, Mode::away),
     {{Do::temperature, 17.0, 61, false, R::above_band},
      {Do::temperature, 15.5, 5, true, R::below_band}}},
    {"mode auto without any presence report keeps the stored regime (away)",
     with(2000, 1600, 30, Mode::automatic, Regime::away),
     {{Do::temperature, 18.0, 61, false, R::above_band}}},
    {"mode auto without any presence report keeps the stored regime (home)",
     with(2000, 1600, 30, Mode::automatic, Regime::home),
     {{Do::temperature, 18.0, 61, true, R::below_band}}},
};

void run_table(Millis start) {
  for (const RuleCase& rule : kRules) {
    CAPTURE(rule.rule);
    CAPTURE(start);
    Bench bench(start);
    bench.seed_settings(rule.settings);
    bench.sensor.set_temperature(20.0f);
    REQUIRE(bench.boot() == Error::none);
    int index = 0;
    for (const Step& step : rule.steps) {
      CAPTURE(index++);
      switch (step.action) {
        case Do::temperature: bench.sensor.set_temperature(float(step.value)); break;
        case Do::fail: bench.sensor.fail(); break;
        case Do::freeze: bench.sensor.frozen = true; break;
        case Do::thaw: bench.sensor.frozen = false; break;
        case Do::nothing: break;
      }
      bench.run_for(uint32_t(step.then_wait_s * 1000), 500);
      CHECK(bench.relay.on == step.heater);
      CHECK(bench.core->heater_on() == step.heater);
      CHECK(heat_reason_name(bench.core->heat_reason()) == heat_reason_name(step.reason));
    }
  }
}

}  // namespace

TEST_CASE("thermostat rules, table-driven on simulated time") { run_table(1000); }

TEST_CASE("thermostat rules hold across the 49.7-day wrap of millis()") {
  run_table(0xFFFFFFFFu - 90000u);
}

TEST_CASE("a reading older than 60 s is stale") {
  ControlConfig config;
  ReadingMonitor monitor(config);
  monitor.record(1000, SensorSample{SensorStatus::good, {19.0f, 40.0f, 1000.0f}});
  CHECK(monitor.good(1000 + 59999));
  CHECK_FALSE(monitor.good(1000 + 60000));
}

TEST_CASE("a time jump forward acts on a new reading, never on the old one") {
  Bench bench;
  bench.config.control.sample_period_ms = 5000;
  bench.boot();
  bench.sensor.set_temperature(19.0f);
  bench.run_for(61000);
  REQUIRE(bench.relay.on);
  bench.sensor.fail();
  bench.now += 3u * 3600 * 1000;  // the loop stalled for three hours
  bench.core->tick(bench.now);
  CHECK_FALSE(bench.relay.on);
}

namespace {
struct RegimeCase {
  const char* rule;
  Mode mode;
  Regime stored;
  std::vector<std::pair<bool, double>> reports;  // home?, hours ago
  Regime expected;
};
}  // namespace

TEST_CASE("regime from mode and members' presence, 12 h freshness") {
  const std::vector<RegimeCase> cases = {
      {"mode home wins over presence", Mode::home, Regime::away, {{false, 0}}, Regime::home},
      {"mode away wins over presence", Mode::away, Regime::home, {{true, 0}}, Regime::away},
      {"auto: anyone home", Mode::automatic, Regime::away, {{false, 0}, {true, 1}}, Regime::home},
      {"auto: all fresh reports away", Mode::automatic, Regime::home, {{false, 0}, {false, 2}},
       Regime::away},
      {"auto: a stale home report does not count", Mode::automatic, Regime::home,
       {{true, 12.5}, {false, 1}}, Regime::away},
      {"auto: once reports are stale the last decided regime stays (home)", Mode::automatic,
       Regime::away, {{true, 13}}, Regime::home},
      {"auto: once reports are stale the last decided regime stays (away)", Mode::automatic,
       Regime::home, {{false, 13}}, Regime::away},
      {"auto: no report at all keeps the last regime", Mode::automatic, Regime::away, {},
       Regime::away},
  };
  for (const RegimeCase& c : cases) {
    CAPTURE(c.rule);
    Bench bench;
    Settings s;
    s.mode = c.mode;
    s.last_regime = c.stored;
    bench.seed_settings(s);
    bench.boot();
    bench.online();
    // Oldest report first, so that each one's age is exact when we check.
    std::vector<std::pair<bool, double>> reports = c.reports;
    std::sort(reports.begin(), reports.end(),
              [](auto& a, auto& b) { return a.second > b.second; });
    // Reports become "hours ago" by running the clock after each.
    uint8_t seed = 1;
    std::vector<App> apps;
    for (size_t i = 0; i < reports.size(); ++i) apps.push_back(bench.app(seed++));
    for (size_t i = 0; i < reports.size(); ++i) {
      bench.start(apps[i]);
      bench.deliver(apps[i].command(
          "HOME_set", std::string("\"home\":") + (reports[i].first ? "true" : "false") +
                          ",\"distance\":10"));
      const double next = i + 1 < reports.size() ? reports[i + 1].second : 0;
      bench.run_for(uint32_t((reports[i].second - next) * 3600 * 1000), 60000);
    }
    bench.run_for(1000);
    CHECK(regime_name(bench.core->regime()) == regime_name(c.expected));
    bench.reboot();
    CHECK(regime_name(bench.core->regime()) == regime_name(c.expected));  // last regime kept
  }
}
