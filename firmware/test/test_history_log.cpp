// The history module alone (docs/protocol.md "History"): slots, their edges, the day's end, the
// writes on the hour, reboots, clock jumps, damaged day blobs and the 8 days kept, as tables over
// simulated seconds.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "fakes.h"
#include "history_log.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr int64_t kDay = 86400, kHour = 3600, kSlot = 600;
constexpr int64_t kMonday = 1796601600;  // 2026-12-07T00:00:00Z, a UTC day's start

// The log over memory storage, ticked once per `step` seconds of a wall clock that runs with the
// monotonic one unless a test moves it.
struct Recorder {
  MemoryStorage storage;
  HistoryLog log;
  uint8_t scratch[kHistoryBlobSize];
  uint64_t mono = 5000;
  int64_t utc = 0;
  // What each tick sees, by wall-clock second.
  std::function<HistoryTick(int64_t)> seen = [](int64_t) {
    HistoryTick t;
    t.reading = true;
    t.temperature = 2000;
    t.held = true;
    t.setpoint = 2100;
    return t;
  };
  void tick() { log.record(utc, mono, seen(utc), storage, scratch); }
  // Ticks at every `step` seconds from `from` up to, not including, `to`.
  void run(int64_t from, int64_t to, int64_t step = 1) {
    for (utc = from; utc < to; utc += step) {
      tick();
      mono += uint64_t(step) * 1000;
    }
    utc = to;
  }
  // A power cut: RAM gone, storage kept.
  void reboot() { log = HistoryLog(); }
  std::vector<HistorySample> page(int64_t from, int64_t now) {
    std::vector<HistorySample> out(kHistoryPageSlots);
    out.resize(log.page(from, now, storage, scratch, out.data()));
    return out;
  }
  HistorySample at(int64_t slot_utc, int64_t now) {
    auto p = page(slot_utc, now);
    REQUIRE(!p.empty());
    return p[0];
  }
};

HistoryTick heater_between(int64_t utc, int64_t on, int64_t off) {
  HistoryTick t;
  t.reading = true;
  t.temperature = 2000;
  t.held = true;
  t.setpoint = 2100;
  t.heater_on = utc >= on && utc < off;
  return t;
}

}  // namespace

TEST_CASE("history: the heater's seconds go to the slot they were in, to the nearest 10 s") {
  struct Case {
    const char* what;
    int64_t on, off;  // seconds after 10:00
    int expect_10, expect_1010, expect_1020;  // heater_s of the slots 10:00, 10:10, 10:20
  };
  const std::vector<Case> cases = {
      {"off all along", 0, 0, 0, 0, 0},
      {"a whole slot", 0, 600, 600, 0, 0},
      {"across an edge", 200, 900, 400, 300, 0},
      {"5 s either side of an edge round up", 595, 605, 10, 10, 0},
      {"4 s round down", 100, 104, 0, 0, 0},
      {"15 s round to 20", 100, 115, 20, 0, 0},
      {"two whole slots and a second", 0, 1201, 600, 600, 0},
      {"ends on the edge", 590, 1200, 10, 600, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    const int64_t ten = kMonday + 10 * kHour;
    r.seen = [&](int64_t utc) { return heater_between(utc, ten + c.on, ten + c.off); };
    r.run(ten - kSlot, ten + 25 * 60);
    const auto page = r.page(ten, r.utc);
    REQUIRE(page.size() == 3);
    CHECK(page[0].heater * 10 == c.expect_10);
    CHECK(page[1].heater * 10 == c.expect_1010);
    CHECK(page[2].heater * 10 == c.expect_1020);  // the slot in progress, so far
  }
}

TEST_CASE("history: a slot's temperature is the mean of its good readings, rounded half away from zero") {
  struct Case {
    const char* what;
    std::vector<Centi> readings;  // one every 5 s from the slot's start, then none
    int16_t expect;
  };
  const std::vector<Case> cases = {
      {"none: null", {}, kHistoryNoTemperature},
      {"one", {2136}, 2136},
      {"20.00 and 20.01 make 20.01", {2000, 2001}, 2001},
      {"three", {2000, 2001, 2001}, 2001},
      {"-1.01 and -1.00 make -1.01 (away from zero)", {-101, -100}, -101},
      {"-1.02 and -1.01 make -1.02", {-102, -101}, -102},
      {"-1.00, -1.00 and -1.01 make -1.00", {-100, -100, -101}, -100},
      {"the plausible extremes", {-2000, 6000}, 2000},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    const int64_t slot = kMonday + 3 * kHour;
    r.seen = [&](int64_t utc) {
      HistoryTick t;
      const int64_t k = (utc - slot) / 5;
      t.reading = utc >= slot && (utc - slot) % 5 == 0 && k < int64_t(c.readings.size());
      if (t.reading) t.temperature = c.readings[size_t(k)];
      return t;
    };
    r.run(slot, slot + kSlot + 1);
    CHECK(r.at(slot, r.utc).temperature == c.expect);
    CHECK(r.at(slot, r.utc).recorded());
  }
}

TEST_CASE("history: the set point is the one held at the slot's end, none when none was") {
  struct Case {
    const char* what;
    Centi first, last;  // held in the first and last minute of the slot; 0: none held
    uint8_t expect;
  };
  const std::vector<Case> cases = {
      {"changed mid-slot: the last", 2100, 1750, 125},
      {"none at the end", 2100, 0, kHistoryNoSetpoint},
      {"held again at the end", 0, 2100, 160},
      {"frost's 5.0", 2100, 500, 0},
      {"30.0", 2100, 3000, 250},
      {"an old firmware's 21.25 to its nearest tenth, up", 2100, 2125, 163},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    const int64_t slot = kMonday + 7 * kHour;
    r.seen = [&](int64_t utc) {
      HistoryTick t;
      const Centi held = utc < slot + 300 ? c.first : c.last;
      t.held = held != 0;
      t.setpoint = held;
      return t;
    };
    r.run(slot, slot + kSlot + 1);
    const HistorySample s = r.at(slot, r.utc);
    CHECK(s.setpoint == c.expect);
    CHECK(s.temperature == kHistoryNoTemperature);
    CHECK(s.heater == 0);
  }
}

TEST_CASE("history: written on every hour and at the day's end, never more") {
  Recorder r;
  r.run(kMonday + 30 * 60, kMonday + kHour);
  CHECK(r.log.writes() == 0);
  r.run(r.utc, kMonday + kHour + 1);
  CHECK(r.log.writes() == 1);
  REQUIRE(r.storage.blobs.count(history_blob(history_day(kMonday))) == 1);
  r.run(r.utc, kMonday + kDay - 1);
  CHECK(r.log.writes() == 23);
  r.run(r.utc, kMonday + kDay + 1);
  CHECK(r.log.writes() == 24);  // the day's end
  // A whole day: 24 writes of under 600 bytes.
  r.run(r.utc, kMonday + 2 * kDay + 11, 10);
  CHECK(r.log.writes() == 48);
  CHECK(r.storage.blobs[history_blob(history_day(kMonday))].size() == kHistoryBlobSize);
  // The day that ended is all in its blob: every slot from 00:30 recorded.
  const auto page = r.page(kMonday + 12 * kHour, r.utc);
  REQUIRE(page.size() == 72);
  for (const HistorySample& s : page) CHECK(s.recorded());
  CHECK(r.page(kMonday, r.utc)[2].recorded() == false);  // 00:20, before the first tick
  CHECK(r.page(kMonday, r.utc)[3].recorded() == true);
}

TEST_CASE("history: a reboot loses less than the last hour; the slot it cuts keeps what it had") {
  struct Case {
    const char* what;
    int64_t off_at, on_at;  // seconds after 10:00 of the power cut and of the clock known again
    int64_t last_kept;      // the last slot recorded before the cut, seconds after 10:00
  };
  const std::vector<Case> cases = {
      {"cut at 10:35: 10:00 to 10:30 lost", 35 * 60, 50 * 60, -kSlot},
      {"cut at 10:59:59", kHour - 1, kHour + 5 * 60, -kSlot},
      {"cut at 11:00:01: all before 11:00 kept", kHour + 1, kHour + 20 * 60, 50 * 60},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    const int64_t ten = kMonday + 10 * kHour;
    r.run(kMonday + 8 * kHour, ten + c.off_at);
    r.reboot();
    r.run(ten + c.on_at, ten + c.on_at + 30 * 60 + 1);
    const auto page = r.page(kMonday + 8 * kHour, r.utc);
    for (size_t i = 0; i < page.size(); ++i) {
      const int64_t slot = kMonday + 8 * kHour + int64_t(i) * kSlot - ten;
      CAPTURE(slot);
      const bool before = slot <= c.last_kept;
      const bool after = slot >= history_slot_start(c.on_at);
      CHECK(page[i].recorded() == (before || after));
    }
  }
}

TEST_CASE("history: clock jumps: back drops the later slots, forward leaves a gap") {
  struct Case {
    const char* what;
    int64_t jump_from, jump_to;  // seconds after Monday 00:00
    std::vector<std::pair<int64_t, bool>> slots;  // slot (seconds after Monday 00:00): recorded?
    int64_t writes;
  };
  const int64_t h = kHour, m = 60;
  const std::vector<Case> cases = {
      {"forward an hour and a half",
       10 * h + 5 * m, 11 * h + 35 * m,
       {{10 * h, true}, {10 * h + 10 * m, false}, {11 * h + 20 * m, false}, {11 * h + 30 * m, true}},
       // 10:00, and 11:00, which the jump passes
       2},
      {"back 42 minutes: 10:30 to 11:00 dropped, 10:20 again from 10:23",
       11 * h + 5 * m, 10 * h + 23 * m,
       {{10 * h + 10 * m, true}, {10 * h + 20 * m, true}, {10 * h + 30 * m, false},
        {10 * h + 50 * m, false}, {11 * h, false}},
       // 10:00, 11:00, and the day at once at the jump back, so the drops reach storage
       3},
      {"back within the slot: nothing dropped", 10 * h + 8 * m, 10 * h + 1 * m,
       {{9 * h + 50 * m, true}, {10 * h, true}}, 1},
      {"forward into the next day: that day's end written, the day between never",
       23 * h + 55 * m, kDay + 2 * h + 15 * m,
       {{23 * h + 50 * m, true}, {kDay, false}, {kDay + 2 * h, false}, {kDay + 2 * h + 10 * m, true}},
       15},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    r.run(kMonday + 9 * h + 30 * m, kMonday + c.jump_from);
    r.utc = kMonday + c.jump_to;
    r.run(r.utc, r.utc + 5 * m + 1);
    const int64_t now = r.utc - 1;
    for (const auto& [slot, recorded] : c.slots) {
      CAPTURE(slot);
      // A slot after the clock no page shows: what the day in RAM holds for it.
      const HistorySample s = kMonday + slot <= now ? r.at(kMonday + slot, now)
                                                    : r.log.stored(history_slot_index(kMonday + slot));
      CHECK(s.recorded() == recorded);
    }
    CHECK(r.log.writes() == c.writes);
  }
}

TEST_CASE("history: the clock back into an earlier day: that day read back and cut, the later days dropped in storage") {
  Recorder r;
  r.run(kMonday + 20 * kHour, kMonday + kDay + 3 * kHour + 30 * 60, 5);  // Tuesday 03:30
  const uint32_t before = r.log.writes();
  // Back to Monday 22:05: Monday after 22:00 and all of Tuesday are after the new time.
  r.utc = kMonday + 22 * kHour + 5 * 60;
  r.tick();
  CHECK(r.log.writes() == before + 2);  // Tuesday written empty, Monday cut
  const std::vector<uint8_t>& tuesday = r.storage.blobs[history_blob(history_day(kMonday) + 1)];
  REQUIRE(check_history_day(tuesday.data(), tuesday.size(), history_day(kMonday) + 1) == Error::none);
  for (size_t i = 0; i < kHistorySlotsPerDay; ++i) CHECK_FALSE(history_blob_sample(tuesday.data(), i).recorded());
  CHECK(r.log.day() == history_day(kMonday));
  const auto page = r.page(kMonday + 20 * kHour, r.utc);
  REQUIRE(page.size() == 13);
  for (size_t i = 0; i < 12; ++i) CHECK(page[i].recorded());
  CHECK(page[12].recorded());  // 22:00 keeps the sample it had
  r.run(r.utc + 1, kMonday + 23 * kHour + 1, 5);
  CHECK(r.at(kMonday + 22 * kHour, r.utc).recorded());
  CHECK(r.at(kMonday + 22 * kHour + 50 * 60, r.utc).recorded());
  // Tuesday, when the clock comes to it again, has only what it records from then.
  r.run(r.utc, kMonday + kDay + 30 * 60 + 6, 5);
  const auto tuesday_page = r.page(kMonday + kDay, r.utc);
  REQUIRE(tuesday_page.size() == 4);
  for (const auto& x : tuesday_page) CHECK(x.recorded());
  r.reboot();
  r.run(kMonday + kDay + 2 * kHour, kMonday + kDay + 2 * kHour + 1);
  // The hour before the reboot was never written; Tuesday's old 00:30 to 03:20 never comes back.
  const auto after = r.page(kMonday + kDay, r.utc);
  REQUIRE(after.size() == 13);
  for (size_t i = 0; i < 12; ++i) CHECK_FALSE(after[i].recorded());
}

TEST_CASE("history: a clock a year ahead, set right: its days emptied, the real days before kept") {
  Recorder r;
  const int64_t monday = history_day(kMonday);
  r.run(kMonday, kMonday + 2 * kDay + 12 * kHour, 10);  // to Wednesday 12:00
  // A wrong clock (an app's, say) a year ahead, for an hour and more: that day is written.
  const int64_t ahead = monday + 2 + 8 * 45 + 3;  // its blob is none of Monday's to Wednesday's
  r.run(ahead * kDay + 5 * kHour, ahead * kDay + 6 * kHour + 5 * 60, 10);
  const std::vector<uint8_t>& wrong = r.storage.blobs[history_blob(ahead)];
  REQUIRE(check_history_day(wrong.data(), wrong.size(), ahead) == Error::none);
  REQUIRE(history_blob_sample(wrong.data(), 30).recorded());
  // SNTP sets it right: back to Wednesday 11:05.
  r.utc = kMonday + 2 * kDay + 11 * kHour + 5 * 60;
  r.tick();
  const std::vector<uint8_t>& emptied = r.storage.blobs[history_blob(ahead)];
  REQUIRE(check_history_day(emptied.data(), emptied.size(), ahead) == Error::none);
  for (size_t i = 0; i < kHistorySlotsPerDay; ++i) CHECK_FALSE(history_blob_sample(emptied.data(), i).recorded());
  // Monday and Tuesday whole, Wednesday to 11:00 (which keeps its sample), nothing after.
  for (int64_t day = 0; day < 2; ++day) {
    const auto page = r.page(kMonday + day * kDay + 12 * kHour, r.utc);
    REQUIRE(page.size() == 72);
    for (const auto& x : page) CHECK(x.recorded());
  }
  const auto wednesday = r.page(kMonday + 2 * kDay, r.utc);
  REQUIRE(wednesday.size() == 67);
  for (const auto& x : wednesday) CHECK(x.recorded());
  CHECK_FALSE(r.log.stored(history_slot_index(kMonday + 2 * kDay + 11 * kHour + 10 * 60)).recorded());
  // Ahead and back again at once: the day ahead, empty already, is not written again.
  const uint32_t writes = r.log.writes();
  r.utc = ahead * kDay + 5 * kHour;
  r.tick();  // Wednesday written as the clock leaves it
  r.utc = kMonday + 2 * kDay + 11 * kHour + 6 * 60;
  r.tick();  // Wednesday written at the jump back, nothing else
  CHECK(r.log.writes() == writes + 2);
  r.reboot();
  r.run(kMonday + 2 * kDay + 11 * kHour + 8 * 60, kMonday + 2 * kDay + 11 * kHour + 9 * 60);
  CHECK(r.page(kMonday + 2 * kDay, r.utc).back().recorded());
  CHECK(r.page(kMonday + kDay, r.utc).front().recorded());
}

TEST_CASE("history: a day blob damaged, of another day, too large or unreadable is unrecorded") {
  Recorder base;
  base.run(kMonday, kMonday + kDay + 60, 10);  // Monday whole, written at its end
  const Blob monday = history_blob(history_day(kMonday));
  const std::vector<uint8_t> good = base.storage.blobs[monday];
  REQUIRE(good.size() == kHistoryBlobSize);
  const int64_t now = kMonday + kDay + 30;
  auto monday_page = [&](Recorder& r) { return r.page(kMonday + 6 * kHour, now); };
  {
    auto page = monday_page(base);
    REQUIRE(page.size() == 72);
    for (auto& s : page) CHECK(s.recorded());
  }
  struct Case {
    const char* what;
    std::function<void(MemoryStorage&)> harm;
  };
  std::vector<Case> cases = {
      {"missing", [&](MemoryStorage& s) { s.blobs.erase(monday); }},
      {"unreadable", [&](MemoryStorage& s) { s.read_faults[monday] = Error::io; }},
      {"empty", [&](MemoryStorage& s) { s.blobs[monday].clear(); }},
      {"truncated", [&](MemoryStorage& s) { s.blobs[monday].resize(kHistoryBlobSize - 1); }},
      {"one byte more", [&](MemoryStorage& s) { s.blobs[monday].push_back(0); }},
      {"too large", [&](MemoryStorage& s) { s.blobs[monday].resize(4096); }},
      {"of the day 8 before (same file)",
       [&](MemoryStorage& s) {
         std::vector<HistorySample> samples(kHistorySlotsPerDay);
         for (auto& x : samples) x = HistorySample{2000, 160, 6};
         s.blobs[monday].resize(kHistoryBlobSize);
         encode_history_day(history_day(kMonday) - 8, samples.data(), s.blobs[monday].data());
       }},
      {"a heater over 600 s, checksum fixed",
       [&](MemoryStorage& s) {
         auto& b = s.blobs[monday];
         b[7 + 3] = 61;
         store_le32(b.data() + kHistoryBlobSize - 4, checksum32(b.data(), kHistoryBlobSize - 4));
       }},
      {"an unrecorded slot with a temperature, checksum fixed",
       [&](MemoryStorage& s) {
         auto& b = s.blobs[monday];
         b[7 + 3] = kHistoryNotRecorded;
         store_le32(b.data() + kHistoryBlobSize - 4, checksum32(b.data(), kHistoryBlobSize - 4));
       }},
      {"version 2", [&](MemoryStorage& s) { s.blobs[monday][2] = 2; }},
  };
  for (size_t byte = 0; byte < kHistoryBlobSize; ++byte) {
    cases.push_back({"a bit flipped", [byte, monday](MemoryStorage& s) { s.blobs[monday][byte] ^= uint8_t(1u << (byte % 8)); }});
  }
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Recorder r;
    r.storage.blobs = base.storage.blobs;
    r.run(kMonday + kDay, now);  // Tuesday in RAM
    c.harm(r.storage);
    const auto page = monday_page(r);
    REQUIRE(page.size() == 72);
    for (auto& s : page) CHECK_FALSE(s.recorded());
    // Tuesday, in RAM, is untouched; reading it back at a reboot ignores a damaged Tuesday too.
    CHECK(r.at(kMonday + kDay, now).recorded());
  }
}

TEST_CASE("history: a damaged blob of the day in progress is read as unrecorded and replaced by the day's own write") {
  Recorder r;
  r.run(kMonday + 8 * kHour, kMonday + 9 * kHour + 60);
  const Blob monday = history_blob(history_day(kMonday));
  r.storage.blobs[monday][20] ^= 0x10;
  r.reboot();
  r.run(kMonday + 9 * kHour + 120, kMonday + 9 * kHour + 15 * 60);
  CHECK_FALSE(r.at(kMonday + 8 * kHour, r.utc).recorded());
  r.run(r.utc, kMonday + 10 * kHour + 1);
  CHECK(check_history_day(r.storage.blobs[monday].data(), kHistoryBlobSize, history_day(kMonday)) == Error::none);
}

TEST_CASE("history: 8 days kept, the 9th back is gone (its file holds today)") {
  Recorder r;
  r.run(kMonday, kMonday + 9 * kDay + 2 * kHour + 1, 20);
  const int64_t now = r.utc;
  struct Case {
    int64_t days_back;
    bool recorded;
  };
  for (const Case c : std::vector<Case>{{0, true}, {1, true}, {6, true}, {7, true}, {8, false}, {9, false}}) {
    CAPTURE(c.days_back);
    const int64_t day_start = (history_day(now) - c.days_back) * kDay;
    CHECK(r.at(day_start + kHour, now).recorded() == c.recorded);
  }
  CHECK(r.storage.blobs.size() == 8);
}

TEST_CASE("history: a page is 72 slots at most, from `from` rounded down, cut at the slot in progress") {
  Recorder r;
  r.run(kMonday, kMonday + kDay + 5 * kHour + 125, 5);  // Tuesday 05:02:05
  const int64_t now = r.utc;
  struct Case {
    const char* what;
    int64_t from;
    size_t count;
  };
  const std::vector<Case> cases = {
      {"12 hours back", now - 12 * kHour, 72},
      {"13 hours back: still 72", now - 13 * kHour, 72},
      {"from inside a slot: rounded down", kMonday + kDay + 5 * kHour + 599, 1},
      {"from the slot in progress", kMonday + kDay + 5 * kHour, 1},
      {"from the next slot: none", kMonday + kDay + 5 * kHour + 600, 0},
      {"from the next second: none", now + 1 - (now % 600) + 600, 0},
      {"one hour back", kMonday + kDay + 4 * kHour, 7},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CHECK(r.page(c.from, now).size() == c.count);
  }
  // The slot in progress shows what it has so far.
  const auto last = r.page(kMonday + kDay + 5 * kHour, now);
  CHECK(last[0].recorded());
  CHECK(last[0].temperature == 2000);
  CHECK(last[0].setpoint == 160);
  // A page across midnight reads Monday's blob and Tuesday's RAM.
  const auto across = r.page(kMonday + 17 * kHour + 10 * 60, now);
  REQUIRE(across.size() == 72);
  for (const auto& s : across) CHECK(s.recorded());
  // Before the first record nothing is known: everything older than 8 days or never recorded.
  CHECK_FALSE(r.at(kMonday - kHour, now).recorded());
}

TEST_CASE("history: day blob round trip, and only one encoding") {
  std::vector<HistorySample> samples(kHistorySlotsPerDay);
  samples[0] = HistorySample{-2000, 0, 0};
  samples[1] = HistorySample{6000, 250, 60};
  samples[2] = HistorySample{kHistoryNoTemperature, kHistoryNoSetpoint, 30};
  samples[3] = HistorySample{2000, 160, kHistoryNotRecorded};  // unrecorded: stored as markers only
  uint8_t blob[kHistoryBlobSize];
  REQUIRE(encode_history_day(20000, samples.data(), blob) == kHistoryBlobSize);
  REQUIRE(check_history_day(blob, sizeof blob, 20000) == Error::none);
  CHECK(check_history_day(blob, sizeof blob, 20008) == Error::corrupt);
  CHECK(history_blob_sample(blob, 0).temperature == -2000);
  CHECK(history_blob_sample(blob, 1).heater == 60);
  CHECK(history_blob_sample(blob, 2).setpoint == kHistoryNoSetpoint);
  CHECK(history_blob_sample(blob, 3).temperature == kHistoryNoTemperature);
  CHECK_FALSE(history_blob_sample(blob, 4).recorded());
  CHECK(history_blob(20000) == history_blob(20008));
  CHECK(history_blob(20000) != history_blob(20001));
}

// protocol/vectors/history.json: every scenario's steps through the real log, ticked once a second
// of the clock with the state in force (the generator's header says what each step means), and
// every page it answers against the hand-written one.
TEST_CASE("history: every scenario of protocol/vectors/history.json") {
  Json root(read_vector_file("history.json"));
  const cJSON* scenario;
  int scenarios = 0, pages = 0;
  cJSON_ArrayForEach(scenario, root.get("scenarios")) {
    ++scenarios;
    const std::string why = cJSON_GetObjectItemCaseSensitive(scenario, "why")->valuestring;
    CAPTURE(why);
    Recorder r;
    bool known = false;
    bool heater = false;
    bool held = false;
    Centi setpoint = 0;
    auto tick = [&](bool reading, Centi temperature) {
      HistoryTick t;
      t.reading = reading;
      t.temperature = temperature;
      t.held = held;
      t.setpoint = setpoint;
      t.heater_on = heater;
      r.log.record(r.utc, r.mono, t, r.storage, r.scratch);
    };
    const cJSON* step;
    int index = 0;
    cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(scenario, "steps")) {
      CAPTURE(index++);
      auto item = [step](const char* name) { return cJSON_GetObjectItemCaseSensitive(step, name); };
      if (const cJSON* clock = item("clock")) {
        known = true;
        r.utc = int64_t(clock->valuedouble);
        tick(false, 0);
      } else if (const cJSON* at = item("at")) {
        const int64_t until = int64_t(at->valuedouble);
        REQUIRE(known);
        REQUIRE(until >= r.utc);
        while (r.utc + 1 < until) {
          ++r.utc;
          r.mono += 1000;
          tick(false, 0);
        }
        if (until > r.utc) r.mono += 1000;
        r.utc = until;
        if (const cJSON* h = item("heater")) heater = cJSON_IsTrue(h);
        if (const cJSON* s = item("setpoint")) {
          held = cJSON_IsNumber(s);
          setpoint = held ? Centi(std::lround(s->valuedouble * 100)) : 0;
        }
        const cJSON* reading = item("reading");
        tick(cJSON_IsNumber(reading), cJSON_IsNumber(reading) ? Centi(std::lround(reading->valuedouble * 100)) : 0);
      } else if (item("reboot") != nullptr) {
        r.reboot();
        known = heater = held = false;
        r.mono += 1000;
      } else if (const cJSON* day = item("damage_day")) {
        auto& blob = r.storage.blobs[history_blob(history_day(int64_t(day->valuedouble)))];
        REQUIRE(!blob.empty());
        blob[blob.size() / 2] ^= 0x20;
      } else if (const cJSON* day = item("unreadable_day")) {
        r.storage.read_faults[history_blob(history_day(int64_t(day->valuedouble)))] = Error::io;
      } else if (const cJSON* from = item("page")) {
        ++pages;
        const cJSON* expect = item("expect");
        const int64_t f = int64_t(from->valuedouble);
        std::vector<HistorySample> page;
        if (known) page = r.page(f, r.utc);
        auto field = [expect](const char* name) { return cJSON_GetObjectItemCaseSensitive(expect, name); };
        if (known) {
          CHECK(field("time")->valuedouble == double(r.utc));
        } else {
          CHECK(cJSON_IsNull(field("time")));
        }
        CHECK(field("from")->valuedouble == double(history_slot_start(f)));
        REQUIRE(cJSON_GetArraySize(field("temperature")) == int(page.size()));
        for (size_t i = 0; i < page.size(); ++i) {
          CAPTURE(i);
          const HistorySample& s = page[i];
          const cJSON* t = cJSON_GetArrayItem(field("temperature"), int(i));
          const cJSON* p = cJSON_GetArrayItem(field("setpoint"), int(i));
          const cJSON* h = cJSON_GetArrayItem(field("heater_s"), int(i));
          const bool has_t = s.recorded() && s.temperature != kHistoryNoTemperature;
          const bool has_p = s.recorded() && s.setpoint != kHistoryNoSetpoint;
          CHECK(cJSON_IsNumber(t) == has_t);
          if (has_t && cJSON_IsNumber(t)) CHECK(s.temperature == std::lround(t->valuedouble * 100));
          CHECK(cJSON_IsNumber(p) == has_p);
          if (has_p && cJSON_IsNumber(p)) CHECK(history_setpoint_centi(s.setpoint) == std::lround(p->valuedouble * 100));
          CHECK(cJSON_IsNumber(h) == s.recorded());
          if (s.recorded() && cJSON_IsNumber(h)) CHECK(s.heater * 10 == std::lround(h->valuedouble));
        }
      }
    }
  }
  CHECK(scenarios >= 16);
  CHECK(pages > 30);
}
