// docs/protocol.md "The wall clock": a reading asked for a moment before the last sync. On the
// device an SNTP answer can reach the core between a caller's reading of millis() and its use
// (the glue now hands answers over between calls, but the core must not depend on it).
#include <doctest/doctest.h>

#include "wall_clock.h"

using namespace hearth;

TEST_CASE("wall clock: a moment before the last sync reads as the synced time, never the range's end") {
  WallClock clock;
  REQUIRE(clock.set_from_sntp(1796601600, 10000));
  int64_t utc = 0;
  REQUIRE(clock.read(9000, &utc));
  CHECK(utc == 1796601600);
  REQUIRE(clock.read(0, &utc));
  CHECK(utc == 1796601600);
  REQUIRE(clock.read(12999, &utc));
  CHECK(utc == 1796601602);
}
