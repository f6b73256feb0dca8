#include "time_zone.h"

#include <string.h>

namespace hearth {

namespace {

constexpr int32_t kHourS = 3600;
constexpr int32_t kDayS = 86400;

int32_t floor_div(int32_t value, int32_t divisor) {
  const int32_t q = value / divisor;
  return (value % divisor != 0 && value < 0) ? q - 1 : q;
}

int32_t floor_mod(int32_t value, int32_t divisor) { return value - floor_div(value, divisor) * divisor; }

// floor(seconds / 86400) with a 32-bit division where the value allows (86400 = 128 × 675): the
// ESP8266 divides 64-bit numbers in software.
int64_t days_of(int64_t seconds) {
  const int64_t q128 = seconds >> 7;  // floor(seconds / 128): arithmetic shift
  if (q128 >= INT32_MIN && q128 <= INT32_MAX) return floor_div(static_cast<int32_t>(q128), 675);
  const int64_t q = q128 / 675;
  return (q128 % 675 != 0 && q128 < 0) ? q - 1 : q;
}

// The strict reader of "Time zones": each method takes one element of the grammar or fails.
class Reader {
 public:
  Reader(const char* text, size_t length) : at_(text), end_(text + length) {}
  bool done() const { return at_ == end_; }
  bool peek(char c) const { return at_ != end_ && *at_ == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++at_;
    return true;
  }

  // One to `most` decimal digits.
  bool digits(int most, int32_t* out) {
    int32_t value = 0;
    int n = 0;
    while (n < most && at_ != end_ && *at_ >= '0' && *at_ <= '9') {
      value = value * 10 + (*at_++ - '0');
      ++n;
    }
    *out = value;
    return n > 0;
  }

  // 3 to 6 letters, or `<` 3 to 6 of A-Z a-z 0-9 + - `>`.
  bool name() {
    const bool quoted = take('<');
    int n = 0;
    while (at_ != end_ && (is_letter(*at_) || (quoted && is_quoted_extra(*at_)))) {
      ++at_;
      ++n;
    }
    if (n < 3 || n > 6) return false;
    return !quoted || take('>');
  }

  // [+|-]hh[:mm[:ss]], hours at most `max_hours` of at most `hour_digits` digits; signed seconds.
  bool clock(int32_t max_hours, int hour_digits, int32_t* out) {
    const bool negative = take('-');
    if (!negative) take('+');
    int32_t hours;
    if (!digits(hour_digits, &hours) || hours > max_hours) return false;
    int32_t seconds = hours * kHourS;
    static const int32_t kScales[] = {60, 1};
    for (int32_t scale : kScales) {
      if (!take(':')) break;
      int32_t part;
      if (!digits(2, &part) || part > 59) return false;
      seconds += part * scale;
    }
    *out = negative ? -seconds : seconds;
    return true;
  }

  // Mm.w.d[/time], 02:00 when the time is left out.
  bool rule(TzRule* out) {
    int32_t month, week, weekday;
    if (!take('M') || !digits(2, &month) || month < 1 || month > 12 || !take('.')) return false;
    if (!digits(1, &week) || week < 1 || week > 5 || !take('.')) return false;
    if (!digits(1, &weekday) || weekday > 6) return false;
    int32_t time = 2 * kHourS;
    if (take('/') && !clock(167, 3, &time)) return false;
    *out = TzRule{static_cast<uint8_t>(month), static_cast<uint8_t>(week),
                  static_cast<uint8_t>(weekday), time};
    return true;
  }

 private:
  static bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool is_quoted_extra(char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-'; }
  const char* at_;
  const char* end_;
};

// The day (since 1970) of a rule's day in `year`: the week-th weekday of the month, 5 the last.
int32_t rule_day(const TzRule& rule, int32_t year) {
  const int32_t first = static_cast<int32_t>(days_from_civil(year, rule.month, 1));
  const int32_t first_weekday = floor_mod(first + 4, 7);  // 1970-01-01 was a Thursday (Sunday 0)
  int32_t day = first + floor_mod(rule.weekday - first_weekday, 7) + (rule.week - 1) * 7;
  const int32_t next_month = rule.month == 12
                                 ? static_cast<int32_t>(days_from_civil(year + 1, 1, 1))
                                 : static_cast<int32_t>(days_from_civil(year, rule.month + 1, 1));
  while (day >= next_month) day -= 7;
  return day;
}

struct OffsetChange {
  int64_t at;
  int32_t before, after;
};

constexpr int kChangesAround = 6;

// The offset changes of the UTC years before, of and after `utc`, start and end of each year in
// turn (the order that breaks ties). A rule's time is in the local time in force just before it.
void changes_around(const TimeZone& zone, int64_t utc, OffsetChange out[kChangesAround]) {
  const int32_t year = civil_from_seconds(utc).year;
  OffsetChange* change = out;
  for (int32_t y = year - 1; y <= year + 1; ++y) {
    *change++ = OffsetChange{static_cast<int64_t>(rule_day(zone.start, y)) * kDayS +
                                 zone.start.time_s - zone.std_offset_s,
                             zone.std_offset_s, zone.dst_offset_s};
    *change++ = OffsetChange{static_cast<int64_t>(rule_day(zone.end, y)) * kDayS +
                                 zone.end.time_s - zone.dst_offset_s,
                             zone.dst_offset_s, zone.std_offset_s};
  }
}

}  // namespace

int64_t days_from_civil(int32_t year, uint8_t month, uint8_t day) {
  const int32_t y = month <= 2 ? year - 1 : year;
  const int32_t era = floor_div(y, 400);
  const int32_t year_of_era = y - era * 400;
  const int32_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int32_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int64_t>(era) * 146097 + day_of_era - 719468;
}

LocalParts civil_from_seconds(int64_t seconds) {
  const int64_t days64 = days_of(seconds);
  const int32_t second_of_day = static_cast<int32_t>(seconds - days64 * kDayS);
  // Days fit 32 bits for ±5 million years, far beyond the clock's range.
  const int32_t days = static_cast<int32_t>(days64);
  const int32_t z = days + 719468;
  const int32_t era = floor_div(z, 146097);
  const int32_t day_of_era = z - era * 146097;
  const int32_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int32_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int32_t shifted = (5 * day_of_year + 2) / 153;
  const int32_t month = shifted < 10 ? shifted + 3 : shifted - 9;
  LocalParts parts;
  parts.year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  parts.month = static_cast<uint8_t>(month);
  parts.day = static_cast<uint8_t>(day_of_year - (153 * shifted + 2) / 5 + 1);
  parts.hour = static_cast<uint8_t>(second_of_day / kHourS);
  parts.minute = static_cast<uint8_t>(second_of_day % kHourS / 60);
  parts.second = static_cast<uint8_t>(second_of_day % 60);
  parts.weekday = static_cast<uint8_t>(floor_mod(days + 3, 7));  // 1970-01-01: Thursday (Monday 0)
  return parts;
}

bool TimeZone::operator==(const TimeZone& o) const { return strcmp(text, o.text) == 0; }

bool parse_time_zone(const char* text, size_t length, TimeZone* out) {
  if (text == nullptr || length > kMaxTimeZoneBytes) return false;
  TimeZone zone{};
  Reader reader(text, length);
  int32_t posix_std;
  if (!reader.name() || !reader.clock(24, 2, &posix_std)) return false;
  zone.std_offset_s = -posix_std;
  zone.dst_offset_s = zone.std_offset_s;
  if (!reader.done()) {
    if (!reader.name()) return false;
    zone.dst_offset_s = zone.std_offset_s + kHourS;
    if (!reader.done() && !reader.peek(',')) {
      int32_t posix_dst;
      if (!reader.clock(24, 2, &posix_dst)) return false;
      zone.dst_offset_s = -posix_dst;
    }
    if (!reader.take(',') || !reader.rule(&zone.start) || !reader.take(',') ||
        !reader.rule(&zone.end) || !reader.done()) {
      return false;
    }
    zone.has_dst = true;
  }
  memcpy(zone.text, text, length);
  zone.text[length] = '\0';
  *out = zone;
  return true;
}

ZoneAt zone_at(const TimeZone& zone, int64_t utc) {
  ZoneAt result{zone.std_offset_s, utc + zone.std_offset_s, false, 0};
  if (!zone.has_dst) return result;
  OffsetChange changes[kChangesAround];
  changes_around(zone, utc, changes);
  const OffsetChange* last = nullptr;  // of equal times, the later in turn
  for (const OffsetChange& change : changes) {
    if (change.at <= utc && (last == nullptr || change.at >= last->at)) last = &change;
  }
  if (last != nullptr) {
    result.offset = last->after;
    const int32_t back = last->before - last->after;
    result.schedule = back > 0 && utc < last->at + back ? last->at - 1 + last->before
                                                         : utc + last->after;
  }
  // The next change: among these, else among the changes of a year later.
  for (int probe = 0; probe < 2 && !result.changes; ++probe) {
    if (probe == 1) changes_around(zone, utc + 366 * static_cast<int64_t>(kDayS), changes);
    for (const OffsetChange& change : changes) {
      if (change.at > utc && change.after != result.offset &&
          (!result.changes || change.at < result.next_change)) {
        result.changes = true;
        result.next_change = change.at;
      }
    }
  }
  return result;
}

int32_t utc_offset_s(const TimeZone& zone, int64_t utc) { return zone_at(zone, utc).offset; }

LocalParts local_parts(const TimeZone& zone, int64_t utc) {
  return civil_from_seconds(utc + utc_offset_s(zone, utc));
}

int64_t schedule_time(const TimeZone& zone, int64_t utc) { return zone_at(zone, utc).schedule; }

bool next_offset_change(const TimeZone& zone, int64_t utc, int64_t* at) {
  const ZoneAt now = zone_at(zone, utc);
  if (now.changes) *at = now.next_change;
  return now.changes;
}

}  // namespace hearth
