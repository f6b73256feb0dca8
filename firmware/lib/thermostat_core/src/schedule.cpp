#include "schedule.h"

#include "settings.h"
#include "wall_clock.h"

namespace hearth {

namespace {

constexpr int32_t kDayS = 86400;
constexpr int32_t kWeekS = kScheduleDays * kDayS;

int32_t point_of_week_s(uint8_t day, const SwitchPoint& point) {
  return day * kDayS + point.minute * 60;
}

// Where schedule time `local` lies: the start of its week (Monday 00:00, local scale) and the
// seconds since.
void week_of(int64_t local, int64_t* week_start, int32_t* into_week) {
  const LocalParts parts = civil_from_seconds(local);
  const int32_t into = parts.weekday * kDayS + parts.hour * 3600 + parts.minute * 60 + parts.second;
  *week_start = local - into;
  *into_week = into;
}

// The regime's set point and source for a home set point (rows 3 and 4 of "Which set point
// holds": the lower of the two; the home set point's source when it is lower or equal).
Held lowered(Held home, Centi away_target) {
  return home.setpoint <= away_target ? home : Held{away_target, SetpointSource::away};
}

bool any_point_at_or_below(const PlanInput& in, Centi setpoint) {
  if (!schedule_runs(in)) return false;
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    for (uint8_t i = 0; i < in.schedule->count[day] && i < kMaxSwitchPoints; ++i) {
      if (in.schedule->points[day][i].setpoint <= setpoint) return true;
    }
  }
  return false;
}

}  // namespace

bool WeekSchedule::empty() const {
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    if (count[day] != 0) return false;
  }
  return true;
}

bool WeekSchedule::valid() const {
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    if (count[day] > kMaxSwitchPoints) return false;
    for (uint8_t i = 0; i < count[day]; ++i) {
      const SwitchPoint& p = points[day][i];
      if (p.minute > 1439 || p.setpoint < kTargetMin || p.setpoint > kTargetMax) return false;
      if (i > 0 && p.minute <= points[day][i - 1].minute) return false;
    }
  }
  return true;
}

bool WeekSchedule::operator==(const WeekSchedule& o) const {
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    if (count[day] != o.count[day]) return false;
    for (uint8_t i = 0; i < count[day] && i < kMaxSwitchPoints; ++i) {
      if (points[day][i].minute != o.points[day][i].minute ||
          points[day][i].setpoint != o.points[day][i].setpoint) {
        return false;
      }
    }
  }
  return true;
}

bool schedule_runs(const PlanInput& input) {
  return input.clock_known && input.zone != nullptr && input.schedule != nullptr &&
         !input.schedule->empty();
}

bool schedule_setpoint_at(const WeekSchedule& schedule, const TimeZone& zone, int64_t utc,
                          Centi* out) {
  int64_t week_start;
  int32_t into_week;
  week_of(schedule_time(zone, utc), &week_start, &into_week);
  // The latest point at or before into_week; none this week: the week's last (it wraps).
  bool found = false;
  Centi latest = 0, last = 0;
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    for (uint8_t i = 0; i < schedule.count[day] && i < kMaxSwitchPoints; ++i) {
      const SwitchPoint& p = schedule.points[day][i];
      last = p.setpoint;
      if (point_of_week_s(day, p) <= into_week) {
        latest = p.setpoint;
        found = true;
      }
    }
  }
  if (schedule.empty()) return false;
  *out = found ? latest : last;
  return true;
}

bool next_switch_point(const WeekSchedule& schedule, const TimeZone& zone, int64_t utc,
                       int64_t* at) {
  ZoneAt stretch = zone_at(zone, utc);
  int64_t week_start;
  int32_t into_week;
  week_of(stretch.schedule, &week_start, &into_week);
  // The first point's wall time after now on the local scale, this week or the next.
  int32_t first = -1, after = -1;
  for (uint8_t day = 0; day < kScheduleDays && after < 0; ++day) {
    for (uint8_t i = 0; i < schedule.count[day] && i < kMaxSwitchPoints; ++i) {
      const int32_t p = point_of_week_s(day, schedule.points[day][i]);
      if (first < 0) first = p;
      if (p > into_week) {
        after = p;
        break;
      }
    }
  }
  if (first < 0) return false;
  const int64_t wall = week_start + (after >= 0 ? after : first + kWeekS);
  // Walk the offset's stretches from utc: within one, schedule time is utc + offset (any stand-still
  // there is below `wall`); where a change's new time is past `wall`, the change itself reaches it
  // (a forward jump over the point). A week holds few changes; the bound only keeps a hostile
  // zone's work finite.
  for (int n = 0; n < 8; ++n) {
    if (!stretch.changes || wall - stretch.offset < stretch.next_change) {
      *at = wall - stretch.offset;
      return true;
    }
    const int64_t change = stretch.next_change;
    stretch = zone_at(zone, change);
    if (stretch.schedule >= wall) {
      *at = change;
      return true;
    }
  }
  return false;
}

Held held_setpoint(const PlanInput& in) {
  const bool clock = in.clock_known;
  if (clock && runs_at(in.boost.active, true, in.boost.until, in.clock)) {
    return Held{in.boost.setpoint, SetpointSource::boost};
  }
  if (clock && runs_at(in.manual.active, in.manual.has_until, in.manual.until, in.clock)) {
    return Held{in.manual.setpoint, SetpointSource::manual};
  }
  Held home{in.target, SetpointSource::comfort};
  Centi scheduled;
  if (schedule_runs(in) && schedule_setpoint_at(*in.schedule, *in.zone, in.clock, &scheduled)) {
    home = Held{scheduled, SetpointSource::schedule};
  }
  const bool away_until_runs =
      clock && in.away_until.active &&
      in.clock < preheat_start(in.away_until);
  if (away_until_runs || in.regime == Regime::away) return lowered(home, in.away_target);
  return home;
}

bool preheat_started(const PlanInput& in) {
  return in.clock_known && in.away_until.active &&
         in.clock >= preheat_start(in.away_until);
}

bool next_change(const PlanInput& in, int64_t* at, Held* then) {
  if (!in.clock_known) return false;
  const Held now = held_setpoint(in);
  const bool runs = schedule_runs(in);
  // Never past the last time STATE's `next.at` may carry, which the app's validator refuses.
  const int64_t horizon = in.clock + kNextHorizonS < kMaxWallTime ? in.clock + kNextHorizonS : kMaxWallTime;
  const int64_t preheat_from = preheat_start(in.away_until);
  const int64_t ends[] = {
      in.boost.active ? in.boost.until : INT64_MIN,
      in.manual.active && in.manual.has_until ? in.manual.until : INT64_MIN,
      in.away_until.active ? preheat_from : INT64_MIN,
      in.away_until.active ? in.away_until.until : INT64_MIN,
  };
  // Switch points change nothing while a boost or a manual hold runs, nor while away_target is
  // held below every switch point: the search starts where that can end (each step costs tens of
  // date computations, which the ESP8266 divides in software).
  int64_t from = in.clock;
  if (now.source == SetpointSource::boost) {
    from = in.boost.until - 1;
  } else if (now.source == SetpointSource::manual) {
    if (!in.manual.has_until) return false;
    from = in.manual.until - 1;
  } else if (now.source == SetpointSource::away && !any_point_at_or_below(in, in.away_target)) {
    int64_t first_end = INT64_MAX;
    for (int64_t end : ends) {
      if (end > in.clock && end < first_end) first_end = end;
    }
    if (first_end == INT64_MAX) return false;
    from = first_end - 1;
  }
  // 8 days hold at most 49 switch moments and the 4 ends: the bound is never what stops the search.
  for (int step = 0; step < 64; ++step) {
    int64_t candidate = INT64_MAX;
    int64_t point;
    if (runs && next_switch_point(*in.schedule, *in.zone, from, &point)) candidate = point;
    for (int64_t end : ends) {
      if (end > from && end < candidate) candidate = end;
    }
    if (candidate > horizon) return false;
    PlanInput later = in;
    later.clock = candidate;
    // Presence reported before the pre-heat starts no longer counts from its start on.
    if (in.presence_decides && in.away_until.active && in.clock < preheat_from &&
        candidate >= preheat_from) {
      later.regime = Regime::home;
    }
    const Held held = held_setpoint(later);
    if (held != now) {
      *at = candidate;
      *then = held;
      return true;
    }
    from = candidate;
  }
  return false;
}

}  // namespace hearth
