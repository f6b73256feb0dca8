// The weekly schedule, the table of "Which set point holds" cell by cell and "What comes next",
// across midnight, the week's wrap and both DST changes (docs/protocol.md "Time and the schedule");
// then every case of protocol/vectors/schedule.json.
#include <cjson/cJSON.h>
#include <doctest/doctest.h>
#include <string.h>

#include <initializer_list>
#include <string>

#include "schedule.h"
#include "settings.h"
#include "vectors.h"
#include "zone_of.h"

using namespace hearth;

namespace {

struct DayPoints {
  uint8_t day;
  std::initializer_list<SwitchPoint> points;
};

WeekSchedule schedule_of(std::initializer_list<DayPoints> days) {
  WeekSchedule week;
  for (const DayPoints& d : days) {
    for (const SwitchPoint& p : d.points) week.points[d.day][week.count[d.day]++] = p;
  }
  return week;
}

constexpr const char* kBerlin = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr int64_t kBerlinSpring2026 = 1774746000;  // Sunday 2026-03-29 02:00 CET becomes 03:00 CEST
constexpr int64_t kBerlinAutumn2026 = 1792890000;  // Sunday 2026-10-25 03:00 CEST becomes 02:00 CET
constexpr int64_t kSydneyAutumn2026 = 1775318400;  // Sunday 2026-04-05 03:00 AEDT becomes 02:00 AEST

// UTC of a local time in Berlin's winter week from Monday 2026-11-30 (CET, UTC+1); day 7 is the
// next Monday.
int64_t winter(int day, int hour, int minute, int second = 0) {
  return 1795993200 + day * 86400 + hour * 3600 + minute * 60 + second;
}

enum Day : uint8_t { mon, tue, wed, thu, fri, sat, sun };

// The contract's example: a working Monday and a Saturday.
const WeekSchedule kWeek = schedule_of({
    {mon, {{390, 2100}, {510, 1700}, {1020, 2100}, {1350, 1700}}},
    {sat, {{480, 2100}, {1380, 1700}}},
});
const WeekSchedule kEmptyWeek;
// Switch points in Berlin's skipped (spring) and repeated (autumn) stretches, and one at their end.
const WeekSchedule kNight = schedule_of({
    {sat, {{600, 1600}}},
    {sun, {{150, 1800}, {180, 2000}}},
});

}  // namespace

TEST_CASE("schedule: valid, empty and equal") {
  CHECK(WeekSchedule().empty());
  CHECK(WeekSchedule().valid());
  CHECK_FALSE(kWeek.empty());
  CHECK(kWeek.valid());
  CHECK(kWeek == kWeek);
  CHECK(kWeek != kNight);
  CHECK(kWeek != WeekSchedule());

  struct Row {
    const char* why;
    WeekSchedule week;
    bool valid;
  };
  const Row rows[] = {
      {"six a day", schedule_of({{sun, {{0, 500}, {1, 500}, {2, 500}, {3, 500}, {4, 500}, {1439, 3000}}}}), true},
      {"minute 1440", schedule_of({{mon, {{1440, 2000}}}}), false},
      {"equal minutes", schedule_of({{tue, {{60, 2000}, {60, 2100}}}}), false},
      {"decreasing minutes", schedule_of({{wed, {{120, 2000}, {60, 2100}}}}), false},
      {"below 5.0", schedule_of({{thu, {{60, 499}}}}), false},
      {"above 30.0", schedule_of({{fri, {{60, 3001}}}}), false},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    CHECK(row.week.valid() == row.valid);
  }
  WeekSchedule seven = WeekSchedule();
  seven.count[sat] = kMaxSwitchPoints + 1;
  CHECK_FALSE(seven.valid());

  // Equality looks at the used points only.
  WeekSchedule stale = kWeek;
  stale.points[tue][3] = SwitchPoint{100, 2500};
  CHECK(stale == kWeek);
}

TEST_CASE("schedule: the set point at a moment, across midnight, the week's wrap and DST") {
  const TimeZone berlin = zone_of(kBerlin);
  struct Row {
    const char* why;
    const WeekSchedule* week;
    int64_t utc;
    Centi setpoint;
  };
  const Row rows[] = {
      {"Monday before its first point: Saturday's last (the week wraps)", &kWeek, winter(mon, 6, 29, 59), 1700},
      {"Monday 06:30", &kWeek, winter(mon, 6, 30), 2100},
      {"Monday 08:29:59", &kWeek, winter(mon, 8, 29, 59), 2100},
      {"Monday 08:30", &kWeek, winter(mon, 8, 30), 1700},
      {"Monday 22:29", &kWeek, winter(mon, 22, 29), 2100},
      {"Tuesday noon: an empty day keeps Monday's last", &kWeek, winter(tue, 12, 0), 1700},
      {"Saturday 08:00", &kWeek, winter(sat, 8, 0), 2100},
      {"Sunday 23:59:59", &kWeek, winter(sun, 23, 59, 59), 1700},
      {"next Monday 00:00", &kWeek, winter(7, 0, 0), 1700},
      {"spring: the skipped 02:30 and 03:00 both passed at the jump", &kNight, kBerlinSpring2026, 2000},
      {"spring: a second before the jump", &kNight, kBerlinSpring2026 - 1, 1600},
      {"autumn: 02:30 CEST, first pass", &kNight, kBerlinAutumn2026 - 1800, 1800},
      {"autumn: 02:30 CET, second pass: still 02:30's", &kNight, kBerlinAutumn2026 + 1800, 1800},
      {"autumn: 03:00 CET", &kNight, kBerlinAutumn2026 + 3600, 2000},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    Centi setpoint = 0;
    REQUIRE(schedule_setpoint_at(*row.week, berlin, row.utc, &setpoint));
    CHECK(setpoint == row.setpoint);
  }
  Centi untouched = 42;
  CHECK_FALSE(schedule_setpoint_at(WeekSchedule(), berlin, winter(mon, 12, 0), &untouched));
  CHECK(untouched == 42);
  const WeekSchedule one = schedule_of({{wed, {{720, 1900}}}});
  Centi setpoint = 0;
  CHECK(schedule_setpoint_at(one, berlin, winter(tue, 0, 0), &setpoint));
  CHECK(setpoint == 1900);
}

TEST_CASE("schedule: the next switch point, across the week's wrap and DST") {
  const TimeZone berlin = zone_of(kBerlin);
  const TimeZone sydney = zone_of("AEST-10AEDT,M10.1.0,M4.1.0/3");
  const TimeZone dublin = zone_of("IST-1GMT0,M10.5.0,M3.5.0/1");
  const int64_t spring = kBerlinSpring2026, autumn = kBerlinAutumn2026;
  struct Row {
    const char* why;
    const WeekSchedule* week;
    const TimeZone* zone;
    int64_t utc;
    int64_t next;
  };
  const Row rows[] = {
      {"Monday 06:29:59 to 06:30", &kWeek, &berlin, winter(mon, 6, 29, 59), winter(mon, 6, 30)},
      {"at a point: the one after it", &kWeek, &berlin, winter(mon, 6, 30), winter(mon, 8, 30)},
      {"Monday 22:30 to Saturday 08:00", &kWeek, &berlin, winter(mon, 22, 30), winter(sat, 8, 0)},
      {"Saturday 23:00 to next Monday 06:30", &kWeek, &berlin, winter(sat, 23, 0), winter(7, 6, 30)},
      {"Sunday late to Monday", &kWeek, &berlin, winter(sun, 23, 30), winter(7, 6, 30)},
      {"spring: 02:30 and 03:00 happen at the jump", &kNight, &berlin, spring - 1, spring},
      {"spring: after the jump, next Saturday", &kNight, &berlin, spring, spring + 6 * 86400 + 7 * 3600},
      {"autumn: 02:30 on the first pass", &kNight, &berlin, autumn - 3600, autumn - 1800},
      {"autumn: not again on the second pass; 03:00 CET", &kNight, &berlin, autumn - 1800, autumn + 3600},
      {"autumn: from inside the repeat", &kNight, &berlin, autumn + 1800, autumn + 3600},
      {"Dublin spring (01:00 GMT to 02:00 IST)", &kNight, &dublin, spring - 1, spring + 1800},
      // Dublin goes back from 02:00 IST to 01:00 GMT: 02:30 and 03:00 come once, after the repeat.
      {"Dublin autumn: 02:30 GMT", &kNight, &dublin, autumn - 7200, autumn + 5400},
      {"Dublin autumn: 03:00 GMT", &kNight, &dublin, autumn + 5400, autumn + 7200},
      {"Sydney autumn: 02:30 AEDT first pass", &kNight, &sydney, kSydneyAutumn2026 - 3600,
       kSydneyAutumn2026 - 1800},
      {"Sydney autumn: then 03:00 AEST", &kNight, &sydney, kSydneyAutumn2026 - 1800,
       kSydneyAutumn2026 + 3600},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    int64_t next = 0;
    REQUIRE(next_switch_point(*row.week, *row.zone, row.utc, &next));
    CHECK(next == row.next);
  }
  const WeekSchedule one = schedule_of({{wed, {{720, 1900}}}});
  int64_t next = 0;
  CHECK(next_switch_point(one, berlin, winter(wed, 12, 0), &next));
  CHECK(next == winter(wed, 12, 0) + 7 * 86400);
  CHECK_FALSE(next_switch_point(WeekSchedule(), berlin, winter(wed, 12, 0), &next));
}

// The oracle: the first second after `from` at which the count of switch point moments at or
// before the schedule time grows, found by doubling and halving over schedule_time alone.
static int64_t occurrences_up_to(const WeekSchedule& week, int64_t local) {
  const int64_t monday = local - civil_from_seconds(local).weekday * 86400LL -
                         (local - (local / 86400) * 86400);
  int64_t weeks = (monday - 345600) / 604800;  // 1970-01-05 was a Monday
  int64_t count = 0, per_week = 0;
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    for (uint8_t i = 0; i < week.count[day]; ++i) {
      ++per_week;
      if (monday + day * 86400 + week.points[day][i].minute * 60 <= local) ++count;
    }
  }
  return weeks * per_week + count;
}

TEST_CASE("schedule: next_switch_point agrees with a search over schedule_time, all year round") {
  const char* zones[] = {kBerlin, "AEST-10AEDT,M10.1.0,M4.1.0/3", "IST-1GMT0,M10.5.0,M3.5.0/1",
                         "EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30"};
  const WeekSchedule weeks[] = {kWeek, kNight,
                                schedule_of({{sun, {{0, 1900}, {90, 2000}, {150, 2100}, {1439, 2200}}},
                                             {mon, {{0, 1800}}}})};
  for (const char* text : zones) {
    const TimeZone zone = zone_of(text);
    for (const WeekSchedule& week : weeks) {
      for (int64_t from = 1767225600; from < 1767225600 + 366 * 86400; from += 7 * 3600 + 1234) {
        const int64_t before = occurrences_up_to(week, schedule_time(zone, from));
        int64_t low = from, high = from + 1;
        while (occurrences_up_to(week, schedule_time(zone, high)) == before) {
          low = high;
          high = from + (high - from) * 2;
        }
        while (high - low > 1) {
          const int64_t mid = low + (high - low) / 2;
          (occurrences_up_to(week, schedule_time(zone, mid)) > before ? high : low) = mid;
        }
        int64_t next = 0;
        REQUIRE(next_switch_point(week, zone, from, &next));
        if (next != high) {
          INFO(text);
          CAPTURE(from);
          CHECK(next == high);
          return;
        }
      }
    }
  }
}

namespace {

const TimeZone* berlin_zone() {
  static const TimeZone zone = zone_of(kBerlin);
  return &zone;
}

PlanInput plan_at(int64_t clock, const WeekSchedule* week = nullptr) {
  PlanInput in;
  in.clock_known = true;
  in.clock = clock;
  in.zone = berlin_zone();
  in.schedule = week;
  in.target = 2000;
  in.away_target = 1600;
  in.regime = Regime::home;
  return in;
}

PlanInput with_boost(PlanInput in, Centi setpoint, int64_t until) {
  in.boost = Boost{true, setpoint, until};
  return in;
}
PlanInput with_manual(PlanInput in, Centi setpoint, bool has_until, int64_t until = 0) {
  in.manual = ManualHold{true, setpoint, has_until, until};
  return in;
}
PlanInput with_away_until(PlanInput in, int64_t until, uint16_t preheat_minutes) {
  in.away_until = AwayUntil{true, until, preheat_minutes};
  return in;
}
PlanInput with_regime(PlanInput in, Regime regime) {
  in.regime = regime;
  return in;
}
PlanInput with(PlanInput in, Centi target, Centi away_target) {
  in.target = target;
  in.away_target = away_target;
  return in;
}
PlanInput without_clock(PlanInput in) {
  in.clock_known = false;
  return in;
}
PlanInput without_zone(PlanInput in) {
  in.zone = nullptr;
  return in;
}

}  // namespace

TEST_CASE("schedule: which set point holds, row by row") {
  const int64_t t = winter(mon, 7, 0);  // kWeek asks for 21.0 (06:30); 17.0 from 08:30
  const int64_t nine = winter(mon, 9, 0);
  const int64_t hour = 3600;
  const SetpointSource boost = SetpointSource::boost, manual = SetpointSource::manual,
                       away = SetpointSource::away, schedule = SetpointSource::schedule,
                       comfort = SetpointSource::comfort;
  struct Row {
    const char* why;
    PlanInput in;
    Held held;
  };
  const Row rows[] = {
      // Row 5: the home set point.
      {"5: no schedule: target", plan_at(t), {2000, comfort}},
      {"5: the schedule runs", plan_at(t, &kWeek), {2100, schedule}},
      {"5: an empty schedule does not run", plan_at(t, &kEmptyWeek), {2000, comfort}},
      {"5: no zone, no schedule", without_zone(plan_at(t, &kWeek)), {2000, comfort}},
      {"5: no clock, no schedule", without_clock(plan_at(t, &kWeek)), {2000, comfort}},
      // Row 4: the regime is away: the lower, the home source when lower or equal.
      {"4: away, no schedule", with_regime(plan_at(t), Regime::away), {1600, away}},
      {"4: away, target below away_target", with(with_regime(plan_at(t), Regime::away), 1500, 1600), {1500, comfort}},
      {"4: away, target equal", with(with_regime(plan_at(t), Regime::away), 1600, 1600), {1600, comfort}},
      {"4: away, schedule higher", with_regime(plan_at(t, &kWeek), Regime::away), {1600, away}},
      {"4: away, schedule lower", with(with_regime(plan_at(nine, &kWeek), Regime::away), 2000, 1800), {1700, schedule}},
      {"4: away, schedule equal", with(with_regime(plan_at(nine, &kWeek), Regime::away), 2000, 1700), {1700, schedule}},
      {"4: away without the clock", without_clock(with_regime(plan_at(t, &kWeek), Regime::away)), {1600, away}},
      // Row 3: away-until runs before its pre-heat starts.
      {"3: away-until", with_away_until(plan_at(t, &kWeek), t + 2 * hour, 60), {1600, away}},
      {"3: away-until, schedule above away_target", with_away_until(plan_at(nine, &kWeek), t + 3 * hour, 0), {1600, away}},
      {"3: away-until, schedule equal", with(with_away_until(plan_at(nine, &kWeek), t + 9 * hour, 0), 2000, 1700), {1700, schedule}},
      {"3: away-until, no schedule, target lower", with(with_away_until(plan_at(t), t + hour, 0), 1500, 1600), {1500, comfort}},
      {"3: pre-heat started: home", with_away_until(plan_at(t, &kWeek), t + hour, 60), {2100, schedule}},
      {"3: pre-heat started, regime away: row 4", with_regime(with_away_until(plan_at(t, &kWeek), t + hour, 60), Regime::away), {1600, away}},
      {"3: over", with_away_until(plan_at(t), t, 0), {2000, comfort}},
      {"3: needs the clock", without_clock(with_away_until(plan_at(t), t + hour, 0)), {2000, comfort}},
      // Row 2: a manual hold.
      {"2: manual until later", with_manual(plan_at(t, &kWeek), 1900, true, t + hour), {1900, manual}},
      {"2: manual without until", with_manual(plan_at(t), 1900, false), {1900, manual}},
      {"2: manual over", with_manual(plan_at(t, &kWeek), 1900, true, t), {2100, schedule}},
      {"2: manual beats away-until", with_away_until(with_manual(plan_at(t), 2200, false), t + hour, 0), {2200, manual}},
      {"2: manual beats the away regime", with_regime(with_manual(plan_at(t), 2200, false), Regime::away), {2200, manual}},
      {"2: needs the clock", without_clock(with_manual(plan_at(t), 1900, false)), {2000, comfort}},
      // Row 1: a boost beats everything.
      {"1: boost", with_boost(plan_at(t, &kWeek), 2300, t + 1), {2300, boost}},
      {"1: boost over at its until", with_boost(plan_at(t, &kWeek), 2300, t), {2100, schedule}},
      {"1: boost beats manual", with_manual(with_boost(plan_at(t), 2300, t + hour), 1900, false), {2300, boost}},
      {"1: boost beats away-until and away", with_regime(with_away_until(with_boost(plan_at(t), 2300, t + hour), t + 2 * hour, 0), Regime::away), {2300, boost}},
      {"1: boost below the schedule still holds", with_boost(plan_at(t, &kWeek), 1500, t + hour), {1500, boost}},
      {"1: needs the clock", without_clock(with_boost(plan_at(t), 2300, t + hour)), {2000, comfort}},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    const Held held = held_setpoint(row.in);
    CHECK(held.setpoint == row.held.setpoint);
    CHECK(static_cast<int>(held.source) == static_cast<int>(row.held.source));
  }
}

TEST_CASE("schedule: the pre-heat has started from until - preheat on, with the clock only") {
  const int64_t t = winter(mon, 7, 0);
  CHECK_FALSE(preheat_started(plan_at(t)));
  CHECK_FALSE(preheat_started(with_away_until(plan_at(t), t + 3601, 60)));
  CHECK(preheat_started(with_away_until(plan_at(t), t + 3600, 60)));
  CHECK(preheat_started(with_away_until(plan_at(t), t, 0)));
  CHECK_FALSE(preheat_started(without_clock(with_away_until(plan_at(t), t, 0))));
}

TEST_CASE("schedule: what comes next") {
  const int64_t t = winter(mon, 7, 0);
  const int64_t hour = 3600, day = 86400;
  const int64_t autumn = kBerlinAutumn2026;
  const SetpointSource away = SetpointSource::away, schedule = SetpointSource::schedule,
                       comfort = SetpointSource::comfort;
  const WeekSchedule twice = schedule_of({{mon, {{390, 2100}, {400, 2100}, {510, 1700}}}});
  const WeekSchedule lone = schedule_of({{wed, {{720, 1900}}}});
  PlanInput presence = with_regime(with_away_until(plan_at(t), t + 2 * day, 90), Regime::away);
  presence.presence_decides = true;
  PlanInput reported_since = with_regime(with_away_until(plan_at(t), t + hour, 90), Regime::away);
  reported_since.presence_decides = true;
  struct Row {
    const char* why;
    PlanInput in;
    bool has_next;
    int64_t at;
    Held then;
  };
  const Row rows[] = {
      {"no clock", without_clock(plan_at(t, &kWeek)), false, 0, {}},
      {"nothing set", plan_at(t), false, 0, {}},
      {"the next switch point", plan_at(t, &kWeek), true, winter(mon, 8, 30), {1700, schedule}},
      {"a switch point that changes nothing is passed over", plan_at(winter(mon, 6, 35), &twice), true,
       winter(mon, 8, 30), {1700, schedule}},
      {"across the week's wrap", plan_at(winter(sun, 23, 30), &kWeek), true, winter(7, 6, 30), {2100, schedule}},
      {"one switch point a week changes nothing", plan_at(t, &lone), false, 0, {}},
      {"the boost's end", with_boost(plan_at(t), 2300, t + hour), true, t + hour, {2000, comfort}},
      {"the boost's end back to the same set point from another source",
       with_boost(plan_at(t, &kWeek), 2100, t + 600), true, t + 600, {2100, schedule}},
      {"a boost hides the switch points under it", with_boost(plan_at(t, &kWeek), 2300, winter(mon, 18, 0)),
       true, winter(mon, 18, 0), {2100, schedule}},
      {"a boost ending after 8 days", with_boost(plan_at(t), 2300, t + 8 * day + 1), false, 0, {}},
      {"a boost ending in exactly 8 days", with_boost(plan_at(t), 2300, t + 8 * day), true, t + 8 * day,
       {2000, comfort}},
      {"a manual hold until the next switch point", with_manual(plan_at(t, &kWeek), 1900, true, winter(mon, 8, 30)),
       true, winter(mon, 8, 30), {1700, schedule}},
      {"a manual hold without until", with_manual(plan_at(t, &kWeek), 1900, false), false, 0, {}},
      {"away-until: the pre-heat's start", with_away_until(plan_at(t), t + 2 * day, 90), true,
       t + 2 * day - 90 * 60, {2000, comfort}},
      {"away-until without pre-heat: its end", with_away_until(plan_at(t), t + 2 * day, 0), true, t + 2 * day,
       {2000, comfort}},
      {"away-until under the away regime changes nothing",
       with_regime(with_away_until(plan_at(t), t + 2 * day, 90), Regime::away), false, 0, {}},
      {"away-until in auto: presence from before the pre-heat no longer counts", presence, true,
       t + 2 * day - 90 * 60, {2000, comfort}},
      {"pre-heat started and someone reported away since", reported_since, false, 0, {}},
      {"away-until under the schedule: the switch points it lowers change nothing",
       with_away_until(plan_at(t, &kWeek), winter(sat, 12, 0), 60), true, winter(sat, 11, 0), {2100, schedule}},
      {"autumn: 02:30 is not reached again; 03:00 CET is next", plan_at(autumn - 1799, &kNight), true,
       autumn + 3600, {2000, schedule}},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    int64_t at = -1;
    Held then{};
    REQUIRE(next_change(row.in, &at, &then) == row.has_next);
    if (!row.has_next) continue;
    CHECK(at == row.at);
    CHECK(then.setpoint == row.then.setpoint);
    CHECK(static_cast<int>(then.source) == static_cast<int>(row.then.source));
  }
}

namespace {

const cJSON* field(const cJSON* object, const char* name) {
  return cJSON_GetObjectItemCaseSensitive(object, name);
}
int64_t integer(const cJSON* object, const char* name) {
  const cJSON* item = field(object, name);
  REQUIRE_MESSAGE(cJSON_IsNumber(item), name);
  return static_cast<int64_t>(item->valuedouble);
}
Centi centi(const cJSON* object, const char* name) {
  const cJSON* item = field(object, name);
  REQUIRE_MESSAGE(cJSON_IsNumber(item), name);
  return to_centi(item->valuedouble);
}

// A vector's schedule: 7 lists of [minute, °C], as the vectors write what is stored.
WeekSchedule week_of_json(const cJSON* days) {
  REQUIRE(cJSON_GetArraySize(days) == kScheduleDays);
  WeekSchedule week;
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    const cJSON* points = cJSON_GetArrayItem(days, day);
    REQUIRE(cJSON_GetArraySize(points) <= kMaxSwitchPoints);
    const cJSON* point = nullptr;
    cJSON_ArrayForEach(point, points) {
      week.points[day][week.count[day]++] =
          SwitchPoint{static_cast<uint16_t>(cJSON_GetArrayItem(point, 0)->valuedouble),
                      to_centi(cJSON_GetArrayItem(point, 1)->valuedouble)};
    }
  }
  return week;
}

SetpointSource source_named(const std::string& name) {
  const SetpointSource sources[] = {SetpointSource::comfort, SetpointSource::away,
                                    SetpointSource::schedule, SetpointSource::boost,
                                    SetpointSource::manual};
  const char* names[] = {"comfort", "away", "schedule", "boost", "manual"};
  for (int i = 0; i < 5; ++i) {
    if (name == names[i]) return sources[i];
  }
  FAIL("unknown source " << name);
  return SetpointSource::none;
}

}  // namespace

TEST_CASE("schedule vectors: every accepted schedule of schedule.json is valid as stored") {
  cJSON* root = cJSON_Parse(read_vector_file("schedule.json").c_str());
  REQUIRE(root != nullptr);
  int accepted = 0;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, field(root, "values")) {
    INFO(field(item, "name")->valuestring);
    if (std::string(field(item, "result")->valuestring) != "accepted") continue;
    ++accepted;
    const WeekSchedule week = week_of_json(field(item, "schedule"));
    CHECK(week.valid());
    CHECK(week == week_of_json(field(item, "schedule")));
  }
  CHECK(accepted > 3);
  cJSON_Delete(root);
}

TEST_CASE("schedule vectors: every plan of schedule.json: the held set point and what comes next") {
  cJSON* root = cJSON_Parse(read_vector_file("schedule.json").c_str());
  REQUIRE(root != nullptr);
  REQUIRE(cJSON_GetArraySize(field(root, "plans")) > 30);
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, field(root, "plans")) {
    INFO(field(item, "name")->valuestring);
    const cJSON* input = field(item, "input");
    PlanInput in;
    in.clock_known = !cJSON_IsNull(field(input, "clock"));
    if (in.clock_known) in.clock = integer(input, "clock");
    TimeZone zone{};
    const cJSON* zone_text = field(input, "time_zone");
    if (!cJSON_IsNull(zone_text)) {
      REQUIRE(parse_time_zone(zone_text->valuestring, strlen(zone_text->valuestring), &zone));
      in.zone = &zone;
    }
    const WeekSchedule week = week_of_json(field(input, "schedule"));
    REQUIRE(week.valid());
    in.schedule = &week;
    in.target = centi(input, "target");
    in.away_target = centi(input, "away_target");
    const std::string regime = field(input, "regime")->valuestring;
    REQUIRE((regime == "home" || regime == "away"));
    in.regime = regime == "away" ? Regime::away : Regime::home;
    in.presence_decides = std::string(field(input, "mode")->valuestring) == "auto";
    const cJSON* manual = field(input, "manual");
    if (!cJSON_IsNull(manual)) {
      in.manual.active = true;
      in.manual.setpoint = centi(manual, "setpoint");
      in.manual.has_until = !cJSON_IsNull(field(manual, "until"));
      if (in.manual.has_until) in.manual.until = integer(manual, "until");
    }
    const cJSON* boost = field(input, "boost");
    if (!cJSON_IsNull(boost)) in.boost = Boost{true, centi(boost, "setpoint"), integer(boost, "until")};
    const cJSON* away_until = field(input, "away_until");
    if (!cJSON_IsNull(away_until)) {
      in.away_until = AwayUntil{true, integer(away_until, "until"),
                                static_cast<uint16_t>(integer(away_until, "preheat_minutes"))};
    }

    const Held held = held_setpoint(in);
    const cJSON* expected = field(item, "held");
    CHECK(held.setpoint == centi(expected, "setpoint"));
    CHECK(static_cast<int>(held.source) ==
          static_cast<int>(source_named(field(expected, "source")->valuestring)));

    const cJSON* next = field(item, "next");
    int64_t at = -1;
    Held then{};
    REQUIRE(next_change(in, &at, &then) == !cJSON_IsNull(next));
    if (cJSON_IsNull(next)) continue;
    CHECK(at == integer(next, "at"));
    CHECK(then.setpoint == centi(next, "setpoint"));
    CHECK(static_cast<int>(then.source) ==
          static_cast<int>(source_named(field(next, "source")->valuestring)));
  }
  cJSON_Delete(root);
}
