// What STATE says the thermostat holds and why (docs/protocol.md "Messages", STATE, and "What the
// thermostat does, whatever it is told"): setpoint, setpoint_source and heat_reason as a table, read
// from the STATE an app gets, on simulated time; and a change of any of them alone is pushed at
// once, not only at the 60 s push, and at most once a second however often the reason changes.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "fakes.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr double kNothingHeld = -1;  // setpoint null

struct HeldCase {
  const char* rule;
  Centi target, away_target, hysteresis;
  Mode mode;
  double temperature;  // °C; NAN: the sensor fails
  double wait_s;       // simulated seconds after the sensor reads it
  bool heater;
  double setpoint;  // °C, or kNothingHeld
  const char* source;
  const char* reason;
};

const std::vector<HeldCase> kCases = {
    {"at home the comfort target is held", 2000, 1600, 30, Mode::home, 19.0, 61, true, 20.0, "comfort", "below_band"},
    {"away the away_target is held", 2000, 1600, 30, Mode::away, 15.0, 61, true, 16.0, "away", "below_band"},
    {"above the band: off, the target still held", 2000, 1600, 30, Mode::home, 21.0, 61, false, 20.0, "comfort", "above_band"},
    {"inside the band: the last state kept", 2000, 1600, 30, Mode::home, 20.0, 61, false, 20.0, "comfort", "in_band"},
    {"frost protection alone asks for heat: the frost limit is held", 500, 500, 30, Mode::away, 4.8, 61, true, 5.0, "frost", "frost"},
    {"below the frost limit and the band: the band's set point is held", 2000, 1600, 30, Mode::home, 4.0, 61, true, 20.0, "comfort", "frost"},
    {"frost alone asks within the minimum off time from boot", 500, 500, 30, Mode::away, 4.8, 30, false, 5.0, "frost", "min_off_hold"},
    {"the sensor fails: nothing held, off", 2000, 1600, 30, Mode::home, NAN, 5, false, kNothingHeld, "none", "no_reading"},
    {"wants on within the minimum off time from boot", 2000, 1600, 30, Mode::home, 19.0, 30, false, 20.0, "comfort", "min_off_hold"},
};

Settings held_settings(Mode mode, Centi target, Centi away_target, Centi hysteresis) {
  Settings s;
  s.target = target;
  s.away_target = away_target;
  s.hysteresis = hysteresis;
  s.mode = mode;
  s.last_regime = mode == Mode::away ? Regime::away : Regime::home;
  return s;
}

// What a STATE says is held and why, against a case's expectation.
void check_held(const Json& state, bool heater, double setpoint, const char* source, const char* reason) {
  CHECK(state.truthy("heater") == heater);
  if (setpoint == kNothingHeld) {
    CHECK(state.is_null("setpoint"));
  } else {
    CHECK(state.num("setpoint") == doctest::Approx(setpoint));
  }
  CHECK(state.str("setpoint_source") == source);
  CHECK(state.str("heat_reason") == reason);
}

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
const std::vector<HeldPushCase> kPushCases = {
    {"off inside the band, then above it: in_band to above_band", Mode::home, 2000, 1600, 20.28f, 20.28f, 20.32f,
     false, 20.0, "comfort", "above_band"},
    {"on, then above the band within the minimum run: in_band to min_on_hold", Mode::home, 2000, 1600, 19.0f, 20.25f,
     20.32f, true, 20.0, "comfort", "min_on_hold"},
    {"frost heating past the away band's reach: away to frost, the reason unchanged", Mode::away, 2000, 500, 4.65f,
     4.65f, 4.72f, true, 5.0, "frost", "frost"},
};

}  // namespace

TEST_CASE("state held: setpoint, its source and the heat reason as STATE carries them") {
  for (const HeldCase& c : kCases) {
    CAPTURE(c.rule);
    Bench bench;
    bench.seed_settings(held_settings(c.mode, c.target, c.away_target, c.hysteresis));
    bench.sensor.set_temperature(20.0f);
    REQUIRE(bench.boot() == Error::none);
    bench.online();
    App app = bench.app(1);
    if (std::isnan(c.temperature)) {
      bench.sensor.fail();
    } else {
      bench.sensor.set_temperature(float(c.temperature));
    }
    bench.run_for(uint32_t(c.wait_s * 1000), 500);
    check_held(Json(bench.start(app)), c.heater, c.setpoint, c.source, c.reason);
  }
}

TEST_CASE("state held: a minimum run kept on says so, and the heater line follows a failed sensor") {
  Bench bench;
  bench.seed_settings(held_settings(Mode::home, 2000, Settings().away_target, 30));
  bench.sensor.set_temperature(19.0f);
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App app = bench.app(1);
  bench.run_for(61000, 500);
  bench.sensor.set_temperature(21.0f);
  bench.run_for(10000, 500);
  {
    Json state(bench.start(app));
    CHECK(state.truthy("heater"));
    CHECK(state.str("heat_reason") == "min_on_hold");
    CHECK(state.str("setpoint_source") == "comfort");
  }
  bench.sensor.fail();
  bench.run_for(5000, 500);
  Json state(bench.start(app));
  CHECK_FALSE(state.truthy("heater"));
  CHECK(state.is_null("setpoint"));
  CHECK(state.str("setpoint_source") == "none");
  CHECK(state.str("heat_reason") == "no_reading");
}

TEST_CASE("state held: every HeatReason has its own code, and the contract lists exactly those") {
  Json tables(read_vector_file("messages.json"));
  std::set<std::string> listed;
  const cJSON* field;
  cJSON_ArrayForEach(field, cJSON_GetObjectItemCaseSensitive(tables.get("state"), "fields")) {
    const cJSON* name = cJSON_GetObjectItemCaseSensitive(field, "name");
    if (!cJSON_IsString(name) || std::string(name->valuestring) != "heat_reason") continue;
    const cJSON* value;
    cJSON_ArrayForEach(value, cJSON_GetObjectItemCaseSensitive(field, "values")) listed.insert(value->valuestring);
  }
  std::set<std::string> written;
  for (int r = 0; r <= int(HeatReason::heating_limit); ++r) {
    written.insert(heat_reason_name(HeatReason(r)));
  }
  CHECK(written.size() == size_t(HeatReason::heating_limit) + 1);
  CHECK(written == listed);
}

TEST_CASE("state held push: a change of what is held or why alone is pushed at once") {
  for (const HeldPushCase& c : kPushCases) {
    INFO(std::string(c.rule));
    Bench bench;
    bench.seed_settings(held_settings(c.mode, c.target, c.away_target, 30));
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
    check_held(Json(pushed[0]), c.heater, c.setpoint, c.source, c.reason);
  }
}

TEST_CASE("state held push: a reason changing with every reading is pushed at most once a second") {
  Bench bench;
  bench.config.control.sample_period_ms = 100;
  bench.seed_settings(held_settings(Mode::home, 2000, Settings().away_target, 30));
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
