// The wall clock, SET's new fields, "Which set point holds" and "What comes next" as the real
// Thermostat runs them (docs/protocol.md "Messages" and "Time and the schedule"): tables of SETs
// and moments, read from the STATE an app gets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "vector_cases.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr int64_t kMonday = 1796601600;  // 2026-12-07T00:00:00Z, a Monday
constexpr int64_t kHour = 3600, kDay = 86400;
// Monday 06:30 21.0 and 22:00 17.0, Wednesday 08:00 19.5; the other days empty.
const char* const kSchedule = "\"schedule\":[[[390,21],[1320,17]],[],[[480,19.5]],[],[],[],[]]";
const char* const kUtc = "\"time_zone\":\"UTC0\"";

// A thermostat online with one app in session, its clock set by an SNTP answer when asked.
struct Rig {
  Bench bench;
  App app;
  Rig() : app(online_with_app(bench)) {}
  // An SNTP answer, taken in the tick at this very millisecond.
  void sntp(int64_t utc) {
    bench.core->set_wall_time(utc, bench.now);
    bench.core->tick(bench.now);
  }
  // The STATE answering a SET of these fields.
  Json set(const std::string& fields) {
    bench.link.sent.clear();
    bench.deliver(app.command("SET", fields));
    return Json(bench.last_for(app));
  }
  Json state() { return set(""); }
};

std::string time_field(int64_t utc) { return "\"time\":" + std::to_string(utc); }

// The widest `schedule` a SET or STATE carries: 6 switch points every day, each at its longest.
std::string widest_schedule() {
  const std::string day = "[[0,29.9],[1000,29.9],[1100,29.9],[1200,29.9],[1300,29.9],[1439,29.9]]";
  std::string schedule = "[" + day;
  for (int i = 1; i < 7; ++i) schedule += "," + day;
  return schedule + "]";
}

}  // namespace

TEST_CASE("wall clock: SNTP always, an app's time only without SNTP for 24 h, times out of range never") {
  struct Step {
    const char* what;
    char source;  // 's' SNTP, 'a' an app's time, 'w' wait
    int64_t value;  // the time given, or ms waited
    bool taken;
    int64_t expect;  // the clock after the step (0: unknown)
    ClockSource clock;
  };
  const std::vector<Step> steps = {
      {"unknown at power-up", 'w', 0, false, 0, ClockSource::none},
      {"an app's time before 2024 is ignored", 'a', 1704067199, false, 0, ClockSource::none},
      {"an app's time after 2099 is ignored", 'a', 4102444800, false, 0, ClockSource::none},
      {"an app's time is taken while no SNTP answer came", 'a', 1704067200, true, 1704067200, ClockSource::app},
      {"counted on in whole seconds", 'w', 90500, false, 1704067290, ClockSource::app},
      {"another app's time is taken, even backwards", 'a', 1800000000, true, 1800000000, ClockSource::app},
      {"SNTP before 2024 is ignored", 's', 1704067199, false, 1800000000, ClockSource::app},
      {"SNTP is taken over an app's time", 's', 1796601600, true, 1796601600, ClockSource::sntp},
      {"an app's time within 24 h of SNTP is ignored", 'a', 1900000000, false, 1796601600, ClockSource::sntp},
      {"SNTP going back is taken", 's', 1796600000, true, 1796600000, ClockSource::sntp},
      {"23 h 59 min later", 'w', 86340000, false, 1796686340, ClockSource::sntp},
      {"an app's time still ignored", 'a', 1900000000, false, 1796686340, ClockSource::sntp},
      {"24 h after the SNTP answer", 'w', 60000, false, 1796686400, ClockSource::sntp},
      {"an app's time is taken again", 'a', 1900000000, true, 1900000000, ClockSource::app},
      {"SNTP after 2099 is ignored", 's', 4102444800, false, 1900000000, ClockSource::app},
  };
  WallClock clock;
  uint64_t now = 5000;
  for (const Step& step : steps) {
    CAPTURE(std::string(step.what));
    bool taken = false;
    if (step.source == 's') taken = clock.set_from_sntp(step.value, now);
    if (step.source == 'a') taken = clock.set_from_app(step.value, now);
    if (step.source == 'w') now += uint64_t(step.value);
    CHECK(taken == step.taken);
    int64_t utc = 0;
    CHECK(clock.read(now, &utc) == (step.expect != 0));
    if (step.expect != 0) CHECK(utc == step.expect);
    CHECK(clock.source() == step.clock);
  }
}

TEST_CASE("wall clock: the thermostat counts on across a wrap of millis()") {
  Bench bench(0xFFFFF000u);  // 4 s before the 32-bit millis() wraps
  REQUIRE(bench.boot() == Error::none);
  int64_t utc = 0;
  CHECK_FALSE(bench.core->wall_time(bench.now, &utc));
  CHECK(bench.core->clock_source() == ClockSource::none);
  bench.core->set_wall_time(kMonday, bench.now);
  bench.run_for(10000);  // across the wrap
  REQUIRE(bench.core->wall_time(bench.now, &utc));
  CHECK(utc == kMonday + 10);
  CHECK(bench.core->wall_time(bench.now + 2500, &utc));  // read ahead without ticking
  CHECK(utc == kMonday + 12);
  CHECK(bench.core->clock_source() == ClockSource::sntp);
}

TEST_CASE("SET judging order: types, then values, then the clock; nothing applied on an error") {
  struct Case {
    const char* why;
    bool clock_known;  // SNTP at Monday 07:00 first
    std::string fields;
    const char* error;  // nullptr: accepted
  };
  const std::string until_ok = std::to_string(kMonday + 7 * kHour + kDay);
  const std::vector<Case> cases = {
      {"time not a number", false, "\"time\":\"1796601600\"", "bad_message"},
      {"time not whole", false, "\"time\":1796601600.5", "out_of_range"},
      {"time before 2024", false, "\"time\":1704067199", "out_of_range"},
      {"time after 2099", false, "\"time\":4102444800", "out_of_range"},
      {"time_zone a number", false, "\"time_zone\":0", "bad_message"},
      {"time_zone a list", false, "\"time_zone\":[\"UTC0\"]", "bad_message"},
      {"time_zone refused by Time zones", false, "\"time_zone\":\"Mars/Olympus\"", "out_of_range"},
      {"time_zone of 65 bytes", false, "\"time_zone\":\"<ABCDEF>-23:59:59<GHIJKL>-22:59:59,M10.5.0/167:59,M4.5.0/-167:59:\"", "out_of_range"},
      {"time_zone of 64 bytes", false, "\"time_zone\":\"<ABCDEF>-23:59:59<GHIJKL>-22:59:59,M10.5.0/167:59,M4.5.0/-167:59\"", nullptr},
      {"time_zone null", false, "\"time_zone\":null", nullptr},
      {"schedule of 6 days", false, "\"schedule\":[[],[],[],[],[],[]]", "bad_message"},
      {"schedule of 8 days", false, "\"schedule\":[[],[],[],[],[],[],[],[]]", "bad_message"},
      {"schedule null", false, "\"schedule\":null", "bad_message"},
      {"a day not a list", false, "\"schedule\":[[],{},[],[],[],[],[]]", "bad_message"},
      {"a day of 7 switch points", false, "\"schedule\":[[[1,5],[2,5],[3,5],[4,5],[5,5],[6,5],[7,5]],[],[],[],[],[],[]]", "bad_message"},
      {"an entry of one number", false, "\"schedule\":[[[390]],[],[],[],[],[],[]]", "bad_message"},
      {"an entry of three numbers", false, "\"schedule\":[[[390,21,1]],[],[],[],[],[],[]]", "bad_message"},
      {"a temperature as text", false, "\"schedule\":[[[390,\"21\"]],[],[],[],[],[],[]]", "bad_message"},
      {"a later mistyped entry beats an earlier value out of range", false, "\"schedule\":[[[1440,21]],[],[],[],[],[],[[1,null]]]", "bad_message"},
      {"a minute of 1440", false, "\"schedule\":[[[1440,21]],[],[],[],[],[],[]]", "out_of_range"},
      {"a minute not whole", false, "\"schedule\":[[[390.5,21]],[],[],[],[],[],[]]", "out_of_range"},
      {"a negative minute", false, "\"schedule\":[[[-1,21]],[],[],[],[],[],[]]", "out_of_range"},
      {"two switch points at one minute", false, "\"schedule\":[[[390,21],[390,17]],[],[],[],[],[],[]]", "out_of_range"},
      {"switch points out of order", false, "\"schedule\":[[[600,21],[390,17]],[],[],[],[],[],[]]", "out_of_range"},
      {"a set point above 30.0", false, "\"schedule\":[[[390,30.1]],[],[],[],[],[],[]]", "out_of_range"},
      {"a set point off the step", false, "\"schedule\":[[[390,21.05]],[],[],[],[],[],[]]", "out_of_range"},
      {"a full week of 6 a day", false, "\"schedule\":[[[0,5],[1,30],[2,5],[3,30],[4,5],[1439,21.3]],[],[],[],[],[],[[0,29.999999]]]", nullptr},
      {"manual as text", true, "\"manual\":\"21\"", "bad_message"},
      {"manual as an object", true, "\"manual\":{\"setpoint\":21}", "bad_message"},
      {"manual above 30.0", true, "\"manual\":30.1", "out_of_range"},
      {"manual without a clock", false, "\"manual\":21", "no_clock"},
      {"manual with the SET's time", false, time_field(kMonday) + ",\"manual\":21", nullptr},
      {"manual null without a clock ends nothing and needs none", false, "\"manual\":null", nullptr},
      {"boost without minutes", true, "\"boost\":{\"setpoint\":23}", "bad_message"},
      {"boost minutes as text", true, "\"boost\":{\"setpoint\":23,\"minutes\":\"60\"}", "bad_message"},
      {"boost as a number", true, "\"boost\":23", "bad_message"},
      {"boost of 4 minutes", true, "\"boost\":{\"setpoint\":23,\"minutes\":4}", "out_of_range"},
      {"boost of 721 minutes", true, "\"boost\":{\"setpoint\":23,\"minutes\":721}", "out_of_range"},
      {"boost of 60.5 minutes", true, "\"boost\":{\"setpoint\":23,\"minutes\":60.5}", "out_of_range"},
      {"boost to 4.9", true, "\"boost\":{\"setpoint\":4.9,\"minutes\":60}", "out_of_range"},
      {"boost with other fields", true, "\"boost\":{\"setpoint\":23,\"minutes\":720,\"why\":\"cold\"}", nullptr},
      {"boost without a clock", false, "\"boost\":{\"setpoint\":23,\"minutes\":60}", "no_clock"},
      {"boost null without a clock", false, "\"boost\":null", nullptr},
      {"away_until without preheat_minutes", true, "\"away_until\":{\"until\":" + until_ok + "}", "bad_message"},
      {"away_until as a time alone", true, "\"away_until\":" + until_ok, "bad_message"},
      {"away_until not later than the clock", true, "\"away_until\":{\"until\":" + std::to_string(kMonday + 7 * kHour) + ",\"preheat_minutes\":0}", "out_of_range"},
      {"away_until a second after the clock", true, "\"away_until\":{\"until\":" + std::to_string(kMonday + 7 * kHour + 1) + ",\"preheat_minutes\":0}", nullptr},
      {"away_until 366 days ahead", true, "\"away_until\":{\"until\":" + std::to_string(kMonday + 7 * kHour + 366 * kDay) + ",\"preheat_minutes\":720}", nullptr},
      {"away_until past 366 days", true, "\"away_until\":{\"until\":" + std::to_string(kMonday + 7 * kHour + 366 * kDay + 1) + ",\"preheat_minutes\":0}", "out_of_range"},
      {"away_until with 721 minutes of pre-heat", true, "\"away_until\":{\"until\":" + until_ok + ",\"preheat_minutes\":721}", "out_of_range"},
      {"away_until without a clock", false, "\"away_until\":{\"until\":" + until_ok + ",\"preheat_minutes\":0}", "no_clock"},
      {"away_until judged against the SET's own time", false, time_field(kMonday + 7 * kHour + kDay - 1) + ",\"away_until\":{\"until\":" + until_ok + ",\"preheat_minutes\":0}", nullptr},
      {"away_until not later than the SET's own time", false, time_field(kMonday + 7 * kHour + kDay) + ",\"away_until\":{\"until\":" + until_ok + ",\"preheat_minutes\":0}", "out_of_range"},
      {"a mistyped time beats a target out of range", false, "\"target\":31,\"time\":\"x\"", "bad_message"},
      {"a target out of range beats the missing clock", false, "\"target\":31,\"boost\":{\"setpoint\":23,\"minutes\":60}", "out_of_range"},
      {"the missing clock refuses the whole SET", false, "\"target\":22,\"schedule\":[[],[],[],[],[],[],[]],\"boost\":{\"setpoint\":23,\"minutes\":60}", "no_clock"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Rig rig;
    if (c.clock_known) rig.sntp(kMonday + 7 * kHour);
    const Settings before = rig.bench.core->settings();
    Json state = rig.set(c.fields);
    REQUIRE(state.str("type") == "STATE");
    if (c.error == nullptr) {
      CHECK(state.is_null("error"));
    } else {
      CHECK(state.str("error") == c.error);
      CHECK(rig.bench.core->settings() == before);
      CHECK(state.is_null("time") == !c.clock_known);  // a refused SET's time is not taken either
    }
  }
}

TEST_CASE("SET effects: boost and manual ends, and what ends a manual hold") {
  struct Case {
    const char* why;
    std::string first;   // a SET at Monday 07:00 (UTC0, kSchedule unless it says otherwise)
    std::string second;  // a SET a minute later, or ""
    bool manual;         // a hold after both
    int64_t manual_until;  // 0: null
    int64_t boost_until;   // 0: no boost
  };
  const int64_t at = kMonday + 7 * kHour;
  const std::vector<Case> cases = {
      {"a boost ends its minutes after the clock at the SET", "\"boost\":{\"setpoint\":23,\"minutes\":90}", "", false, 0, at + 90 * 60},
      {"a hold ends at the next switch point", "\"manual\":19", "", true, kMonday + 22 * kHour, 0},
      {"a hold without a schedule has no end", "\"schedule\":[[],[],[],[],[],[],[]],\"manual\":19", "", true, 0, 0},
      {"a hold without a time zone has no end", "\"time_zone\":null,\"manual\":19", "", true, 0, 0},
      {"a new schedule ends a hold", "\"manual\":19", "\"schedule\":[[[600,21]],[],[],[],[],[],[]]", false, 0, 0},
      {"the same schedule sent again keeps it", "\"manual\":19", kSchedule, true, kMonday + 22 * kHour, 0},
      {"a new time zone ends a hold", "\"manual\":19", "\"time_zone\":\"CET-1CEST,M3.5.0,M10.5.0/3\"", false, 0, 0},
      {"the same time zone keeps it", "\"manual\":19", kUtc, true, kMonday + 22 * kHour, 0},
      {"a new mode ends a hold", "\"manual\":19", "\"mode\":\"away\"", false, 0, 0},
      {"the same mode keeps it", "\"manual\":19", "\"mode\":\"auto\"", true, kMonday + 22 * kHour, 0},
      {"a target keeps it", "\"manual\":19", "\"target\":22", true, kMonday + 22 * kHour, 0},
      {"manual null ends it", "\"manual\":19", "\"manual\":null", false, 0, 0},
      {"a schedule and a hold in one SET: the hold stays", "\"manual\":19", "\"schedule\":[[[600,21]],[],[],[],[],[],[]],\"manual\":18", true, kMonday + 10 * kHour, 0},
      {"boost null ends a boost", "\"boost\":{\"setpoint\":23,\"minutes\":90}", "\"boost\":null", false, 0, 0},
  };
  // At the end of the range of `time` an end stays within it, as STATE must show it.
  {
    Rig rig;
    rig.sntp(4102444799 - 60);
    REQUIRE(rig.set("\"boost\":{\"setpoint\":23,\"minutes\":90}").is_null("error"));
    CHECK(rig.bench.core->settings().boost.until == 4102444799);
    rig.bench.reboot();
    CHECK(rig.bench.core->settings().boost.active);  // stored as it is
  }
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Rig rig;
    rig.sntp(at);
    REQUIRE(rig.set(std::string(kUtc) + "," + kSchedule).is_null("error"));
    REQUIRE(rig.set(c.first).is_null("error"));
    if (!c.second.empty()) {
      rig.bench.run_for(60000);
      REQUIRE(rig.set(c.second).is_null("error"));
    }
    Json state = rig.state();
    const Settings& s = rig.bench.core->settings();
    CHECK(s.manual.active == c.manual);
    CHECK(state.is_null("manual") == !c.manual);
    if (c.manual) {
      cJSON* until = cJSON_GetObjectItemCaseSensitive(state.get("manual"), "until");
      CHECK(cJSON_IsNull(until) == (c.manual_until == 0));
      if (c.manual_until != 0) CHECK(until->valuedouble == double(c.manual_until));
    }
    CHECK(state.is_null("boost") == (c.boost_until == 0));
    if (c.boost_until != 0) {
      CHECK(cJSON_GetObjectItemCaseSensitive(state.get("boost"), "until")->valuedouble == double(c.boost_until));
    }
  }
}

TEST_CASE("which set point holds, through STATE: the table row by row at moments of a week") {
  struct Case {
    const char* why;
    std::string fields;  // a SET at Monday 07:00 after the zone and schedule (UTC0, kSchedule)
    int64_t at;          // seconds after Monday 00:00 when the STATE is read
    double setpoint;
    const char* source;
  };
  const std::vector<Case> cases = {
      {"the schedule's first switch point", "", 7 * kHour, 21.0, "schedule"},
      {"before Monday's first: the week's last (Wednesday's), across the wrap", "", 6 * kHour, 19.5, "schedule"},
      {"at the switch point itself", "", 6 * kHour + 30 * 60, 21.0, "schedule"},
      {"past midnight, an empty day keeps the last", "", kDay + 12 * kHour, 17.0, "schedule"},
      {"Wednesday's", "", 2 * kDay + 9 * kHour, 19.5, "schedule"},
      {"Sunday night, Wednesday's still", "", 6 * kDay + 23 * kHour, 19.5, "schedule"},
      {"no time zone: the schedule does not run", "\"time_zone\":null", 7 * kHour, 20.0, "comfort"},
      {"an empty schedule: target", "\"schedule\":[[],[],[],[],[],[],[]]", 7 * kHour, 20.0, "comfort"},
      {"away lowers the schedule to away_target", "\"mode\":\"away\"", 7 * kHour, 16.0, "away"},
      {"away, the schedule lower still: the schedule's", "\"mode\":\"away\",\"away_target\":18", 23 * kHour, 17.0, "schedule"},
      {"away, equal: the schedule's", "\"mode\":\"away\",\"away_target\":17", 23 * kHour, 17.0, "schedule"},
      {"away without a schedule: away_target", "\"mode\":\"away\",\"time_zone\":null", 7 * kHour, 16.0, "away"},
      {"a boost runs", "\"boost\":{\"setpoint\":23,\"minutes\":60}", 7 * kHour + 59 * 60, 23.0, "boost"},
      {"a boost is over at its end", "\"boost\":{\"setpoint\":23,\"minutes\":60}", 8 * kHour, 21.0, "schedule"},
      {"a boost beats a hold", "\"manual\":19,\"boost\":{\"setpoint\":23,\"minutes\":60}", 7 * kHour + 30 * 60, 23.0, "boost"},
      {"a boost beats away", "\"mode\":\"away\",\"boost\":{\"setpoint\":23,\"minutes\":60}", 7 * kHour + 30 * 60, 23.0, "boost"},
      {"a hold runs until the next switch point", "\"manual\":19", 22 * kHour - 1, 19.0, "manual"},
      {"a hold is over at the next switch point", "\"manual\":19", 22 * kHour, 17.0, "schedule"},
      {"a hold beats away (a hold given with the mode that ends the old one)", "\"mode\":\"away\",\"manual\":19", 8 * kHour, 19.0, "manual"},
      {"away-until runs", "\"away_until\":{\"until\":" + std::to_string(kMonday + kDay + 7 * kHour) + ",\"preheat_minutes\":60}", 12 * kHour, 16.0, "away"},
      {"away-until's pre-heat: the home set point", "\"away_until\":{\"until\":" + std::to_string(kMonday + kDay + 7 * kHour) + ",\"preheat_minutes\":60}", kDay + 6 * kHour, 17.0, "schedule"},
      {"away-until without a schedule, pre-heat: target", "\"time_zone\":null,\"away_until\":{\"until\":" + std::to_string(kMonday + kDay + 7 * kHour) + ",\"preheat_minutes\":60}", kDay + 6 * kHour, 20.0, "comfort"},
      {"a hold beats away-until", "\"away_until\":{\"until\":" + std::to_string(kMonday + kDay) + ",\"preheat_minutes\":0},\"manual\":22", 8 * kHour, 22.0, "manual"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Rig rig;
    rig.sntp(kMonday + 7 * kHour);
    REQUIRE(rig.set(std::string(kUtc) + "," + kSchedule).is_null("error"));
    if (!c.fields.empty()) REQUIRE(rig.set(c.fields).is_null("error"));
    rig.sntp(kMonday + c.at);
    Json state = rig.state();
    CHECK(state.num("setpoint") == doctest::Approx(c.setpoint));
    CHECK(state.str("setpoint_source") == c.source);
  }
}

TEST_CASE("until the clock is known nothing of the schedule or the overrides runs; stored, they run again once it is") {
  Rig rig;
  rig.sntp(kMonday + 7 * kHour);
  REQUIRE(rig.set(std::string(kUtc) + "," + kSchedule +
                  ",\"boost\":{\"setpoint\":23,\"minutes\":120},\"manual\":19,\"away_until\":{\"until\":" +
                  std::to_string(kMonday + 2 * kDay) + ",\"preheat_minutes\":30}")
              .is_null("error"));
  rig.bench.reboot();
  rig.bench.online();
  rig.bench.start(rig.app);
  Json before = rig.state();
  CHECK(before.is_null("time"));
  CHECK(before.is_null("clock"));
  CHECK(before.str("setpoint_source") == "comfort");
  CHECK(before.num("setpoint") == doctest::Approx(20.0));
  CHECK(before.is_null("next"));
  // Shown with their ends, though not running.
  CHECK_FALSE(before.is_null("boost"));
  CHECK_FALSE(before.is_null("manual"));
  CHECK_FALSE(before.is_null("away_until"));
  CHECK(before.str("time_zone") == "UTC0");
  rig.sntp(kMonday + 8 * kHour);
  Json after = rig.state();
  CHECK(after.num("time") == double(kMonday + 8 * kHour + 0));
  CHECK(after.str("clock") == "sntp");
  CHECK(after.str("setpoint_source") == "boost");
  CHECK(after.num("setpoint") == doctest::Approx(23.0));
  // The boost's end passed while it was off: over, and shown null.
  rig.sntp(kMonday + 9 * kHour);
  Json later = rig.state();
  CHECK(later.is_null("boost"));
  CHECK(later.str("setpoint_source") == "manual");
}

TEST_CASE("pre-heat: presence reported before its start no longer counts; a report after it does") {
  Rig rig;
  rig.sntp(kMonday + 7 * kHour);
  rig.bench.deliver(rig.app.command("HOME_set", "\"home\":false,\"distance\":5000"));
  REQUIRE(rig.set("\"away_until\":{\"until\":" + std::to_string(kMonday + 10 * kHour) +
                  ",\"preheat_minutes\":120}").is_null("error"));
  Json away = rig.state();
  CHECK(away.str("regime") == "away");
  CHECK(away.str("setpoint_source") == "away");
  cJSON* next = away.get("next");
  REQUIRE(cJSON_IsObject(next));
  CHECK(cJSON_GetObjectItemCaseSensitive(next, "at")->valuedouble == double(kMonday + 8 * kHour));
  CHECK(std::string(cJSON_GetObjectItemCaseSensitive(next, "source")->valuestring) == "comfort");

  rig.bench.run_for(1000);
  rig.sntp(kMonday + 8 * kHour);  // the pre-heat starts: the member's "away" is older
  Json preheat = rig.state();
  CHECK(preheat.str("regime") == "home");
  CHECK(preheat.str("setpoint_source") == "comfort");
  rig.sntp(kMonday + 11 * kHour);  // the away-until is over: still home
  CHECK(rig.state().str("regime") == "home");
  rig.bench.deliver(rig.app.command("HOME_set", "\"home\":false,\"distance\":5000"));
  Json reported = rig.state();
  CHECK(reported.str("regime") == "away");
  CHECK(reported.str("setpoint_source") == "away");
}

TEST_CASE("STATE is pushed when the clock becomes known, an override ends or next changes, at most once a second") {
  Rig rig;
  rig.bench.run_for(61000);  // past the first pushes
  rig.bench.link.sent.clear();
  rig.bench.core->set_wall_time(kMonday + 7 * kHour, rig.bench.now);
  rig.bench.run_for(1500, 100);
  std::vector<std::string> pushed = rig.bench.all_for(rig.app);
  REQUIRE(pushed.size() == 1);
  CHECK(Json(pushed[0]).str("clock") == "sntp");

  REQUIRE(rig.set("\"boost\":{\"setpoint\":23,\"minutes\":5}").is_null("error"));
  rig.bench.run_for(50000);  // a 60 s push due meanwhile is not what this looks at
  rig.bench.link.sent.clear();
  rig.bench.run_for(5 * 60000 - 50000 + 2000, 250);
  pushed = rig.bench.all_for(rig.app);
  bool ended = false;
  for (const std::string& text : pushed) ended |= Json(text).is_null("boost");
  CHECK(ended);
  CHECK(pushed.size() <= 6);  // the 60 s pushes and the end, no flood

  // A new zone and schedule change `next` (and what is held): pushed to the other app at once.
  App other = rig.bench.app(2);
  rig.bench.start(other);
  rig.bench.link.sent.clear();
  REQUIRE(rig.set(std::string(kUtc) + "," + kSchedule).is_null("error"));
  pushed = rig.bench.all_for(other);
  REQUIRE(pushed.size() == 1);
  cJSON* next = Json(pushed[0]).get("next");
  CHECK(cJSON_IsObject(next));
  // At the switch point the held set point and next change: one push, not one per tick.
  rig.bench.link.sent.clear();
  rig.bench.core->set_wall_time(kMonday + 22 * kHour - 2, rig.bench.now);
  rig.bench.run_for(4000, 100);
  pushed = rig.bench.all_for(rig.app);
  CHECK(pushed.size() >= 1);
  CHECK(pushed.size() <= 3);
  CHECK(Json(pushed.back()).str("setpoint_source") == "schedule");
  CHECK(Json(pushed.back()).num("setpoint") == doctest::Approx(17.0));
}

TEST_CASE("DST and clock jumps: the schedule time never goes back, a switch point in the repeated hour happens once") {
  // CET: 2027-10-31 01:00 UTC the clocks go back from 03:00 to 02:00 local. A switch point at 02:30
  // local (Sunday) happens at 00:30 UTC, and not again at 01:30 UTC.
  const int64_t change = 1824944400;
  Rig rig;
  rig.sntp(change - 2 * kHour);
  REQUIRE(rig.set("\"time_zone\":\"CET-1CEST,M3.5.0,M10.5.0/3\",\"schedule\":[[],[],[],[],[],[],[[150,22],[170,18]]]")
              .is_null("error"));
  struct Moment {
    int64_t at;
    double setpoint;
  };
  for (const Moment& m : std::vector<Moment>{{change - 31 * 60, 18.0 /* Sunday 01:29 CEST: last week's */},
                                             {change - 30 * 60, 22.0}, {change - 10 * 60, 18.0},
                                             {change + 30 * 60, 18.0 /* 02:30 CET again: nothing */},
                                             {change + 50 * 60, 18.0}}) {
    CAPTURE(m.at - change);
    rig.sntp(m.at);
    CHECK(rig.state().num("setpoint") == doctest::Approx(m.setpoint));
  }
}

TEST_CASE("the largest SET an app sends fits the plaintext buffer, and is accepted") {
  Rig rig;
  const std::string schedule = widest_schedule();
  const std::string fields =
      "\"target\":29.9,\"away_target\":24.9,\"hysteresis\":1.9,\"mode\":\"auto\",\"time\":4102444000,"
      "\"time_zone\":\"<ABCDEF>-23:59:59<GHIJKL>-22:59:59,M10.5.0/167:59,M4.5.0/-167:59\","
      "\"schedule\":" + schedule + ",\"manual\":29.9,\"boost\":{\"setpoint\":29.9,\"minutes\":720},"
      "\"away_until\":{\"until\":4102444799,\"preheat_minutes\":720}";
  rig.app.seq = 9007199254740990ull;  // the longest seq
  const std::string text = "{\"type\":\"SET\",\"session\":\"" + rig.app.session + "\",\"seq\":9007199254740991," + fields + "}";
  MESSAGE("largest SET: ", text.size(), " bytes of the 1023 the thermostat opens");
  CHECK(text.size() <= 1023);
  Json state = rig.set(fields);
  CHECK(state.is_null("error"));
  CHECK(rig.bench.core->settings().schedule.count[6] == 6);
}

TEST_CASE("the largest STATE fits the thermostat's buffers") {
  Rig rig;
  rig.sntp(4102444000 - 400 * kDay);
  const std::string name(32, '"');  // each escaped: 64 characters
  std::vector<App> apps;
  for (uint8_t i = 0; i < kMaxPeers; ++i) {
    // The rig's app and 7 more: 8 members, the most there are.
    apps.push_back(i == 0 ? rig.app : rig.bench.app(uint8_t(i + 10)));
    rig.bench.start(apps.back(), name.c_str());
    rig.bench.deliver(apps.back().command("HOME_set", "\"home\":false,\"distance\":99999999.9"));
    const std::string secret = "q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6u" + std::string(1, char('A' + i));
    rig.bench.deliver(apps.back().command("OWNTRACKS_set", "\"secret\":\"" + secret + "\",\"wtst\":9007199254740991"));
  }
  const std::string schedule = widest_schedule();
  App& ana = apps[0];
  rig.bench.link.sent.clear();
  rig.bench.deliver(ana.command(
      "SET", "\"target\":29.9,\"away_target\":24.9,\"hysteresis\":1.9,"
             "\"time_zone\":\"<ABCDEF>-23:59:59<GHIJKL>-22:59:59,M10.5.0/167:59,M4.5.0/-167:59\","
             "\"schedule\":" + schedule + ",\"boost\":{\"setpoint\":29.9,\"minutes\":720},"
             "\"away_until\":{\"until\":" + std::to_string(4102444000 - 35 * kDay) + ",\"preheat_minutes\":720}"));
  rig.bench.deliver(ana.command("SET", "\"manual\":29.9"));
  std::string largest;
  for (App& app : apps) {
    const std::string state = rig.bench.last_for(app);
    REQUIRE_FALSE(state.empty());  // sent: it fitted
    if (state.size() > largest.size()) largest = state;
  }
  Json state(largest);
  CHECK(cJSON_GetArraySize(state.get("members")) == int(kMaxPeers));
  CHECK(cJSON_GetArraySize(state.get("owntracks")) == int(kMaxPeers));
  CHECK_FALSE(state.is_null("manual"));
  CHECK_FALSE(state.is_null("boost"));
  CHECK_FALSE(state.is_null("away_until"));
  // Room for what this STATE does not stretch to its widest: seq (16 digits), uptime_s (20),
  // readings ("-19.99", "100", "1100"), an error ("out_of_range"), a nonce (64 characters).
  const size_t widest = largest.size() + 16 + 20 + 3 * 8 + 16 + 80;
  MESSAGE("largest STATE: ", largest.size(), " bytes; with every field at its widest under ", widest,
          " of the ", Thermostat::kStatePlainBytes, " the thermostat writes");
  CHECK(widest <= Thermostat::kStatePlainBytes);
}
