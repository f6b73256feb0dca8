// The simulator's `time` and `--time` (firmware/README.md "Simulated thermostat"): the ISO
// times it reads, and a local time turned into UTC through the core's own time zone rules, the
// first pass of a repeated stretch taken and a skipped one refused (docs/protocol.md "Time zones").
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "sim_wall_clock.h"
#include "time_zone.h"

using namespace hearth;

namespace {

struct IsoCase {
  const char* text;
  bool accepted;
  int64_t seconds;
  bool utc;
};

const IsoCase kIsoCases[] = {
    {"2026-12-24T06:59", true, 1798095540, false},
    {"2026-12-24T06:59:30", true, 1798095570, false},
    {"2026-12-24T06:59Z", true, 1798095540, true},
    {"2026-12-24T06:59:30Z", true, 1798095570, true},
    {"2028-02-29T00:00", true, 1835395200, false},
    {"2026-02-29T00:00", false, 0, false},
    {"2026-04-31T00:00", false, 0, false},
    {"2026-13-01T00:00", false, 0, false},
    {"2026-12-24T24:00", false, 0, false},
    {"2026-12-24T06:60", false, 0, false},
    {"2026-12-24T06:59:60", false, 0, false},
    {"2026-12-24 06:59", false, 0, false},
    {"2026-12-24T6:59", false, 0, false},
    {"2026-12-24T06:59z", false, 0, false},
    {"2026-12-24T06:59Z ", false, 0, false},
    {"2026-12-24T06:59+01:00", false, 0, false},
    {"2026-12-24", false, 0, false},
    {"", false, 0, false},
};

TimeZone zone(const char* text) {
  TimeZone out{};
  REQUIRE(parse_time_zone(text, strlen(text), &out));
  return out;
}

ZoneRules rules_of(const TimeZone& z) {
  return {[&z](int64_t utc) { return utc_offset_s(z, utc); },
          [&z](int64_t utc, int64_t* change) { return next_offset_change(z, utc, change); }};
}

int64_t local(const char* text) {
  int64_t seconds = 0;
  bool utc = true;
  REQUIRE(parse_iso_time(text, &seconds, &utc));
  REQUIRE_FALSE(utc);
  return seconds;
}

struct LocalCase {
  const char* zone;
  const char* local;
  LocalTime found;
  int64_t utc;
  const char* why;
};

const LocalCase kLocalCases[] = {
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-07-01T12:00", LocalTime::found, 1782900000, "summer: UTC+2"},
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-10-25T02:30", LocalTime::found, 1792888200,
     "autumn's repeated stretch: the first pass (CEST)"},
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T02:30", LocalTime::skipped, 0, "spring's gap"},
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T02:00", LocalTime::skipped, 0, "the first second of the gap"},
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T01:59:59", LocalTime::found, 1774745999, "just before the gap"},
    {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T03:00", LocalTime::found, 1774746000, "just after the gap"},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2026-04-05T02:30", LocalTime::found, 1775316600,
     "southern autumn: the first pass (AEDT)"},
    {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2026-10-04T02:30", LocalTime::skipped, 0, "southern spring's gap"},
    {"<+0530>-5:30", "2026-01-01T00:00", LocalTime::found, 1767205800, "no DST, half an hour"},
    {"UTC0", "2026-12-24T06:59", LocalTime::found, 1798095540, "UTC"},
};

}  // namespace

TEST_CASE("sim wall clock: the ISO times `time` and --time take") {
  for (const IsoCase& c : kIsoCases) {
    CAPTURE(c.text);
    int64_t seconds = -1;
    bool utc = false;
    CHECK(parse_iso_time(c.text, &seconds, &utc) == c.accepted);
    if (!c.accepted) continue;
    CHECK(seconds == c.seconds);
    CHECK(utc == c.utc);
    // And back: iso_time writes the seconds always, the Z never.
    const std::string text = c.text;
    const std::string without_z = c.utc ? text.substr(0, text.size() - 1) : text;
    CHECK(iso_time(seconds) == (without_z.size() == 16 ? without_z + ":00" : without_z));
  }
}

TEST_CASE("sim wall clock: a local time in UTC, through the thermostat's time zone") {
  for (const LocalCase& c : kLocalCases) {
    CAPTURE(c.zone);
    CAPTURE(c.local);
    CAPTURE(c.why);
    const TimeZone z = zone(c.zone);
    int64_t utc = -1;
    CHECK(utc_of_local_time(rules_of(z), local(c.local), &utc) == c.found);
    if (c.found == LocalTime::found) CHECK(utc == c.utc);
  }
}

TEST_CASE("sim wall clock: runs with the simulated clock") {
  SimWallClock wall(1798095540000, 5000);
  CHECK(wall.utc_s(5000) == 1798095540);
  CHECK(wall.utc_s(5999) == 1798095540);
  CHECK(wall.utc_s(6000) == 1798095541);
  wall.set_ms(1792888200000, 7000);
  CHECK(wall.utc_s(7000 + 3600000) == 1792888200 + 3600);
}
