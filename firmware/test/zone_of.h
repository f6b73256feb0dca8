// A time zone the test names by its TZ text; the test fails at once when the text does not parse.
#pragma once
#include <doctest/doctest.h>

#include <cstring>

#include "time_zone.h"

inline hearth::TimeZone zone_of(const char* text) {
  hearth::TimeZone zone{};
  REQUIRE_MESSAGE(hearth::parse_time_zone(text, strlen(text), &zone), text);
  return zone;
}
