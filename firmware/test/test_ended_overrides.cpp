// docs/protocol.md "Which set point holds": a boost, hold or away-until whose end has passed is
// over, and the thermostat forgets it then, so that a clock set back later does not revive it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "vector_cases.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr int64_t kMonday = 1796601600;  // 2026-12-07T00:00:00Z, a Monday
constexpr int64_t kHour = 3600;

}  // namespace

TEST_CASE("ended overrides: forgotten once the clock passes their end, also in storage; a clock set back does not revive them") {
  struct Case {
    const char* what;
    std::string set;   // at Monday 07:00, UTC0, Monday 22:00 17.0 the only switch point
    int64_t end;       // when it ends
    const char* field;
  };
  const int64_t at = kMonday + 7 * kHour;
  const std::vector<Case> cases = {
      {"a boost", "\"boost\":{\"setpoint\":23,\"minutes\":60}", at + kHour, "boost"},
      {"a manual hold, at the next switch point", "\"manual\":23", kMonday + 22 * kHour, "manual"},
      {"an away-until", "\"away_until\":{\"until\":" + std::to_string(at + 2 * kHour) + ",\"preheat_minutes\":30}",
       at + 2 * kHour, "away_until"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.what));
    Bench bench;
    App app = online_with_app(bench);
    auto set = [&](const std::string& fields) {
      bench.link.sent.clear();
      bench.deliver(app.command("SET", fields));
      return Json(bench.last_for(app));
    };
    auto sntp = [&](int64_t utc) {
      bench.core->set_wall_time(utc, bench.now);
      bench.core->tick(bench.now);
    };
    sntp(at);
    REQUIRE(set("\"time_zone\":\"UTC0\",\"schedule\":[[[1320,17]],[],[],[],[],[],[]]").is_null("error"));
    REQUIRE(set(c.set).is_null("error"));
    REQUIRE_FALSE(set("").is_null(c.field));

    sntp(c.end - 1);  // a second before its end it still runs
    CHECK_FALSE(set("").is_null(c.field));
    sntp(c.end);
    CHECK(set("").is_null(c.field));
    // Forgotten in storage too: a reboot reads it as none.
    CHECK(decode_settings(bench.storage.blobs[Blob::settings].data(), bench.storage.blobs[Blob::settings].size()).value ==
          bench.core->settings());

    sntp(c.end - 10 * 60);  // the clock set back before the end
    Json back = set("");
    CHECK(back.is_null(c.field));
    CHECK(back.str("setpoint_source") != c.field);
    const Settings& s = bench.core->settings();
    CHECK_FALSE(s.boost.active);
    CHECK_FALSE(s.manual.active);
    CHECK_FALSE(s.away_until.active);
  }
}

TEST_CASE("ended overrides: while the clock is unknown a stored one is kept; once known, forgotten if its end passed") {
  Bench bench;
  App app = online_with_app(bench);
  bench.core->set_wall_time(kMonday, bench.now);
  bench.deliver(app.command("SET", "\"boost\":{\"setpoint\":23,\"minutes\":60}"));
  REQUIRE(bench.core->settings().boost.active);
  bench.reboot();
  bench.run_for(5000);
  CHECK(bench.core->settings().boost.active);  // no clock: shown, not running, kept
  bench.core->set_wall_time(kMonday + 2 * kHour, bench.now);
  bench.run_for(1000);
  CHECK_FALSE(bench.core->settings().boost.active);
}
