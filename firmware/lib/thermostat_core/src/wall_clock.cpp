#include "wall_clock.h"

namespace hearth {

const char* clock_source_name(ClockSource source) {
  switch (source) {
    case ClockSource::sntp: return "sntp";
    case ClockSource::app: return "app";
    case ClockSource::none: break;
  }
  return nullptr;
}

void WallClock::set(int64_t utc, uint64_t now, ClockSource source) {
  synced_utc_ = utc;
  synced_at_ = now;
  source_ = source;
}

bool WallClock::set_from_sntp(int64_t utc, uint64_t now) {
  if (!wall_time_in_range(utc)) return false;
  set(utc, now, ClockSource::sntp);
  sntp_heard_ = true;
  sntp_at_ = now;
  return true;
}

bool WallClock::app_time_allowed(uint64_t now) const {
  return !sntp_heard_ || now - sntp_at_ >= kSntpTrustedMs;
}

bool WallClock::set_from_app(int64_t utc, uint64_t now) {
  if (!wall_time_in_range(utc) || !app_time_allowed(now)) return false;
  set(utc, now, ClockSource::app);
  return true;
}

bool WallClock::read(uint64_t now, int64_t* utc) const {
  if (!known()) return false;
  // A moment before the sync (a caller's `now` taken before an SNTP answer it then saw arrive)
  // reads as the synced time, never as an unsigned wrap to the range's end. A clock counted on
  // past the range's end (decades of uptime) stays within it.
  const uint64_t seconds = now > synced_at_ ? (now - synced_at_) / 1000 : 0;
  const uint64_t room = static_cast<uint64_t>(kMaxWallTime - synced_utc_);
  *utc = synced_utc_ + static_cast<int64_t>(seconds < room ? seconds : room);
  return true;
}

uint64_t WallClock::monotonic_at(int64_t utc) const {
  if (utc >= synced_utc_) return synced_at_ + uint64_t(utc - synced_utc_) * 1000;
  const uint64_t before = uint64_t(synced_utc_ - utc) * 1000;
  return before < synced_at_ ? synced_at_ - before : 0;
}

}  // namespace hearth
