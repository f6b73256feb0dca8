// Time zones (docs/protocol.md "Time zones") and the schedule time of "The weekly schedule": the
// grammar accepted and refused, offsets and local dates checked against the tz database, and the
// schedule time across both changes; then every case of protocol/vectors/time.json.
#include <cjson/cJSON.h>
#include <doctest/doctest.h>
#include <string.h>

#include <string>
#include <vector>

#include "time_zone.h"
#include "vectors.h"
#include "zone_of.h"

using namespace hearth;

namespace {

constexpr const char* kBerlin = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr int64_t kBerlinSpring2026 = 1774746000;  // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST
constexpr int64_t kBerlinAutumn2026 = 1792890000;  // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET

}  // namespace

TEST_CASE("time zone: the texts 'Time zones' accepts, with their offsets and rules") {
  struct Row {
    const char* text;
    int32_t std_offset_s, dst_offset_s;
    bool has_dst;
    TzRule start, end;
  };
  const Row rows[] = {
      {"UTC0", 0, 0, false, {}, {}},
      {"CET-1CEST,M3.5.0,M10.5.0/3", 3600, 7200, true, {3, 5, 0, 7200}, {10, 5, 0, 10800}},
      {"GMT0BST,M3.5.0/1,M10.5.0", 0, 3600, true, {3, 5, 0, 3600}, {10, 5, 0, 7200}},
      {"EST5EDT,M3.2.0,M11.1.0", -18000, -14400, true, {3, 2, 0, 7200}, {11, 1, 0, 7200}},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", 36000, 39600, true, {10, 1, 0, 7200}, {4, 1, 0, 10800}},
      {"<+0530>-5:30", 19800, 19800, false, {}, {}},
      {"IST-1GMT0,M10.5.0,M3.5.0/1", 3600, 0, true, {10, 5, 0, 7200}, {3, 5, 0, 3600}},
      {"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", -10800, -7200, true, {3, 5, 0, -7200}, {10, 5, 0, -3600}},
      {"EST+5EDT+4:00:00,M3.2.0/2:00:00,M11.1.0/02:00:00", -18000, -14400, true, {3, 2, 0, 7200},
       {11, 1, 0, 7200}},
      {"AAA+24", -86400, -86400, false, {}, {}},
      {"ABCDEF-24:59:59", 89999, 89999, false, {}, {}},
      {"<+1234>-1:2:3", 3723, 3723, false, {}, {}},
      {"XXX0YYY,M12.5.6/167,M01.1.1/-167:59:59", 0, 3600, true, {12, 5, 6, 601200},
       {1, 1, 1, -604799}},
      {"XXX3:30YYY2:15:20,M2.5.1/5:07:09,M11.3.2/22:45", -12600, -8120, true, {2, 5, 1, 18429},
       {11, 3, 2, 81900}},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    const TimeZone zone = zone_of(row.text);
    CHECK(zone.std_offset_s == row.std_offset_s);
    CHECK(zone.dst_offset_s == row.dst_offset_s);
    CHECK(zone.has_dst == row.has_dst);
    CHECK(strcmp(zone.text, row.text) == 0);
    if (!row.has_dst) continue;
    CHECK(zone.start.month == row.start.month);
    CHECK(zone.start.week == row.start.week);
    CHECK(zone.start.weekday == row.start.weekday);
    CHECK(zone.start.time_s == row.start.time_s);
    CHECK(zone.end.month == row.end.month);
    CHECK(zone.end.week == row.end.week);
    CHECK(zone.end.weekday == row.end.weekday);
    CHECK(zone.end.time_s == row.end.time_s);
  }
}

TEST_CASE("time zone: 64 bytes are accepted, 65 refused") {
  const char* text = "ABCDEF-10:30:00GHIJKL-11:30:00,M10.1.0/02:00:00,M04.1.0/03:00:00";
  const char* longer = "ABCDEF-10:30:00GHIJKL-11:30:00,M10.1.0/02:00:00,M04.1.0/003:00:00";
  REQUIRE(strlen(text) == kMaxTimeZoneBytes);
  REQUIRE(strlen(longer) == kMaxTimeZoneBytes + 1);
  TimeZone zone{};
  CHECK(parse_time_zone(text, strlen(text), &zone));
  CHECK(zone.text[kMaxTimeZoneBytes] == '\0');
  CHECK_FALSE(parse_time_zone(longer, strlen(longer), &zone));
}

TEST_CASE("time zone: every other text is refused") {
  const char* refused[] = {
      "", "UTC", "UT0", "ABCDEFG0", "<+05>", "<+5>-5", "<+1234567>0", "<+05-5", "<+0_5>-5",
      "C3T-1", "UTC25", "UTC-25", "UTC0:60", "UTC0:0:60", "UTC123", "UTC+", "UTC-", "UTC0:",
      "UTC0:1:", "UTC0:123", "UTC 0", "UTC0 ", " UTC0", "utc0\n",
      "CET-1CEST",                         // a dst name without rules
      "CET-1CEST-2",                       // nor with an offset and no rules
      "CET-1CEST,M3.5.0",                  // one rule
      "CET-1CEST,M3.5.0,M10.5.0,",         // anything after the rules
      "CET-1CEST,M3.5.0,M10.5.0/3x",
      "CET-1CEST,M3.5.0,M10.5.0/3 ",
      "CET-1,M3.5.0,M10.5.0",              // rules without a dst name
      "CET-1CEST,J60,M10.5.0",             // Jn
      "CET-1CEST,60,300",                  // n
      "CET-1CEST,M0.5.0,M10.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.0.0,M10.5.0",
      "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.5,M10.5.0",
      "CET-1CEST,M3.5.0/168,M10.5.0", "CET-1CEST,M3.5.0/-168,M10.5.0", "CET-1CEST,M3.5.0/,M10.5.0",
      "CET-1CEST,M3.5.0/1:60,M10.5.0", "CET-1CEST;M3.5.0,M10.5.0", "CET-1CEST25,M3.5.0,M10.5.0",
      "CET-1CEST,M003.5.0,M10.5.0",
  };
  for (const char* text : refused) {
    INFO(text);
    TimeZone zone{};
    CHECK_FALSE(parse_time_zone(text, strlen(text), &zone));
  }
  TimeZone zone{};
  CHECK_FALSE(parse_time_zone("UTC0\0", 5, &zone));  // a NUL inside the text given
  CHECK_FALSE(parse_time_zone(nullptr, 0, &zone));
}

TEST_CASE("time zone: offsets, local dates and the next change agree with the tz database") {
  // Expected values from Python's zoneinfo for the matching tz database zones (Europe/Berlin,
  // Europe/London, America/New_York, Australia/Sydney, Asia/Kolkata, Europe/Dublin); -1: no change.
  struct Row {
    const char* zone;
    int64_t utc;
    int32_t offset;
    LocalParts local;
    int64_t next;
  };
  const Row rows[] = {
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1780272000, 7200, {2026, 6, 1, 2, 0, 0, 0}, 1792890000},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1768478400, 3600, {2026, 1, 15, 13, 0, 0, 3}, 1774746000},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1774745999, 3600, {2026, 3, 29, 1, 59, 59, 6}, 1774746000},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1774746000, 7200, {2026, 3, 29, 3, 0, 0, 6}, 1792890000},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1792889999, 7200, {2026, 10, 25, 2, 59, 59, 6}, 1792890000},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1792890000, 3600, {2026, 10, 25, 2, 0, 0, 6}, 1806195600},
    {"CET-1CEST,M3.5.0,M10.5.0/3", 1835479800, 3600, {2028, 3, 1, 0, 30, 0, 2}, 1837645200},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1780272000, 3600, {2026, 6, 1, 1, 0, 0, 0}, 1792890000},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1768478400, 0, {2026, 1, 15, 12, 0, 0, 3}, 1774746000},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1774745999, 0, {2026, 3, 29, 0, 59, 59, 6}, 1774746000},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1774746000, 3600, {2026, 3, 29, 2, 0, 0, 6}, 1792890000},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1792889999, 3600, {2026, 10, 25, 1, 59, 59, 6}, 1792890000},
    {"GMT0BST,M3.5.0/1,M10.5.0", 1792890000, 0, {2026, 10, 25, 1, 0, 0, 6}, 1806195600},
    {"EST5EDT,M3.2.0,M11.1.0", 1780272000, -14400, {2026, 5, 31, 20, 0, 0, 6}, 1793512800},
    {"EST5EDT,M3.2.0,M11.1.0", 1768478400, -18000, {2026, 1, 15, 7, 0, 0, 3}, 1772953200},
    {"EST5EDT,M3.2.0,M11.1.0", 1772953199, -18000, {2026, 3, 8, 1, 59, 59, 6}, 1772953200},
    {"EST5EDT,M3.2.0,M11.1.0", 1772953200, -14400, {2026, 3, 8, 3, 0, 0, 6}, 1793512800},
    {"EST5EDT,M3.2.0,M11.1.0", 1793512799, -14400, {2026, 11, 1, 1, 59, 59, 6}, 1793512800},
    {"EST5EDT,M3.2.0,M11.1.0", 1793512800, -18000, {2026, 11, 1, 1, 0, 0, 6}, 1805007600},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1780272000, 36000, {2026, 6, 1, 10, 0, 0, 0}, 1791043200},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1768478400, 39600, {2026, 1, 15, 23, 0, 0, 3}, 1775318400},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1775318399, 39600, {2026, 4, 5, 2, 59, 59, 6}, 1775318400},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1775318400, 36000, {2026, 4, 5, 2, 0, 0, 6}, 1791043200},
    {"<+0530>-5:30", 1780272000, 19800, {2026, 6, 1, 5, 30, 0, 0}, -1},
    {"<+0530>-5:30", 1768478400, 19800, {2026, 1, 15, 17, 30, 0, 3}, -1},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1780272000, 3600, {2026, 6, 1, 1, 0, 0, 0}, 1792890000},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1768478400, 0, {2026, 1, 15, 12, 0, 0, 3}, 1774746000},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1774745999, 0, {2026, 3, 29, 0, 59, 59, 6}, 1774746000},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1774746000, 3600, {2026, 3, 29, 2, 0, 0, 6}, 1792890000},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1792889999, 3600, {2026, 10, 25, 1, 59, 59, 6}, 1792890000},
    {"IST-1GMT0,M10.5.0,M3.5.0/1", 1792890000, 0, {2026, 10, 25, 1, 0, 0, 6}, 1806195600},
    {"UTC0", 1780272000, 0, {2026, 6, 1, 0, 0, 0, 0}, -1},
    {"UTC0", 4102444799, 0, {2099, 12, 31, 23, 59, 59, 3}, -1},
    {"UTC0", 1704067200, 0, {2024, 1, 1, 0, 0, 0, 0}, -1},
    {"UTC0", 4107542399, 0, {2100, 2, 28, 23, 59, 59, 6}, -1},  // 2100 is not a leap year
    {"UTC0", 4107542400, 0, {2100, 3, 1, 0, 0, 0, 0}, -1},
    {"UTC0", 0, 0, {1970, 1, 1, 0, 0, 0, 3}, -1},
  };
  for (const Row& row : rows) {
    INFO(row.zone);
    CAPTURE(row.utc);
    const TimeZone zone = zone_of(row.zone);
    CHECK(utc_offset_s(zone, row.utc) == row.offset);
    const LocalParts local = local_parts(zone, row.utc);
    CHECK(local.year == row.local.year);
    CHECK(local.month == row.local.month);
    CHECK(local.day == row.local.day);
    CHECK(local.hour == row.local.hour);
    CHECK(local.minute == row.local.minute);
    CHECK(local.second == row.local.second);
    CHECK(local.weekday == row.local.weekday);
    int64_t next = -1;
    CHECK(next_offset_change(zone, row.utc, &next) == (row.next != -1));
    CHECK(next == row.next);
  }
}

TEST_CASE("time zone: days_from_civil and civil_from_seconds are inverse from 1970 to 2400") {
  int64_t days = 0;
  for (int32_t year = 1970; year <= 2400; ++year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const uint8_t month_days[] = {31, static_cast<uint8_t>(leap ? 29 : 28), 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    for (uint8_t month = 1; month <= 12; ++month) {
      for (uint8_t day = 1; day <= month_days[month - 1]; ++day, ++days) {
        if (days_from_civil(year, month, day) != days) {
          FAIL_CHECK(year << "-" << int(month) << "-" << int(day));
          return;
        }
        const LocalParts parts = civil_from_seconds(days * 86400 + 86399);
        if (parts.year != year || parts.month != month || parts.day != day ||
            parts.weekday != (days + 3) % 7 || parts.hour != 23 || parts.second != 59) {
          FAIL_CHECK(year << "-" << int(month) << "-" << int(day));
          return;
        }
      }
    }
  }
  CHECK(civil_from_seconds(-1).year == 1969);
  CHECK(civil_from_seconds(-1).weekday == 2);  // 1969-12-31 was a Wednesday
}

TEST_CASE("time zone: the schedule time stands still over the repeated hour and jumps the skipped one") {
  struct Row {
    const char* zone;
    int64_t utc;
    int64_t schedule;  // as utc + seconds
  };
  const int64_t spring = kBerlinSpring2026, autumn = kBerlinAutumn2026;
  const Row rows[] = {
      {kBerlin, spring - 1, spring - 1 + 3600},           // 01:59:59 CET
      {kBerlin, spring, spring + 7200},                   // 03:00:00 CEST: 02:xx is skipped
      {kBerlin, autumn - 1, autumn - 1 + 7200},           // 02:59:59 CEST
      {kBerlin, autumn, autumn - 1 + 7200},               // 02:00 CET: still 02:59:59
      {kBerlin, autumn + 1800, autumn - 1 + 7200},
      {kBerlin, autumn + 3599, autumn - 1 + 7200},        // 02:59:59 CET, the second pass
      {kBerlin, autumn + 3600, autumn + 3600 + 3600},     // 03:00 CET: on again
      {kBerlin, autumn + 86400, autumn + 86400 + 3600},
      // Ireland: winter is the "DST" and an hour behind; its changes are the same moments.
      {"IST-1GMT0,M10.5.0,M3.5.0/1", spring, spring + 3600},
      {"IST-1GMT0,M10.5.0,M3.5.0/1", autumn, autumn - 1 + 3600},
      {"IST-1GMT0,M10.5.0,M3.5.0/1", autumn + 3599, autumn - 1 + 3600},
      {"IST-1GMT0,M10.5.0,M3.5.0/1", autumn + 3600, autumn + 3600},
      // Sydney: back at 2026-04-05 03:00 AEDT (16:00 UTC the day before).
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1775318400, 1775318399 + 39600},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", 1775318400 + 3600, 1775318400 + 3600 + 36000},
      {"UTC0", 1780272000, 1780272000},
      {"<+0530>-5:30", 1780272000, 1780272000 + 19800},
  };
  for (const Row& row : rows) {
    INFO(row.zone);
    CAPTURE(row.utc);
    CHECK(schedule_time(zone_of(row.zone), row.utc) == row.schedule);
  }
}

TEST_CASE("time zone: the schedule time never decreases, second by second across the changes") {
  const char* zones[] = {kBerlin, "IST-1GMT0,M10.5.0,M3.5.0/1", "AEST-10AEDT,M10.1.0,M4.1.0/3",
                         "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"};
  for (const char* text : zones) {
    INFO(text);
    const TimeZone zone = zone_of(text);
    int64_t change = 1767225600;  // 2026-01-01
    for (int i = 0; i < 4 && next_offset_change(zone, change, &change); ++i) {
      int64_t last = schedule_time(zone, change - 7200);
      for (int64_t t = change - 7199; t < change + 7200; ++t) {
        const int64_t now = schedule_time(zone, t);
        if (now < last) {
          FAIL_CHECK(t);
          break;
        }
        last = now;
      }
    }
  }
}

namespace {

int64_t integer_of(const cJSON* object, const char* name) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  REQUIRE_MESSAGE(cJSON_IsNumber(item), name);
  return static_cast<int64_t>(item->valuedouble);
}

// The "text" strings of time.json in file order, decoded with their length: cJSON ends its copy at
// a NUL, and one case is "UTC0\u0000".
std::vector<std::string> texts_with_their_length(const std::string& raw) {
  std::vector<std::string> texts;
  const std::string key = "\"text\":\"";
  for (size_t at = raw.find(key); at != std::string::npos; at = raw.find(key, at)) {
    at += key.size();
    std::string text;
    while (at < raw.size() && raw[at] != '"') {
      char c = raw[at++];
      if (c == '\\') {
        const char e = raw[at++];
        if (e == 'u') {
          const unsigned unit = static_cast<unsigned>(std::stoul(raw.substr(at, 4), nullptr, 16));
          at += 4;
          if (unit < 0x80) {
            text += static_cast<char>(unit);
          } else {  // two bytes of UTF-8 are all the vectors use
            REQUIRE(unit < 0x800);
            text += static_cast<char>(0xC0 | (unit >> 6));
            text += static_cast<char>(0x80 | (unit & 0x3F));
          }
          continue;
        }
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
      }
      text += c;
    }
    texts.push_back(text);
  }
  return texts;
}

void check_rule(const cJSON* rule, const TzRule& got) {
  CHECK(got.month == integer_of(rule, "month"));
  CHECK(got.week == integer_of(rule, "week"));
  CHECK(got.weekday == integer_of(rule, "weekday"));
  CHECK(got.time_s == integer_of(rule, "time"));
}

}  // namespace

TEST_CASE("time zone vectors: every text of time.json, accepted or refused as the contract says") {
  const std::string raw = read_vector_file("time.json");
  cJSON* root = cJSON_Parse(raw.c_str());
  REQUIRE(root != nullptr);
  const cJSON* cases = cJSON_GetObjectItemCaseSensitive(root, "texts");
  const std::vector<std::string> texts = texts_with_their_length(raw);
  REQUIRE(cJSON_GetArraySize(cases) == static_cast<int>(texts.size()));
  REQUIRE(texts.size() > 50);
  size_t index = 0;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, cases) {
    const std::string& text = texts[index++];
    INFO(cJSON_GetObjectItemCaseSensitive(item, "name")->valuestring);
    const std::string as_cjson = cJSON_GetObjectItemCaseSensitive(item, "text")->valuestring;
    REQUIRE(text.substr(0, as_cjson.size()) == as_cjson);  // the same case, in the same order
    TimeZone zone{};
    const bool accepted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "accepted"));
    REQUIRE(parse_time_zone(text.data(), text.size(), &zone) == accepted);
    if (!accepted) continue;
    CHECK(zone.text == text);
    CHECK(zone.std_offset_s == integer_of(item, "std_offset"));
    const cJSON* dst = cJSON_GetObjectItemCaseSensitive(item, "dst");
    CHECK(zone.has_dst == !cJSON_IsNull(dst));
    if (!zone.has_dst) continue;
    CHECK(zone.dst_offset_s == integer_of(dst, "offset"));
    check_rule(cJSON_GetObjectItemCaseSensitive(dst, "start"), zone.start);
    check_rule(cJSON_GetObjectItemCaseSensitive(dst, "end"), zone.end);
  }
  cJSON_Delete(root);
}

TEST_CASE("time zone vectors: every instant of time.json: offset, local time, schedule time, next change") {
  cJSON* root = cJSON_Parse(read_vector_file("time.json").c_str());
  REQUIRE(root != nullptr);
  const cJSON* cases = cJSON_GetObjectItemCaseSensitive(root, "instants");
  REQUIRE(cJSON_GetArraySize(cases) > 100);
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, cases) {
    INFO(cJSON_GetObjectItemCaseSensitive(item, "name")->valuestring);
    const char* text = cJSON_GetObjectItemCaseSensitive(item, "zone")->valuestring;
    const TimeZone zone = zone_of(text);
    const int64_t utc = integer_of(item, "utc");
    CHECK(utc_offset_s(zone, utc) == integer_of(item, "offset"));
    const cJSON* local = cJSON_GetObjectItemCaseSensitive(item, "local");
    const LocalParts parts = local_parts(zone, utc);
    CHECK(parts.year == integer_of(local, "year"));
    CHECK(parts.month == integer_of(local, "month"));
    CHECK(parts.day == integer_of(local, "day"));
    CHECK(parts.hour == integer_of(local, "hour"));
    CHECK(parts.minute == integer_of(local, "minute"));
    CHECK(parts.second == integer_of(local, "second"));
    CHECK(parts.weekday == integer_of(local, "weekday"));
    CHECK(schedule_time(zone, utc) == integer_of(item, "schedule_time"));
    const cJSON* next = cJSON_GetObjectItemCaseSensitive(item, "next_offset_change");
    int64_t at = -1;
    REQUIRE(next_offset_change(zone, utc, &at) == !cJSON_IsNull(next));
    if (!cJSON_IsNull(next)) CHECK(at == integer_of(item, "next_offset_change"));
  }
  cJSON_Delete(root);
}
