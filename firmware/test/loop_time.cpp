// Measurement, not a test: the longest each core path keeps the loop, timed
// on this host (issue 9: "No loop blocks for more than 50 ms, measured on the
// host for every core path"). The core runs on fakes (fakes.h), so storage
// and the link cost nothing here: the figures are the core's own work. The
// ESP8266 is far slower than this host and nothing here measures by how
// much: the verdicts below say where even a generous factor keeps a path
// under 50 ms and where only a board can tell (firmware/README.md "What
// blocks, and for how long").
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

struct Timing {
  const char* path;
  const char* note;
  std::vector<double> microseconds;
  double worst() const { return *std::max_element(microseconds.begin(), microseconds.end()); }
  double median() const {
    std::vector<double> sorted = microseconds;
    std::sort(sorted.begin(), sorted.end());
    return sorted[sorted.size() / 2];
  }
};

// The CPU time `run` takes on this thread: the core's own work, without the
// time other processes on a busy machine take the CPU away from it.
double timed(const std::function<void()>& run) {
  timespec start, end;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
  run();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
  return double(end.tv_sec - start.tv_sec) * 1e6 + double(end.tv_nsec - start.tv_nsec) / 1e3;
}

// A bench logged on with `members` apps in session; the apps are returned.
std::vector<App> online_with(Bench& bench, int members) {
  bench.boot();
  bench.online();
  std::vector<App> apps;
  for (int i = 0; i < members; ++i) apps.push_back(bench.app(uint8_t(i + 1)));
  for (App& app : apps) {
    bench.start(app, "A family member's phone");
    bench.link.sent.clear();
    bench.deliver(app.command("HOME_set", "\"home\":true,\"distance\":1234.5"));
  }
  bench.link.sent.clear();
  return apps;
}

// The dearest frame the JSON rules let through (docs/protocol.md "JSON
// rules"), addressed to this thermostat so that all of it is parsed: 4 KB of
// strings, or numbers, in 256 values (as heap_per_set measures its heap).
std::string dearest_frame(const std::string& id, bool strings) {
  const std::string head = "{\"packet_type\":\"MSG\",\"transmitter\":\"GGXACDHnP37iP8E8stD1iL\",\"receiver\":\"" +
                           id + "\",\"data\":[";
  const size_t items = kJsonMaxValues - 5;
  const size_t per_item = (kMaxFrameBytes - head.size() - 2) / items;
  std::string frame = head;
  for (size_t i = 0; i < items; ++i) {
    if (i) frame += ",";
    frame += strings ? "\"" + std::string(per_item - 3, 'x') + "\"" : "0";
  }
  return frame + "]}";
}

Timing tick_with_heater_decision(int runs) {
  Timing t{"tick: sensor sample and heater decision", "every pass of the loop", {}};
  Bench bench;
  bench.boot();
  for (int i = 0; i < runs; ++i) {
    // The room swings across the band, so the relay switches whenever the
    // minimum on and off times allow.
    bench.sensor.set_temperature(i % 240 < 120 ? 17.0f : 23.0f);
    bench.now += 1000;
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
  }
  return t;
}

Timing frame_of_4_kb(int runs) {
  Timing t{"a 4 KB frame, the dearest the JSON rules let through", "per frame received", {}};
  Bench bench;
  bench.boot();
  bench.online();
  const std::string frames[] = {dearest_frame(bench.id(), true), dearest_frame(bench.id(), false)};
  for (int i = 0; i < runs; ++i) {
    const std::string& frame = frames[i % 2];
    t.microseconds.push_back(timed([&] { bench.deliver(frame); }));
  }
  return t;
}

Timing sealed_set(int runs) {
  Timing t{"a sealed SET: open, parse, apply, store, reply and push to 8", "per command received", {}};
  Bench bench;
  std::vector<App> apps = online_with(bench, 8);
  for (int i = 0; i < runs; ++i) {
    const std::string frame =
        apps[0].command("SET", i % 2 ? "\"target\":21.5,\"mode\":\"auto\"" : "\"target\":20.5,\"mode\":\"home\"");
    bench.link.sent.clear();
    t.microseconds.push_back(timed([&] { bench.deliver(frame); }));
  }
  return t;
}

Timing state_push_to_8(int runs) {
  Timing t{"tick: a STATE push to 8 members", "when the room moves 0.1 °C, or once a minute", {}};
  Bench bench;
  std::vector<App> apps = online_with(bench, 8);
  for (int i = 0; i < runs; ++i) {
    // Apps not heard from for 10 minutes get no pushes: each speaks up now and then.
    if (i % 20 == 19) {
      for (App& app : apps) bench.deliver(app.command("HOME_set", "\"home\":true,\"distance\":1234.5"));
    }
    bench.sensor.set_temperature(i % 2 ? 20.0f : 20.5f);
    bench.now += bench.config.control.sample_period_ms;
    bench.link.sent.clear();
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
    if (bench.link.sent.size() < 8) {
      fprintf(stderr, "the tick pushed %zu STATEs, not 8\n", bench.link.sent.size());
      exit(1);
    }
  }
  return t;
}

Timing logon_signature(int runs) {
  Timing t{"tick: the logon signature (ECDSA P-256)", "once per connection, after the heater decision", {}};
  Bench bench;
  bench.boot();
  for (int i = 0; i < runs; ++i) {
    bench.core->link_opened(bench.now, kBrokerHost);
    bench.deliver(challenge(challenge_nonce(uint8_t(i))));
    bench.link.sent.clear();
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
    if (bench.link.sent.size() != 1) {
      fprintf(stderr, "the tick sent no LOG_ON\n");
      exit(1);
    }
    bench.core->link_closed(bench.now);
  }
  return t;
}

Timing settings_write(int runs) {
  Timing t{"tick: a settings write retried after a failed one", "when a write failed, every 30 s", {}};
  Bench bench;
  std::vector<App> apps = online_with(bench, 1);
  for (int i = 0; i < runs; ++i) {
    bench.storage.fail_writes = true;
    bench.deliver(apps[0].command("SET", i % 2 ? "\"target\":21.5" : "\"target\":20.5"));
    bench.storage.fail_writes = false;
    bench.now += bench.config.storage_retry_ms;
    const int writes = bench.storage.writes;
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
    if (bench.storage.writes != writes + 1) {
      fprintf(stderr, "the tick did not write the settings\n");
      exit(1);
    }
  }
  return t;
}

// The dearest search of "What comes next": Berlin, 6 switch points every day all asking 19.0 (so
// none changes anything and all 49 moments of 8 days are looked at).
// `recompute`: an SNTP answer (an input changed) before each timed tick; else the tick of a new
// wall-clock second, which keeps `next` until it comes.
Timing next_change_search(int runs, bool recompute) {
  Timing t{recompute ? "tick: STATE's next looked for, 42 switch points, none changes"
                     : "tick: a new wall-clock second, STATE's next kept",
           recompute ? "when an input changes, and each minute while none comes" : "every second", {}};
  Bench bench;
  std::vector<App> apps = online_with(bench, 1);
  const int64_t monday = 1796601600;
  bench.core->set_wall_time(monday, bench.now);
  std::string day = "[[300,19],[480,19],[720,19],[1020,19],[1200,19],[1380,19]]";
  std::string week = day;
  for (int i = 1; i < 7; ++i) week += "," + day;
  bench.deliver(apps[0].command("SET", "\"time_zone\":\"CET-1CEST,M3.5.0,M10.5.0/3\",\"schedule\":[" + week +
                                           "]"));
  bench.core->tick(bench.now);
  for (int i = 0; i < runs; ++i) {
    bench.now += 1000;
    if (recompute) bench.core->set_wall_time(monday + 1 + i, bench.now);
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
  }
  return t;
}

// Storage holding the 8 days from `first`, each wholly recorded.
void store_history_days(Bench& bench, int64_t first) {
  const std::vector<HistorySample> samples(kHistorySlotsPerDay, HistorySample{2012, 160, 30});
  for (int64_t day = first; day < first + int64_t(kHistoryDays); ++day) {
    std::vector<uint8_t> blob(kHistoryBlobSize);
    encode_history_day(day, samples.data(), blob.data());
    bench.storage.blobs[history_blob(day)] = blob;
  }
}

constexpr int64_t kHistoryToday = 1796601600 / 86400;  // 2026-12-07

Timing history_page(int runs) {
  Timing t{"HISTORY_get: a page across two past days read from flash", "per app request; 16 make a week", {}};
  Bench bench;
  std::vector<App> apps = online_with(bench, 1);
  store_history_days(bench, kHistoryToday - 7);
  bench.core->set_wall_time(kHistoryToday * 86400 + 12 * 3600, bench.now);
  bench.core->tick(bench.now);
  for (int i = 0; i < runs; ++i) {
    const int64_t from = (kHistoryToday - 1 - i % 6) * 86400 - 6 * 3600;
    bench.link.sent.clear();
    const std::string frame = apps[0].command("HISTORY_get", "\"from\":" + std::to_string(from));
    t.microseconds.push_back(timed([&] { bench.deliver(frame); }));
    if (bench.link.sent.size() != 1) {
      fprintf(stderr, "no HISTORY answered\n");
      exit(1);
    }
  }
  return t;
}

Timing history_hourly_write(int runs) {
  Timing t{"tick: the history's day written on the hour", "once an hour", {}};
  Bench bench;
  bench.boot();
  for (int i = 0; i < runs; ++i) {
    bench.core->set_wall_time(kHistoryToday * 86400 + (i % 23) * 3600 + 3599, bench.now);
    bench.core->tick(bench.now);
    bench.now += 1000;
    const int writes = bench.storage.writes;
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
    if (bench.storage.writes != writes + 1) {
      fprintf(stderr, "the tick did not write the day\n");
      exit(1);
    }
  }
  return t;
}

Timing history_clock_set_back(int runs) {
  Timing t{"tick: the clock set back a year: 8 day blobs read, 9 written", "once, when SNTP corrects a clock far ahead", {}};
  for (int i = 0; i < runs; ++i) {
    Bench bench;
    bench.boot();
    const int64_t ahead = kHistoryToday + 365;
    store_history_days(bench, ahead - 7);
    bench.core->set_wall_time(ahead * 86400 + 12 * 3600, bench.now);
    bench.core->tick(bench.now);
    bench.now += 1000;
    bench.core->set_wall_time(kHistoryToday * 86400 + 12 * 3600, bench.now);
    const int writes = bench.storage.writes;
    t.microseconds.push_back(timed([&] { bench.core->tick(bench.now); }));
    if (bench.storage.writes != writes + 9) {
      fprintf(stderr, "the tick did not empty the 8 days ahead and write today\n");
      exit(1);
    }
  }
  return t;
}

Timing identity_load(int runs) {
  Timing t{"begin: identity and settings load (both copies checked)", "once per boot", {}};
  Bench bench;
  bench.boot();
  for (int i = 0; i < runs; ++i) {
    bench.core.reset();
    t.microseconds.push_back(timed([&] { bench.boot(); }));
    if (!bench.core->identity_ready()) {
      fprintf(stderr, "the identity did not load\n");
      exit(1);
    }
  }
  return t;
}

Timing identity_made(int runs) {
  Timing t{"begin: a new identity (first boot)", "once in the device's life, and per factory reset", {}};
  for (int i = 0; i < runs; ++i) {
    Bench bench;
    bench.random.state += uint64_t(i) * 0x9E3779B97F4A7C15ull;
    t.microseconds.push_back(timed([&] { bench.boot(); }));
    if (!bench.core->identity_ready()) {
      fprintf(stderr, "no identity was made\n");
      exit(1);
    }
  }
  return t;
}

// Each path's runs repeated. The runs are deterministic (fake clock, seeded
// randomness), so run i does the same work in every repetition: its shortest
// time is its cost, the rest is a busy machine taking the CPU away (cache
// evictions, interrupts). The worst path input then shows as the longest of
// those shortest times.
Timing per_run_minimum(const std::function<Timing()>& measure, int repetitions = 7) {
  Timing kept = measure();
  for (int i = 1; i < repetitions; ++i) {
    const Timing again = measure();
    for (size_t run = 0; run < kept.microseconds.size(); ++run) {
      kept.microseconds[run] = std::min(kept.microseconds[run], again.microseconds[run]);
    }
  }
  return kept;
}

}  // namespace

int main() {
  // Warm caches and the allocator once, untimed.
  tick_with_heater_decision(50);
  const std::vector<Timing> timings = {
      per_run_minimum([] { return tick_with_heater_decision(5000); }),
      per_run_minimum([] { return frame_of_4_kb(400); }),
      per_run_minimum([] { return sealed_set(200); }),
      per_run_minimum([] { return state_push_to_8(200); }),
      per_run_minimum([] { return logon_signature(50); }),
      per_run_minimum([] { return settings_write(200); }),
      per_run_minimum([] { return identity_load(50); }),
      per_run_minimum([] { return identity_made(20); }),
      per_run_minimum([] { return history_page(100); }),
      per_run_minimum([] { return history_hourly_write(100); }),
      per_run_minimum([] { return history_clock_set_back(20); }),
      per_run_minimum([] { return next_change_search(200, true); }),
      per_run_minimum([] { return next_change_search(50, false); }),  // within the minute
  };
  // How much slower the ESP8266 (Xtensa LX106 at 80 MHz, code read through a
  // flash cache, no 32x32->64 multiply) is than this host is NOT measured
  // here. 1000x is taken as a generous bound for a path to count as safe;
  // 100x as a low one beyond which a path surely passes 50 ms.
  const double budget_us = 50000.0, generous = 1000.0, low = 100.0;
  printf("Longest time each core path keeps the loop: CPU time on this x86-64 host, the core on fakes\n"
         "(no flash, no radio, no TLS); each run's shortest of 7 repetitions, the longest run shown:\n");
  for (const Timing& t : timings) {
    printf("  %-62s worst %8.1f us  median %8.1f us  (%zu runs; %s)\n", t.path, t.worst(), t.median(),
           t.microseconds.size(), t.note);
  }
  printf("Against 50 ms on the ESP8266 at 80 MHz (not measured here; a path counts as safe only if\n"
         "it stays under 50 ms even %.0fx slower than this host):\n",
         generous);
  for (const Timing& t : timings) {
    const char* verdict = t.worst() * generous <= budget_us ? "under 50 ms"
                          : t.worst() * low > budget_us    ? "OVER 50 ms (even at only 100x this host)"
                                                           : "MAY EXCEED 50 ms: measure on a board";
    printf("  %-62s %s\n", t.path, verdict);
  }
  printf("The logon signature is the core's one long step: it runs once per connection, in the tick\n"
         "after the broker's CHALLENGE, after that tick's heater decision, never twice in one pass.\n"
         "Identity creation runs in setup() on a first boot, before the loop starts; a factory-reset\n"
         "typed on the serial console makes one inside loop() (a P-256 key and about six flash writes),\n"
         "once, when the user asks, after that pass's heater decision.\n");
  return 0;
}
