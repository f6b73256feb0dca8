// What STATE says the thermostat holds and why (docs/protocol.md "Messages", STATE, and "What the
// thermostat does, whatever it is told"): setpoint, setpoint_source and heat_reason as a table, read
// from the STATE an app gets, on simulated time.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

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

Settings settings_of(const HeldCase& c) {
  Settings s;
  s.target = c.target;
  s.away_target = c.away_target;
  s.hysteresis = c.hysteresis;
  s.mode = c.mode;
  s.last_regime = c.mode == Mode::away ? Regime::away : Regime::home;
  return s;
}

}  // namespace

TEST_CASE("state held: setpoint, its source and the heat reason as STATE carries them") {
  for (const HeldCase& c : kCases) {
    CAPTURE(c.rule);
    Bench bench;
    bench.seed_settings(settings_of(c));
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
    Json state(bench.start(app));
    CHECK(state.truthy("heater") == c.heater);
    if (c.setpoint == kNothingHeld) {
      CHECK(state.is_null("setpoint"));
    } else {
      CHECK(state.num("setpoint") == doctest::Approx(c.setpoint));
    }
    CHECK(state.str("setpoint_source") == c.source);
    CHECK(state.str("heat_reason") == c.reason);
  }
}

TEST_CASE("state held: a minimum run kept on says so, and the heater line follows a failed sensor") {
  Bench bench;
  Settings home;
  home.mode = Mode::home;
  home.target = 2000;
  home.hysteresis = 30;
  bench.seed_settings(home);
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
