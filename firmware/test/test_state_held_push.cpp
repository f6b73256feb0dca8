// A change of what STATE says the thermostat holds or why (setpoint, setpoint_source, heat_reason:
// docs/protocol.md "Messages", STATE) is pushed at once, not only at the 60 s push, and at most
// once a second however often the reason changes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

struct HeldPushCase {
  const char* rule;
  Mode mode;
  Centi target, away_target;
  float settled;  // °C from boot until the minimum off time has passed (61 s)
  float before;   // °C, pushed (a move of 0.1 °C or more) before the change
  float after;    // °C, less than 0.1 °C from `before`: no push for the move alone
  bool heater;
  double setpoint;
  const char* source;
  const char* reason;
};

// Target 20.0 and frost limit 5.0, hysteresis 0.3.
const std::vector<HeldPushCase> kCases = {
    {"off inside the band, then above it: in_band to above_band", Mode::home, 2000, 1600, 20.28f, 20.28f, 20.32f,
     false, 20.0, "comfort", "above_band"},
    {"on, then above the band within the minimum run: in_band to min_on_hold", Mode::home, 2000, 1600, 19.0f, 20.25f,
     20.32f, true, 20.0, "comfort", "min_on_hold"},
    {"frost heating past the away band's reach: away to frost, the reason unchanged", Mode::away, 2000, 500, 4.65f,
     4.65f, 4.72f, true, 5.0, "frost", "frost"},
};

Settings settings_of(const HeldPushCase& c) {
  Settings s;
  s.mode = c.mode;
  s.target = c.target;
  s.away_target = c.away_target;
  s.hysteresis = 30;
  s.last_regime = c.mode == Mode::away ? Regime::away : Regime::home;
  return s;
}

}  // namespace

TEST_CASE("state held push: a change of what is held or why alone is pushed at once") {
  for (const HeldPushCase& c : kCases) {
    INFO(std::string(c.rule));
    Bench bench;
    bench.seed_settings(settings_of(c));
    bench.sensor.set_temperature(c.settled);
    REQUIRE(bench.boot() == Error::none);
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.run_for(61000, 500);  // past the minimum off time and the first 60 s push
    bench.sensor.set_temperature(c.before);
    bench.run_for(6000, 500);
    const std::string settled = bench.last_for(app);
    REQUIRE(Json(settled).truthy("heater") == c.heater);

    bench.link.sent.clear();
    bench.sensor.set_temperature(c.after);
    bench.run_for(6000, 500);  // one reading later; the next 60 s push is far off
    const std::vector<std::string> pushed = bench.all_for(app);
    CHECK(pushed.size() == 1);
    if (pushed.size() != 1) continue;
    Json state(pushed[0]);
    CHECK(state.truthy("heater") == c.heater);
    CHECK(state.num("setpoint") == doctest::Approx(c.setpoint));
    CHECK(state.str("setpoint_source") == c.source);
    CHECK(state.str("heat_reason") == c.reason);
  }
}

TEST_CASE("state held push: a reason changing with every reading is pushed at most once a second") {
  Bench bench;
  bench.config.control.sample_period_ms = 100;
  Settings home;
  home.mode = Mode::home;
  home.target = 2000;
  home.hysteresis = 30;
  bench.seed_settings(home);
  bench.sensor.set_temperature(20.28f);
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.run_for(61000, 100);
  bench.link.sent.clear();

  // Off either way, 0.04 °C apart: in_band and above_band by turns, a new reading every tick.
  for (int i = 0; i < 100; ++i) {
    bench.sensor.set_temperature(i % 2 == 0 ? 20.32f : 20.28f);
    bench.run_for(100, 100);
  }
  const std::vector<std::string> pushed = bench.all_for(app);
  CHECK(pushed.size() >= 5);
  CHECK(pushed.size() <= 10);  // 10 s of flapping
  for (const std::string& text : pushed) CHECK_FALSE(Json(text).truthy("heater"));
}
