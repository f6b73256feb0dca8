// The thermostat's wall clock (docs/protocol.md "The wall clock"): whole seconds since 1970 UTC,
// counted on from the core's monotonic clock between syncs. SNTP is always taken; an app's SET
// `time` only while no SNTP answer came in the last 24 hours, so that the broker, or an app with a
// wrong clock, cannot pull a clock that SNTP keeps. A time outside SET's range is ignored.
#pragma once
#include "core_types.h"

namespace hearth {

constexpr int64_t kMinWallTime = 1704067200;  // 2024-01-01T00:00:00Z
constexpr int64_t kMaxWallTime = 4102444799;  // 2099-12-31T23:59:59Z
constexpr uint64_t kSntpTrustedMs = 24ull * 3600 * 1000;

// STATE's `clock`: where the time came from, none while it is unknown.
enum class ClockSource : uint8_t { none, sntp, app };
const char* clock_source_name(ClockSource source);  // nullptr for none

inline bool wall_time_in_range(int64_t utc) { return utc >= kMinWallTime && utc <= kMaxWallTime; }

class WallClock {
 public:
  // `now` is the core's monotonic milliseconds (MonotonicClock::elapsed), so that no wrap of the
  // 32-bit millis() moves the wall clock. Each returns whether the time was taken.
  bool set_from_sntp(int64_t utc, uint64_t now);
  bool set_from_app(int64_t utc, uint64_t now);
  // Whether an app's time would be taken now.
  bool app_time_allowed(uint64_t now) const;

  bool known() const { return source_ != ClockSource::none; }
  ClockSource source() const { return source_; }
  // The time at `now`, false while unknown; a `now` before the last sync reads as its time.
  bool read(uint64_t now, int64_t* utc) const;
  // The monotonic ms at which the clock, as it now counts, reached `utc` (0 for a moment before
  // boot); only while known.
  uint64_t monotonic_at(int64_t utc) const;

 private:
  void set(int64_t utc, uint64_t now, ClockSource source);

  ClockSource source_ = ClockSource::none;
  int64_t synced_utc_ = 0;
  uint64_t synced_at_ = 0;  // monotonic ms of the sync
  bool sntp_heard_ = false;
  uint64_t sntp_at_ = 0;
};

}  // namespace hearth
