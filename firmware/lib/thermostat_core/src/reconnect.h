// When to (re)connect to the broker: exponential backoff with jitter
// (docs/protocol.md "Staying connected"). The device's glue and the simulator
// both drive their links from it, so the e2e tests see the device's schedule.
//
// Every failure spaces the next attempt further: a connect that fails (DNS,
// TCP, TLS, the HTTP upgrade), one that is never heard of again (the attempt
// timeout: the glue need not notice every way a connect can die), and a link
// that drops before it was logged on for `stable_after_ms`, so that a broker
// that accepts and drops at once is backed off too. Only such a stable link
// brings the delay back to `first_delay_ms`.
//
//   loop:  if (policy.should_attempt(now)) { start a connect; policy.attempt_started(now); }
//   events: attempt_failed / link_opened / logged_on / link_closed, each with the time.
//
// Call should_attempt() on every pass of the loop, link up or not: it is also
// what keeps the policy's clock, so that a link up for months is timed right
// across the 49.7-day wrap of the 32-bit milliseconds.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

struct ReconnectConfig {
  uint32_t first_delay_ms = 1000;
  uint32_t max_delay_ms = 30000;
  // An attempt neither opened nor failed this long after it started counts as
  // failed. On the device one blocking connect may outlast it (DNS, TCP and TLS
  // each have their own bound: firmware/README.md "What blocks, and for how
  // long"); a link that opens after all is still taken.
  uint32_t attempt_timeout_ms = 15000;
  // Logged on and up this long: the link was good, the next wait starts over.
  uint32_t stable_after_ms = 60000;
};

class ReconnectPolicy {
 public:
  enum class Phase : uint8_t { waiting, connecting, open };

  // The first attempt is due at once.
  ReconnectPolicy(Random& random, Millis now, const ReconnectConfig& config = ReconnectConfig());

  // True when a connect should start now: no link and no attempt under way,
  // and the wait is over. An attempt past its timeout is counted as failed
  // here (and its wait starts).
  bool should_attempt(Millis now);
  void attempt_started(Millis now);
  // The connect under way failed before the link opened. Ignored unless an
  // attempt is under way, so a failure reported after the timeout counted it
  // is not counted twice.
  void attempt_failed(Millis now);
  void link_opened(Millis now);
  // The broker acknowledged the logon.
  void logged_on(Millis now);
  // The link closed (or, before it opened, the attempt failed).
  void link_closed(Millis now);
  // A new broker (or network): what failed before says nothing about it. The
  // next attempt is due at once and the delays start again from the first.
  void restart(Millis now);

  Phase phase() const { return phase_; }
  // The wait before the next attempt, jitter included, while waiting.
  uint32_t wait_ms() const { return wait_ms_; }
  // The ceiling the next failure's wait is drawn under: [ceiling/2, ceiling].
  uint32_t next_ceiling_ms() const { return ceiling_ms_; }
  // Failed attempts and unstable links since the last stable one.
  uint32_t failures() const { return failures_; }

 private:
  void schedule_wait(uint64_t now);
  void enter(Phase phase, uint64_t t);
  uint32_t first_ceiling() const;
  uint32_t jittered(uint32_t ceiling);

  Random& random_;
  ReconnectConfig config_;
  MonotonicClock clock_;
  Phase phase_ = Phase::waiting;
  uint64_t phase_since_ = 0;
  uint32_t wait_ms_ = 0;
  uint32_t ceiling_ms_;
  uint32_t failures_ = 0;
  bool logged_on_ = false;
  uint64_t logged_on_at_ = 0;
};

}  // namespace hearth
