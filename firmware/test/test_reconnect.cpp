// The reconnect policy (reconnect.h; docs/protocol.md "Staying connected") as
// tables: what each way an attempt or a link ends does to the next wait.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fakes.h"
#include "reconnect.h"

using namespace hearth;

namespace {

// No randomness: the policy then waits the whole ceiling, so the tables can
// name exact waits. The jitter has its own tests below.
struct NoRandom final : Random {
  Status fill(uint8_t*, size_t) override { return Error::no_random; }
};

// The same 32-bit draw every time.
struct FixedDraw final : Random {
  uint32_t draw = 0;
  Status fill(uint8_t* out, size_t length) override {
    for (size_t i = 0; i < length; ++i) out[i] = uint8_t(draw >> (8 * (i % 4)));
    return Error::none;
  }
};

enum class Ev { poll, start, fail, open, logon, close };

struct Event {
  Ev what;
  uint32_t at_ms;  // milliseconds after the table's start time
};

struct Row {
  const char* story;
  std::vector<Event> events;
  ReconnectPolicy::Phase phase;  // after the last event
  uint32_t wait_ms;              // the wait in force after the last event
  uint32_t next_ceiling_ms;
  uint32_t failures;
};

using P = ReconnectPolicy::Phase;

// n refused connects, each reported 100 ms after it started, the next started
// as soon as its wait is over (the waits are the ceilings: no randomness).
std::vector<Event> refused(int n, uint32_t from = 0) {
  std::vector<Event> events;
  uint32_t t = from, ceiling = 1000;
  for (int i = 0; i < n; ++i) {
    events.push_back({Ev::start, t});
    events.push_back({Ev::fail, t + 100});
    t += 100 + ceiling;
    ceiling = ceiling >= 15000 ? 30000 : ceiling * 2;
  }
  return events;
}

std::vector<Event> then(std::vector<Event> first, const std::vector<Event>& more) {
  first.insert(first.end(), more.begin(), more.end());
  return first;
}

const std::vector<Row> kRows = {
    {"a fresh policy attempts at once", {{Ev::poll, 0}}, P::waiting, 0, 1000, 0},
    {"one refused connect: wait 1 s", refused(1), P::waiting, 1000, 2000, 1},
    {"refused connects double the wait: 1, 2, 4 s", refused(3), P::waiting, 4000, 8000, 3},
    {"five refused: 16 s, the next capped at 30 s", refused(5), P::waiting, 16000, 30000, 5},
    {"the wait never passes 30 s", refused(9), P::waiting, 30000, 30000, 9},
    {"an attempt not heard of for 15 s counts as failed",
     {{Ev::start, 0}, {Ev::poll, 14999}, {Ev::poll, 15000}},
     P::waiting, 1000, 2000, 1},
    {"still connecting just before the attempt timeout",
     {{Ev::start, 0}, {Ev::poll, 14999}},
     P::connecting, 0, 1000, 0},
    {"a failure reported after the timeout counted it is not counted twice",
     {{Ev::start, 0}, {Ev::poll, 15000}, {Ev::fail, 20000}},
     P::waiting, 1000, 2000, 1},
    {"a slow connect that opens after its timeout is still taken",
     {{Ev::start, 0}, {Ev::poll, 15000}, {Ev::open, 15500}},
     P::open, 1000, 2000, 1},
    {"a link that opens is not a reason to start over",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}}),
     P::open, 4000, 8000, 3},
    {"opened but never logged on, then closed: the wait grows",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::close, 127400}}),
     P::waiting, 8000, 16000, 4},
    {"logged on and dropped at once (a broker that accepts and drops): the wait grows",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::logon, 7500}, {Ev::close, 7600}}),
     P::waiting, 8000, 16000, 4},
    {"logged on for 59.999 s: still not stable",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::logon, 8000}, {Ev::close, 67999}}),
     P::waiting, 8000, 16000, 4},
    {"logged on for 60 s: stable, the next wait starts over at 1 s",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::logon, 8000}, {Ev::close, 68000}}),
     P::waiting, 1000, 2000, 0},
    {"up 60 s but logged on only for the last 30: not stable",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::logon, 37400}, {Ev::close, 67400}}),
     P::waiting, 8000, 16000, 4},
    {"after a stable link, failures grow from 1 s again",
     then(refused(3), {{Ev::start, 7300}, {Ev::open, 7400}, {Ev::logon, 8000}, {Ev::close, 68000},
                       {Ev::start, 69000}, {Ev::fail, 69100}, {Ev::start, 71100}, {Ev::fail, 71200}}),
     P::waiting, 4000, 8000, 2},
    {"a close before the link opened is a failed attempt",
     {{Ev::start, 0}, {Ev::close, 300}},
     P::waiting, 1000, 2000, 1},
    {"a second close is ignored",
     {{Ev::start, 0}, {Ev::open, 100}, {Ev::close, 300}, {Ev::close, 400}},
     P::waiting, 1000, 2000, 1},
    {"a logon without a link is ignored",
     {{Ev::start, 0}, {Ev::logon, 50}, {Ev::open, 100}, {Ev::close, 60200}},
     P::waiting, 1000, 2000, 1},
};

void play(ReconnectPolicy& policy, Millis start, const std::vector<Event>& events) {
  for (const Event& e : events) {
    const Millis now = start + e.at_ms;
    switch (e.what) {
      case Ev::poll: policy.should_attempt(now); break;
      case Ev::start: policy.attempt_started(now); break;
      case Ev::fail: policy.attempt_failed(now); break;
      case Ev::open: policy.link_opened(now); break;
      case Ev::logon: policy.logged_on(now); break;
      case Ev::close: policy.link_closed(now); break;
    }
  }
}

const char* phase_name(P p) {
  return p == P::waiting ? "waiting" : p == P::connecting ? "connecting" : "open";
}

}  // namespace

TEST_CASE("reconnect policy: what each way an attempt or a link ends does to the next wait") {
  // The same stories across the 49.7-day wrap of the 32-bit clock.
  for (const Millis start : {Millis(5000), Millis(0xFFFFFFFFu - 20000)}) {
    for (const Row& row : kRows) {
      const std::string story = row.story;
      CAPTURE(story);
      CAPTURE(start);
      NoRandom random;
      ReconnectPolicy policy(random, start);
      play(policy, start, row.events);
      CHECK(phase_name(policy.phase()) == std::string(phase_name(row.phase)));
      CHECK(policy.wait_ms() == row.wait_ms);
      CHECK(policy.next_ceiling_ms() == row.next_ceiling_ms);
      CHECK(policy.failures() == row.failures);
    }
  }
}

TEST_CASE("reconnect policy: the next attempt is due exactly when its wait is over, and only then") {
  struct Due {
    const char* story;
    std::vector<Event> events;
    uint32_t asked_at_ms;
    bool due;
  };
  const std::vector<Due> rows = {
      {"at boot", {}, 0, true},
      {"while connecting", {{Ev::start, 0}}, 100, false},
      {"while the link is open", {{Ev::start, 0}, {Ev::open, 100}}, 600000, false},
      {"1 ms before the 1 s wait is over", refused(1), 1099, false},
      {"when the 1 s wait is over", refused(1), 1100, true},
      {"long after the wait", refused(1), 900000, true},
      {"the 4 s wait, 1 ms early", refused(3), 7299, false},
      {"the 4 s wait, on time", refused(3), 7300, true},
  };
  for (const Millis start : {Millis(5000), Millis(0xFFFFFFFFu - 2000)}) {
    for (const Due& row : rows) {
      const std::string story = row.story;
      CAPTURE(story);
      CAPTURE(start);
      NoRandom random;
      ReconnectPolicy policy(random, start);
      play(policy, start, row.events);
      CHECK(policy.should_attempt(start + row.asked_at_ms) == row.due);
    }
  }
}

TEST_CASE("reconnect policy: a link up for 50 days is timed right across the clock's wrap") {
  NoRandom random;
  const Millis start = 1000;
  ReconnectPolicy policy(random, start);
  play(policy, start, refused(4));
  Millis now = start + 20000;
  policy.attempt_started(now);
  policy.link_opened(now);
  policy.logged_on(now);
  // The loop polls all along; 50 days later the 32-bit clock has wrapped and
  // reads only ~1 day past the logon.
  for (int minute = 0; minute < 50 * 24 * 60; ++minute) {
    now += 60000;
    CHECK_FALSE(policy.should_attempt(now));
  }
  policy.link_closed(now);
  CHECK(policy.wait_ms() == 1000);
  CHECK(policy.failures() == 0);
}

TEST_CASE("reconnect policy: the jitter draws from the upper half of each delay, from the random port") {
  SUBCASE("the lowest and highest draw give half the delay and the whole delay") {
    FixedDraw random;
    for (const uint32_t draw : {0u, 500u, 501u}) {
      CAPTURE(draw);
      random.draw = draw;
      ReconnectPolicy policy(random, 0);
      policy.attempt_started(0);
      policy.attempt_failed(10);
      // ceiling 1000: [500, 1000] has 501 values
      CHECK(policy.wait_ms() == 500 + draw % 501);
    }
  }
  SUBCASE("random draws spread over [delay/2, delay] at every step") {
    testing::TestRandom random;  // reproducible (xorshift64)
    const uint32_t ceilings[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
    Millis now = 0;
    for (const uint32_t ceiling : ceilings) {
      CAPTURE(ceiling);
      uint32_t lowest = ceiling, highest = 0;
      for (int i = 0; i < 400; ++i) {
        // A fresh policy failed up to this ceiling, for a new draw each time.
        ReconnectPolicy p(random, now);
        uint32_t c = 1000;
        for (;;) {
          p.attempt_started(now);
          p.attempt_failed(now);
          if (c == ceiling) break;
          c = c >= 15000 ? 30000 : c * 2;
        }
        lowest = std::min(lowest, p.wait_ms());
        highest = std::max(highest, p.wait_ms());
        CHECK(p.wait_ms() >= ceiling / 2);
        CHECK(p.wait_ms() <= ceiling);
      }
      CHECK(lowest < ceiling / 2 + ceiling / 20);
      CHECK(highest > ceiling - ceiling / 20);
    }
  }
  SUBCASE("without randomness the policy waits the whole delay, never less") {
    NoRandom random;
    ReconnectPolicy policy(random, 0);
    policy.attempt_started(0);
    policy.attempt_failed(0);
    CHECK(policy.wait_ms() == 1000);
  }
}

TEST_CASE("reconnect policy: a new broker is tried at once, its delays from the first") {
  for (const P phase_before : {P::waiting, P::connecting, P::open}) {
    CAPTURE(phase_name(phase_before));
    NoRandom random;
    ReconnectPolicy policy(random, 0);
    play(policy, 0, refused(6));
    if (phase_before != P::waiting) policy.attempt_started(80000);
    if (phase_before == P::open) policy.link_opened(80100);
    REQUIRE(phase_name(policy.phase()) == std::string(phase_name(phase_before)));
    policy.restart(80200);
    CHECK(policy.should_attempt(80200));
    CHECK(policy.failures() == 0);
    policy.attempt_started(80200);
    policy.attempt_failed(80300);
    CHECK(policy.wait_ms() == 1000);
  }
}

TEST_CASE("reconnect policy: the delays follow the configuration (the simulator's are the device's)") {
  ReconnectConfig config;
  config.first_delay_ms = 250;
  config.max_delay_ms = 5000;
  NoRandom random;
  ReconnectPolicy policy(random, 0, config);
  std::vector<uint32_t> waits;
  for (int i = 0; i < 7; ++i) {
    policy.attempt_started(0);
    policy.attempt_failed(0);
    waits.push_back(policy.wait_ms());
  }
  CHECK(waits == std::vector<uint32_t>{250, 500, 1000, 2000, 4000, 5000, 5000});
  const ReconnectConfig defaults;
  CHECK(defaults.first_delay_ms == 1000);
  CHECK(defaults.max_delay_ms == 30000);
  CHECK(defaults.stable_after_ms == 60000);
  CHECK(defaults.attempt_timeout_ms == 15000);
}
