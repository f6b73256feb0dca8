#include "reconnect.h"

namespace hearth {

ReconnectPolicy::ReconnectPolicy(Random& random, Millis now, const ReconnectConfig& config)
    : random_(random),
      config_(config),
      clock_(now),
      ceiling_ms_(first_ceiling()) {}

bool ReconnectPolicy::should_attempt(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ == Phase::connecting && t - phase_since_ >= config_.attempt_timeout_ms) {
    ++failures_;
    schedule_wait(t);
  }
  return phase_ == Phase::waiting && t - phase_since_ >= wait_ms_;
}

void ReconnectPolicy::attempt_started(Millis now) {
  enter(Phase::connecting, clock_.advance(now));
}

void ReconnectPolicy::attempt_failed(Millis now) {
  const uint64_t t = clock_.advance(now);
  if (phase_ != Phase::connecting) return;
  ++failures_;
  schedule_wait(t);
}

void ReconnectPolicy::link_opened(Millis now) {
  // Also from waiting: a slow connect the timeout gave up on that opened after all.
  enter(Phase::open, clock_.advance(now));
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
    ceiling_ms_ = first_ceiling();
    failures_ = 0;
  } else {
    ++failures_;
  }
  schedule_wait(t);
}

void ReconnectPolicy::restart(Millis now) {
  enter(Phase::waiting, clock_.advance(now));
  wait_ms_ = 0;
  ceiling_ms_ = first_ceiling();
  failures_ = 0;
}

void ReconnectPolicy::schedule_wait(uint64_t now) {
  wait_ms_ = jittered(ceiling_ms_);
  ceiling_ms_ = ceiling_ms_ >= config_.max_delay_ms / 2 ? config_.max_delay_ms : ceiling_ms_ * 2;
  if (ceiling_ms_ == 0) ceiling_ms_ = 1;
  enter(Phase::waiting, now);
}

// A new phase from t on, not (yet) logged on.
void ReconnectPolicy::enter(Phase phase, uint64_t t) {
  phase_ = phase;
  phase_since_ = t;
  logged_on_ = false;
}

// The first delay's ceiling: config.first_delay_ms, or 1 ms for 0.
uint32_t ReconnectPolicy::first_ceiling() const {
  return config_.first_delay_ms > 0 ? config_.first_delay_ms : 1;
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
