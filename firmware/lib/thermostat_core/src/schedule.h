// The weekly schedule, the overrides and the one table of "Which set point holds", with
// "What comes next" (docs/protocol.md "Time and the schedule"). Pure functions of a PlanInput.
#pragma once
#include "core_types.h"
#include "time_zone.h"

namespace hearth {

// settings.h defines it; declared here so that settings.h can include this file for its blob.
enum class Regime : uint8_t;

// STATE's setpoint_source (docs/protocol.md "Messages").
enum class SetpointSource : uint8_t { none, comfort, away, frost, schedule, boost, manual };

constexpr uint8_t kScheduleDays = 7, kMaxSwitchPoints = 6;
constexpr int64_t kNextHorizonS = 8 * 86400;  // "What comes next" looks this far ahead

struct SwitchPoint {
  uint16_t minute;  // of the local day, 0-1439
  Centi setpoint;
};

// Day 0 is Monday. A default-constructed schedule is empty.
struct WeekSchedule {
  uint8_t count[kScheduleDays] = {};
  SwitchPoint points[kScheduleDays][kMaxSwitchPoints] = {};
  bool empty() const;
  // Counts within 6, minutes 0-1439 strictly increasing per day, set points within target's range.
  bool valid() const;
  bool operator==(const WeekSchedule& o) const;  // compares the used points only
  bool operator!=(const WeekSchedule& o) const { return !(*this == o); }
};

struct ManualHold {
  bool active = false;
  Centi setpoint = 0;
  bool has_until = false;  // false: until a SET changes manual, schedule, time_zone or mode
  int64_t until = 0;
};

struct Boost {
  bool active = false;
  Centi setpoint = 0;
  int64_t until = 0;
};

struct AwayUntil {
  bool active = false;
  int64_t until = 0;
  uint16_t preheat_minutes = 0;
};

struct PlanInput {
  bool clock_known = false;
  int64_t clock = 0;                       // UTC seconds, when clock_known
  const TimeZone* zone = nullptr;          // nullptr: none set
  const WeekSchedule* schedule = nullptr;  // nullptr counts as empty
  Centi target = 0;
  Centi away_target = 0;
  Regime regime{};                         // the regime in force now (home = 0)
  // mode auto: from an away-until's pre-heat start presence reported before it no longer counts,
  // so next_change takes the regime as home from then on ("Which set point holds").
  bool presence_decides = false;
  ManualHold manual;
  Boost boost;
  AwayUntil away_until;
};

struct Held {
  Centi setpoint;
  SetpointSource source;
  bool operator==(const Held& o) const { return setpoint == o.setpoint && source == o.source; }
  bool operator!=(const Held& o) const { return !(*this == o); }
};

// Clock known, a time zone set and at least one switch point ("The weekly schedule").
bool schedule_runs(const PlanInput& input);
// The set point of the latest switch point at or before utc's schedule time; false when none.
bool schedule_setpoint_at(const WeekSchedule& schedule, const TimeZone& zone, int64_t utc,
                          Centi* out);
// The first UTC second > utc at which schedule time reaches a switch point; false when none.
bool next_switch_point(const WeekSchedule& schedule, const TimeZone& zone, int64_t utc,
                       int64_t* at);
// Rows 1-5 of "Which set point holds" at input.clock (frost and none are the reading's business).
Held held_setpoint(const PlanInput& input);
// "What comes next": false for null.
bool next_change(const PlanInput& input, int64_t* at, Held* then);
// An override runs at `clock` while it is set and its end, if it has one, is later.
inline bool runs_at(bool active, bool has_end, int64_t end, int64_t clock) {
  return active && (!has_end || clock < end);
}
// When an away-until's pre-heat starts: `preheat_minutes` before its end.
inline int64_t preheat_start(const AwayUntil& away) {
  return away.until - static_cast<int64_t>(away.preheat_minutes) * 60;
}
// The clock is known, an away-until is set and its pre-heat has started (clock >= until - preheat).
bool preheat_started(const PlanInput& input);

}  // namespace hearth
