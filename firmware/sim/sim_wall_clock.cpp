#include "sim_wall_clock.h"

#include <cstdio>

#include "time_zone.h"

namespace hearth {

namespace {

bool digits(const std::string& text, size_t at, size_t count, int* out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Offsets are below 25 hours each way ("Time zones": hours 0 to 24 with minutes and seconds).
constexpr int64_t kWidestOffsetS = 25 * 3600;

}  // namespace

bool parse_iso_time(const std::string& text, int64_t* seconds, bool* utc) {
  int year, month, day, hour, minute, second = 0;
  if (!digits(text, 0, 4, &year) || text.size() < 16 || text[4] != '-' || !digits(text, 5, 2, &month) ||
      text[7] != '-' || !digits(text, 8, 2, &day) || text[10] != 'T' || !digits(text, 11, 2, &hour) ||
      text[13] != ':' || !digits(text, 14, 2, &minute)) {
    return false;
  }
  size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!digits(text, at + 1, 2, &second)) return false;
    at += 3;
  }
  *utc = at < text.size() && text[at] == 'Z';
  if (*utc) ++at;
  if (at != text.size()) return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  *seconds = days_from_civil(year, uint8_t(month), uint8_t(day)) * 86400 + hour * 3600 + minute * 60 + second;
  return true;
}

std::string iso_time(int64_t seconds) {
  const LocalParts parts = civil_from_seconds(seconds);
  char text[40];
  snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", int(parts.year), parts.month, parts.day, parts.hour,
           parts.minute, parts.second);
  return text;
}

LocalTime utc_of_local_time(const ZoneRules& zone, int64_t local, int64_t* utc) {
  // The UTC moments that could read `local` lie within the widest offset of it. Walk the
  // stretches of one offset across them, earliest first: the first that holds it is the answer.
  int64_t from = local - kWidestOffsetS - 1;
  const int64_t last = local + kWidestOffsetS + 1;
  while (from <= last) {
    int64_t change = 0;
    const bool changes = zone.next_change(from, &change);
    const int64_t until = changes ? change : INT64_MAX;
    const int64_t candidate = local - zone.offset_at(from);
    if (candidate >= from && candidate < until) {
      *utc = candidate;
      return LocalTime::found;
    }
    if (!changes) break;
    from = change;
  }
  return LocalTime::skipped;
}

int64_t SimWallClock::utc_s(uint64_t sim_ms) const {
  const int64_t ms = utc_ms(sim_ms);
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

}  // namespace hearth
