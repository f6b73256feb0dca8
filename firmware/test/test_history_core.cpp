// The history as the real Thermostat records and answers it (docs/protocol.md "History" and
// "Messages", HISTORY_get and HISTORY): what each slot holds against what the core saw tick by
// tick, bad requests, the session and seq rules, storage faults, reboots and the widest page.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fakes.h"
#include "history_check.h"
#include "history_log.h"
#include "vector_cases.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr int64_t kMonday = 1796601600;  // 2026-12-07T00:00:00Z
constexpr int64_t kHour = 3600, kDay = 86400, kSlot = 600;

// What the core saw in one slot, tick by tick: the readings it took and the heater's seconds.
struct Seen {
  int64_t sum = 0;
  int64_t count = 0;
  int64_t heater_s = 0;
};

struct Rig {
  Bench bench;
  App app;
  int64_t utc = 0;  // the wall clock as the thermostat has it, whole seconds
  std::map<int64_t, Seen> seen;  // by slot start
  // The room: warms while the relay is on, cools otherwise.
  double room = 15.0;
  bool sensor_failed = false;

  Rig() : app(online_with_app(bench)) {}
  void sntp(int64_t at) {
    utc = at;
    bench.core->set_wall_time(at, bench.now);
    bench.core->tick(bench.now);
  }
  // One-second ticks, the room model between them, and what each tick saw.
  void run(int64_t seconds) {
    for (int64_t i = 0; i < seconds; ++i) {
      const int64_t slot = history_slot_start(utc);
      if (bench.relay.on) seen[slot].heater_s += 1;
      room += bench.relay.on ? 0.01 : -0.004;
      if (sensor_failed) {
        bench.sensor.fail();
      } else {
        bench.sensor.set_temperature(float(room));
      }
      bench.now += 1000;
      ++utc;
      const int reads = bench.sensor.reads;
      bench.core->tick(bench.now);
      if (bench.sensor.reads != reads && bench.core->sensor_ok()) {
        Seen& s = seen[history_slot_start(utc)];
        s.sum += to_centi(bench.sensor.last.reading.temperature);
        ++s.count;
      }
    }
  }
  std::vector<std::string> ask(const std::string& fields) {
    bench.link.sent.clear();
    bench.deliver(app.command("HISTORY_get", fields));
    return bench.all_for(app);
  }
  Json history(int64_t from) {
    const auto replies = ask("\"from\":" + std::to_string(from));
    REQUIRE(replies.size() == 1);
    CHECK(history_problems(replies[0]).empty());
    return Json(replies[0]);
  }
};

double entry(const Json& j, const char* list, int i) {
  const cJSON* v = cJSON_GetArrayItem(j.get(list), i);
  return cJSON_IsNumber(v) ? v->valuedouble : -1000;
}
bool entry_null(const Json& j, const char* list, int i) { return cJSON_IsNull(cJSON_GetArrayItem(j.get(list), i)); }
int slots(const Json& j) { return cJSON_GetArraySize(j.get("temperature")); }

}  // namespace

TEST_CASE("history core: each slot holds the mean of the readings, the set point at its end and the heater's seconds") {
  Rig rig;
  rig.sntp(kMonday + 10 * kHour - 30);
  rig.run(kHour + 5 * 60 + 30);  // to 11:05
  const Json page = rig.history(kMonday + 10 * kHour);
  CHECK(page.str("type") == "HISTORY");
  CHECK(page.num("time") == double(kMonday + 11 * kHour + 5 * 60));
  CHECK(page.num("from") == double(kMonday + 10 * kHour));
  CHECK(page.num("interval_s") == 600);
  REQUIRE(slots(page) == 7);
  int64_t heated = 0;
  for (int i = 0; i < 6; ++i) {
    CAPTURE(i);
    const Seen& s = rig.seen[kMonday + 10 * kHour + i * kSlot];
    REQUIRE(s.count > 100);
    const int64_t mean = int64_t(std::floor((2.0 * double(s.sum) + double(s.count)) / (2.0 * double(s.count))));
    CHECK(std::lround(entry(page, "temperature", i) * 100) == mean);
    CHECK(entry(page, "setpoint", i) == 20.0);
    CHECK(int64_t(entry(page, "heater_s", i)) == (s.heater_s + 5) / 10 * 10);
    heated += s.heater_s;
  }
  // The room went round its band: the heater both ran and rested.
  CHECK(heated > 600);
  CHECK(heated < 3000);
  // The slot in progress: what it has so far.
  CHECK_FALSE(entry_null(page, "temperature", 6));
  // 09:40, before the clock was known, is not recorded: all three null.
  const Json earlier = rig.history(kMonday + 9 * kHour + 40 * 60);
  REQUIRE(slots(earlier) == 9);
  CHECK(entry_null(earlier, "temperature", 0));
  CHECK(entry_null(earlier, "setpoint", 0));
  CHECK(entry_null(earlier, "heater_s", 0));
}

TEST_CASE("history core: no good reading: temperature and set point null, the heater's 0 s recorded") {
  Rig rig;
  rig.sntp(kMonday + 3 * kHour);
  rig.sensor_failed = true;
  rig.run(2 * kSlot + 10);
  const Json page = rig.history(kMonday + 3 * kHour);
  REQUIRE(slots(page) == 3);
  // 03:00: the first minute still had good readings and a set point held; 03:10 none.
  CHECK(entry_null(page, "temperature", 1));
  CHECK(entry_null(page, "setpoint", 1));
  CHECK(entry(page, "heater_s", 1) == 0);
}

TEST_CASE("history core: HISTORY_get refused as the contract says, never changing anything") {
  struct Case {
    const char* what;
    std::string fields;
    const char* answer;  // "HISTORY", a STATE error, or "" for no answer
  };
  const std::vector<Case> cases = {
      {"from missing", "", "bad_message"},
      {"from as text", "\"from\":\"1796601600\"", "bad_message"},
      {"from null", "\"from\":null", "bad_message"},
      {"from true", "\"from\":true", "bad_message"},
      {"from an object", "\"from\":{}", "bad_message"},
      {"from not whole", "\"from\":1796601600.5", "out_of_range"},
      {"from before 2024", "\"from\":1704067199", "out_of_range"},
      {"from after 2099", "\"from\":4102444800", "out_of_range"},
      {"from -0", "\"from\":-0", "out_of_range"},
      {"from 1e400", "\"from\":1e400", "out_of_range"},
      {"from good", "\"from\":1796601600", "HISTORY"},
      {"from good, with fields that are ignored", "\"from\":1796601600,\"target\":25,\"to\":3", "HISTORY"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Rig rig;
    rig.sntp(kMonday + 2 * kHour);
    rig.run(30);
    const Settings before = rig.bench.core->settings();
    const int writes = rig.bench.storage.writes;
    const auto replies = rig.ask(c.fields);
    REQUIRE(replies.size() == 1);
    Json reply(replies[0]);
    if (std::string(c.answer) == "HISTORY") {
      CHECK(reply.str("type") == "HISTORY");
      CHECK(history_problems(replies[0]).empty());
    } else {
      CHECK(reply.str("type") == "STATE");
      CHECK(reply.str("error") == c.answer);
    }
    CHECK(rig.bench.core->settings() == before);
    CHECK(rig.bench.storage.writes == writes);
  }
}

TEST_CASE("history core: session and seq as for SET; HISTORY counts on STATE's seq") {
  Rig rig;
  rig.sntp(kMonday + kHour);
  rig.run(20);
  rig.bench.link.sent.clear();
  rig.bench.deliver(rig.app.command("SET", ""));
  const double state_seq = Json(rig.bench.last_for(rig.app)).num("seq");
  const Json page = rig.history(kMonday + kHour);
  CHECK(page.num("seq") == state_seq + 1);
  CHECK(page.str("session") == rig.app.session);
  rig.bench.link.sent.clear();
  rig.bench.deliver(rig.app.command("SET", ""));
  CHECK(Json(rig.bench.last_for(rig.app)).num("seq") == state_seq + 2);

  // The same seq again: dropped without an answer.
  const std::string again = rig.app.command("HISTORY_get", "\"from\":1796601600");
  rig.bench.deliver(again);
  rig.bench.link.sent.clear();
  rig.bench.deliver(again);
  CHECK(rig.bench.all_for(rig.app).empty());
  // A session the thermostat does not know: stale_session, no HISTORY.
  const std::string session = rig.app.session;
  rig.app.session = "c2Vzc2lvbi0xMjM0";
  const auto stale = rig.ask("\"from\":1796601600");
  REQUIRE(stale.size() == 1);
  CHECK(Json(stale[0]).str("type") == "ERROR");
  CHECK(Json(stale[0]).str("code") == "stale_session");
  rig.app.session = session;
  // Sealed as a START packet: not a command, dropped.
  rig.bench.link.sent.clear();
  ++rig.app.seq;
  rig.bench.deliver(rig.app.seal("START", "{\"type\":\"HISTORY_get\",\"session\":\"" + session +
                                               "\",\"seq\":" + std::to_string(rig.app.seq) +
                                               ",\"from\":1796601600}"));
  CHECK(rig.bench.all_for(rig.app).empty());
}

TEST_CASE("history core: the clock unknown: time null, no slots, from still rounded down") {
  Bench bench;
  App app = online_with_app(bench);
  bench.run_for(20000);
  bench.link.sent.clear();
  bench.deliver(app.command("HISTORY_get", "\"from\":1796601899"));
  const auto replies = bench.all_for(app);
  REQUIRE(replies.size() == 1);
  CHECK(history_problems(replies[0]).empty());
  Json j(replies[0]);
  CHECK(j.is_null("time"));
  CHECK(j.num("from") == 1796601600);
  CHECK(cJSON_GetArraySize(j.get("temperature")) == 0);
  CHECK(bench.core->history().day() == -1);
}

TEST_CASE("history core: a reboot loses at most the hour in progress; the blobs are all it keeps") {
  Rig rig;
  rig.sntp(kMonday + 10 * kHour);
  rig.run(kHour + 35 * 60);  // 11:35
  rig.bench.reboot();
  rig.bench.online();
  rig.bench.start(rig.app);
  rig.sntp(kMonday + 11 * kHour + 40 * 60);
  rig.run(60);
  const Json page = rig.history(kMonday + 10 * kHour);
  REQUIRE(slots(page) == 11);
  for (int i = 0; i < 11; ++i) {
    CAPTURE(i);
    const bool kept = i < 6 || i == 10;  // 10:00-10:50 written at 11:00; 11:40 in progress
    CHECK(entry_null(page, "heater_s", i) == !kept);
  }
}

TEST_CASE("history core: storage faults: unreadable or damaged days are null, heating and settings untouched") {
  Rig rig;
  rig.sntp(kMonday + 20 * kHour);
  rig.run(4 * kHour + 10 * 60);  // into Tuesday 00:10
  const Blob monday = history_blob(history_day(kMonday));
  REQUIRE(rig.bench.storage.blobs.count(monday) == 1);
  const std::vector<uint8_t> settings_blob = rig.bench.storage.blobs[Blob::settings];
  struct Case {
    const char* what;
    std::function<void(MemoryStorage&)> harm;
  };
  const std::vector<Case> cases = {
      {"unreadable", [&](MemoryStorage& s) { s.read_faults[monday] = Error::io; }},
      {"a bit flipped", [&](MemoryStorage& s) { s.blobs[monday][100] ^= 4; }},
      {"truncated", [&](MemoryStorage& s) { s.blobs[monday].resize(10); }},
      {"too large", [&](MemoryStorage& s) { s.blobs[monday].resize(5000); }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    MemoryStorage saved = rig.bench.storage;
    c.harm(rig.bench.storage);
    const Json page = rig.history(kMonday + 23 * kHour);
    REQUIRE(slots(page) == 8);
    for (int i = 0; i < 6; ++i) CHECK(entry_null(page, "heater_s", i));
    CHECK_FALSE(entry_null(page, "heater_s", 6));  // Tuesday, in RAM
    rig.bench.deliver(rig.app.command("SET", ""));
    CHECK(Json(rig.bench.last_for(rig.app)).is_null("error"));
    rig.bench.storage.blobs = saved.blobs;
    rig.bench.storage.read_faults = saved.read_faults;
  }
  // Writes failing: the history's are not retried and never make STATE say storage; the heater
  // keeps to its band.
  rig.bench.storage.fail_writes = true;
  const int switches = rig.bench.relay.switches;
  rig.room = 15.0;
  rig.run(kHour);
  CHECK(rig.bench.relay.switches > switches + 2);
  rig.bench.deliver(rig.app.command("SET", ""));
  CHECK(Json(rig.bench.last_for(rig.app)).is_null("error"));
  CHECK(rig.bench.storage.blobs[Blob::settings] == settings_blob);
}

TEST_CASE("history core: the widest HISTORY fits the frame, its samples read from a day blob") {
  Rig rig;
  // Monday as a previous boot stored it: 72 slots from 12:00 of the widest values.
  std::vector<HistorySample> samples(kHistorySlotsPerDay);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = HistorySample{int16_t(i % 2 == 0 ? -1999 : 5999), uint8_t(73 + i % 100), 59};
  }
  std::vector<uint8_t> blob(kHistoryBlobSize);
  encode_history_day(history_day(kMonday), samples.data(), blob.data());
  rig.bench.storage.blobs[history_blob(history_day(kMonday))] = blob;
  rig.sntp(kMonday + kDay + 10);
  rig.run(5);
  rig.bench.link.sent.clear();
  rig.bench.deliver(rig.app.command("HISTORY_get", "\"from\":" + std::to_string(kMonday + 12 * kHour)));
  REQUIRE(rig.bench.link.sent.size() == 1);
  const std::string frame = rig.bench.link.sent[0];
  const std::string plain = rig.app.open(frame);
  CHECK(history_problems(plain).empty());
  const Json page(plain);
  REQUIRE(slots(page) == 72);
  for (int i = 0; i < 72; ++i) {
    CAPTURE(i);
    CHECK(entry(page, "temperature", i) == (i % 2 == 0 ? -19.99 : 59.99));
    CHECK(std::lround(entry(page, "setpoint", i) * 10) == 50 + 73 + (72 + i) % 100);
    CHECK(entry(page, "heater_s", i) == 590);
  }
  MESSAGE("widest HISTORY: ", plain.size(), " bytes of plaintext, ", frame.size(), " bytes of frame");
  CHECK(plain.size() < Thermostat::kStatePlainBytes / 2);
  CHECK(frame.size() < Thermostat::kFrameBytes);
  // Nothing of the blob or the page leaks into the next frame: a STATE after it is whole.
  rig.bench.link.sent.clear();
  rig.bench.deliver(rig.app.command("SET", ""));
  CHECK(Json(rig.bench.last_for(rig.app)).str("type") == "STATE");
}

TEST_CASE("history core: a factory reset forgets every day, and a blob it could not empty is never read") {
  for (const bool writes_fail : {false, true}) {
    CAPTURE(writes_fail);
    Rig rig;
    rig.sntp(kMonday + 20 * kHour);
    rig.run(4 * kHour + 10 * 60);  // Monday's blob written, Tuesday 00:10 in RAM
    const Blob monday = history_blob(history_day(kMonday));
    REQUIRE(rig.bench.storage.blobs[monday].size() == kHistoryBlobSize);
    for (size_t d = 0; d < kHistoryDays && writes_fail; ++d) {
      rig.bench.storage.write_faults[Blob(uint8_t(Blob::history_0) + d)] = Error::io;
    }
    REQUIRE(rig.bench.core->factory_reset(rig.bench.now) == Error::none);
    rig.bench.storage.write_faults.clear();
    if (writes_fail) CHECK(rig.bench.storage.blobs[monday].size() == kHistoryBlobSize);
    // The next household pairs: nothing of the last one's days is there to read.
    rig.bench.online(2);
    App next = rig.bench.app(2);
    rig.bench.start(next);
    rig.app = next;
    rig.sntp(kMonday + 24 * kHour + 20 * 60);
    rig.run(60);
    const Json monday_page = rig.history(kMonday + 12 * kHour);
    REQUIRE(slots(monday_page) == 72);
    for (int i = 0; i < 72; ++i) CHECK(entry_null(monday_page, "heater_s", i));
    const Json tuesday = rig.history(kMonday + 24 * kHour);
    CHECK(entry_null(tuesday, "heater_s", 0));  // Tuesday 00:00-00:10 was the last household's
    CHECK_FALSE(entry_null(tuesday, "heater_s", 2));  // 00:20, the new one's
    // Emptied in storage too, at once or at the retry after storage came back.
    rig.run(30);
    CHECK(rig.bench.storage.blobs[monday].empty());
  }
}
