#include "reconnect.h"

namespace hearth {

ReconnectPolicy::ReconnectPolicy(Random& random, Millis now, const ReconnectConfig& config)
    : random_(random),
      config_(config),
      clock_(now),
      ceiling_ms_(config.first_delay_ms > 0 ? config.first_delay_ms : 1) {}

bool ReconnectPolicy::should_attempt(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ == Phase::connecting && t - phase_since_ >= config_.attempt_timeout_ms) {
    ++failures_;
    schedule_wait(t);
  }
  return phase_ == Phase::waiting && t - phase_since_ >= wait_ms_;
}

void ReconnectPolicy::attempt_started(Millis now) {
  phase_ = Phase::connecting;
  phase_since_ = clock_.advance(now);
  logged_on_ = false;
}

void ReconnectPolicy::attempt_failed(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ != Phase::connecting) return;
  ++failures_;
  schedule_wait(t);
}

void ReconnectPolicy::link_opened(Millis now) {
  // Also from waiting: a slow connect the timeout gave up on that opened after all.
  phase_ = Phase::open;
  phase_since_ = clock_.advance(now);
  logged_on_ = false;
}

void ReconnectPolicy::logged_on(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ != Phase::open || logged_on_) return;
  logged_on_ = true;
  logged_on_at_ = t;
}

void ReconnectPolicy::link_closed(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ == Phase::waiting) return;
  if (phase_ == Phase::open && logged_on_ && t - logged_on_at_ >= config_.stable_after_ms) {
    ceiling_ms_ = config_.first_delay_ms > 0 ? config_.first_delay_ms : 1;
    failures_ = 0;
  } else {
    ++failures_;
  }
  schedule_wait(t);
}

void ReconnectPolicy::restart(Millis now) {
  phase_ = Phase::waiting;
  phase_since_ = clock_.advance(now);
  wait_ms_ = 0;
  ceiling_ms_ = config_.first_delay_ms > 0 ? config_.first_delay_ms : 1;
  failures_ = 0;
  logged_on_ = false;
}

void ReconnectPolicy::schedule_wait(uint64_t now) {
  wait_ms_ = jittered(ceiling_ms_);
  ceiling_ms_ = ceiling_ms_ >= config_.max_delay_ms / 2 ? config_.max_delay_ms : ceiling_ms_ * 2;
  if (ceiling_ms_ == 0) ceiling_ms_ = 1;
  phase_ = Phase::waiting;
  phase_since_ = now;
  logged_on_ = false;
}

// Full jitter over the upper half, [ceiling/2, ceiling], so that thermostats
// dropped by one broker restart do not all return in the same instant, while
// none comes back sooner than half the delay. Without randomness (the source
// not ready) the whole ceiling: never sooner.
uint32_t ReconnectPolicy::jittered(uint32_t ceiling) {
  const uint32_t half = ceiling / 2;
  uint8_t bytes[4];
  if (random_.fill(bytes, sizeof bytes) != Error::none) return ceiling;
  const uint32_t draw = uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 |
                        uint32_t(bytes[3]) << 24;
  const uint32_t span = ceiling - half + 1;  // ceiling < 2^32, so no overflow
  return half + draw % span;
}

}  // namespace hearth
