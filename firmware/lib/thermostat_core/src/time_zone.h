// Local time from a POSIX TZ text (docs/protocol.md "Time zones") and the schedule time of
// "The weekly schedule". Pure calendar arithmetic: no libc time functions, no I/O.
#pragma once
#include "core_types.h"

namespace hearth {

constexpr size_t kMaxTimeZoneBytes = 64;

// One `Mm.w.d[/time]` rule: week 5 is the last such weekday of the month, weekday 0 is Sunday,
// time_s the local time of day (in the offset in force just before the change), -167 h to 167 h.
struct TzRule {
  uint8_t month;
  uint8_t week;
  uint8_t weekday;
  int32_t time_s;
};

// Offsets are seconds ADDED to UTC to get local time (CET: +3600), the opposite sign of the text.
struct TimeZone {
  int32_t std_offset_s;
  int32_t dst_offset_s;
  bool has_dst;
  TzRule start;  // std -> dst
  TzRule end;    // dst -> std
  char text[kMaxTimeZoneBytes + 1];  // the accepted text, NUL-terminated
  bool operator==(const TimeZone& o) const;  // same text (the text decides everything else)
  bool operator!=(const TimeZone& o) const { return !(*this == o); }
};

// The grammar of "Time zones", nothing more; false refuses (out_of_range in a SET). `text` need not
// be NUL-terminated; a NUL inside it is refused.
bool parse_time_zone(const char* text, size_t length, TimeZone* out);

int32_t utc_offset_s(const TimeZone& zone, int64_t utc);

struct LocalParts {
  int32_t year;
  uint8_t month, day, hour, minute, second;  // month 1-12, day 1-31
  uint8_t weekday;                           // 0 = Monday
};
LocalParts local_parts(const TimeZone& zone, int64_t utc);

// Seconds on a local-time scale (utc + offset) that never decrease: over a backward change at T it
// stands still at the local time of T - 1 until local time passes it ("The weekly schedule").
int64_t schedule_time(const TimeZone& zone, int64_t utc);

// The first second > utc at which the offset changes; false when it never does.
bool next_offset_change(const TimeZone& zone, int64_t utc, int64_t* at);

// All of the above at one moment from one computation of the changes around it, for searches.
struct ZoneAt {
  int32_t offset;       // utc_offset_s
  int64_t schedule;     // schedule_time
  bool changes;         // next_offset_change's answer
  int64_t next_change;  // and its moment
};
ZoneAt zone_at(const TimeZone& zone, int64_t utc);

// Days since 1970-01-01 of a proleptic Gregorian date (negative before it); month 1-12.
int64_t days_from_civil(int32_t year, uint8_t month, uint8_t day);
// The date `days` after 1970-01-01, with its weekday (0 = Monday).
LocalParts civil_from_seconds(int64_t seconds);

}  // namespace hearth
