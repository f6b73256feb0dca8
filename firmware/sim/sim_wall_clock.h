// The simulator's world clock, which it tells the core as SNTP would (firmware/README.md
// "Simulated thermostat"): UTC that starts at the host's time (or --time) and runs with the
// simulated clock, so --speed scales it too, and that the stdin commands `time` and `dst` move.
// Local time is read through the thermostat's own time zone rules (the core's time_zone.h), so
// that the simulator and the thermostat cannot disagree about what "06:59" means.
#pragma once
#include <stdint.h>

#include <functional>
#include <string>

namespace hearth {

// "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", then optionally "Z": the seconds since 1970 of that
// date and time read as UTC (a local time is read so too: "local seconds"), and whether it ended
// in Z. False for anything else, including dates that do not exist (2026-02-30).
bool parse_iso_time(const std::string& text, int64_t* seconds, bool* utc);

// "2026-12-24T06:59:00" for seconds since 1970 read as UTC (add "Z" for a UTC time).
std::string iso_time(int64_t seconds);

// A zone's offsets as the core computes them: seconds added to UTC for local time, and the
// first UTC second after `utc` at which the offset changes (false when it never does).
struct ZoneRules {
  std::function<int32_t(int64_t utc)> offset_at;
  std::function<bool(int64_t utc, int64_t* change)> next_change;
};

enum class LocalTime : uint8_t { found, skipped };

// The UTC second at which local time reads `local` (local seconds, see parse_iso_time): the first
// of the two in a repeated stretch (autumn); `skipped` for a time that local time jumps over
// (spring).
LocalTime utc_of_local_time(const ZoneRules& zone, int64_t local, int64_t* utc);

// Simulated UTC in milliseconds, running with the simulated clock (`sim_ms`, never wrapping).
class SimWallClock {
 public:
  SimWallClock(int64_t utc_ms, uint64_t sim_ms) { set_ms(utc_ms, sim_ms); }
  int64_t utc_ms(uint64_t sim_ms) const { return base_utc_ms_ + int64_t(sim_ms - base_sim_ms_); }
  // Whole seconds, rounded down (what an SNTP answer gives the core).
  int64_t utc_s(uint64_t sim_ms) const;
  void set_ms(int64_t utc_ms, uint64_t sim_ms) {
    base_utc_ms_ = utc_ms;
    base_sim_ms_ = sim_ms;
  }

 private:
  int64_t base_utc_ms_ = 0;
  uint64_t base_sim_ms_ = 0;
};

}  // namespace hearth
