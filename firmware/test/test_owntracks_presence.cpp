// Presence from OwnTracks (docs/protocol.md "What the thermostat accepts", "Messages"
// OWNTRACKS_set): a member's secret and region, the RELAY's box opened under it, the replay rule,
// the delayed leave and the stored registrations, on a bench thermostat with real envelopes and
// real boxes.
#include <doctest/doctest.h>

#include "owntracks_helpers.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// A thermostat online, in auto, with one app that has a session and has registered kSecret.
struct Household {
  Bench bench;
  App ana;
  explicit Household() : ana(registered_member(bench, 1, "Ana's phone")) {}
  // The phone's message sealed under its secret (or another), as the broker relays it.
  void phone(const std::string& plaintext, const std::string& secret = kSecret, uint8_t seed = 1) {
    bench.deliver(relay_frame(bench.id(), ana.id(), owntracks_data(secret, plaintext, seed)));
  }
  const Peer* presence() const { return member_of(bench, ana.id()); }
  std::string where() const { return where_is(bench, ana.id()); }
  // The member's entry in the STATE the app gets for an empty SET.
  Json entry() {
    bench.link.sent.clear();
    bench.deliver(ana.command("SET", ""));
    Json state(bench.last_for(ana));
    const cJSON* member;
    cJSON_ArrayForEach(member, state.get("members")) {
      const cJSON* id = cJSON_GetObjectItemCaseSensitive(member, "id");
      if (cJSON_IsString(id) && ana.id() == id->valuestring) return Json(json_text(cJSON_Duplicate(member, true)));
    }
    return Json("null");
  }
};

// Plaintexts by kind, with times in seconds after an arbitrary epoch.
std::string enter(uint64_t s) { return transition("enter", 1764680000 + s); }
std::string leave(uint64_t s) { return transition("leave", 1764680000 + s); }
std::string inside(uint64_t s) { return location(1764680000 + s); }

}  // namespace

TEST_CASE("owntracks: enter is home at once; a leave counts only once it has stood 180 s") {
  struct Case {
    const char* why;
    std::vector<std::pair<uint32_t, std::string>> steps;  // (ms to advance first, plaintext or "")
    std::vector<std::string> expect;                      // presence after each step
  };
  const Case cases[] = {
      {"enter: home at once", {{0, enter(0)}}, {"home"}},
      {"leave alone: away after 180 s, not before",
       {{0, enter(0)}, {1000, leave(10)}, {179000, ""}, {1000, ""}},
       {"home", "home", "home", "away"}},
      {"a leave reverted by an enter within 180 s never counts",
       {{0, enter(0)}, {1000, leave(10)}, {60000, enter(70)}, {300000, ""}},
       {"home", "home", "home", "home"}},
      {"a leave cancelled by a location inside Hearth",
       {{0, enter(0)}, {1000, leave(10)}, {60000, inside(70)}, {300000, ""}},
       {"home", "home", "home", "home"}},
      {"a location inside Hearth is home, as an enter", {{0, inside(0)}}, {"home"}},
      {"a location outside the region changes nothing, nor cancels a leave",
       {{0, enter(0)}, {1000, location(1764680005, "")}, {1000, leave(10)},
        {1000, location(1764680011, "[\"Work\"]")}, {180000, ""}},
       {"home", "home", "home", "home", "away"}},
      {"another region's transition changes nothing",
       {{0, transition("enter", 1764680000, kWtst + 1)}, {1000, enter(1)},
        {1000, transition("leave", 1764680002, kWtst + 1)}, {200000, ""}},
       {"none", "home", "home", "home"}},
      {"inregions as text, or the region's name in another case, is not the region",
       {{0, location(1764680000, "\"Hearth\"")}, {1000, location(1764680001, "[\"hearth\"]")}},
       {"none", "none"}},
      {"another event changes nothing", {{0, transition("exit", 1764680000)}}, {"none"}},
      {"a second leave does not restart the delay",
       {{0, enter(0)}, {1000, leave(10)}, {100000, leave(110)}, {80000, ""}},
       {"home", "home", "home", "away"}},
      {"an iOS body: created_at is the time, not tst",
       {{0, "{\"_type\":\"transition\",\"event\":\"enter\",\"wtst\":" + std::to_string(kWtst) +
                ",\"tst\":1764680000,\"created_at\":1764680100}"},
        {1000, leave(50)}, {200000, ""}},
       {"home", "home", "home"}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Household house;
    for (size_t i = 0; i < c.steps.size(); ++i) {
      CAPTURE(i);
      if (c.steps[i].first > 0) house.bench.run_for(c.steps[i].first);
      if (!c.steps[i].second.empty()) house.phone(c.steps[i].second, kSecret, uint8_t(i + 1));
      CHECK(house.where() == c.expect[i]);
    }
  }
}

TEST_CASE("owntracks: replays and reorderings are refused within each type; types are ordered apart") {
  struct Case {
    const char* why;
    std::string first, second, third;
    const char* expect;  // presence after the third message and 200 s
  };
  const Case cases[] = {
      {"the enter replayed after a leave is not applied twice", enter(0), leave(10), enter(0), "away"},
      {"an older enter after a leave is refused", enter(0), leave(10), enter(5), "away"},
      {"a newer enter after a leave counts", enter(0), leave(10), enter(11), "home"},
      {"a location at the leave's time is another type: accepted, home", enter(0), leave(10),
       inside(10), "home"},
      {"a second transition at the same time is refused", enter(0), leave(10),
       transition("enter", 1764680010), "away"},
      {"a location older than the leave is accepted but does not cancel it", enter(0), leave(10),
       inside(9), "away"},
      {"an Android leave whose fix time is below a location's created_at still counts", enter(0),
       inside(20), leave(15), "away"},
      {"a location resent after a later one is refused", inside(20), inside(30), inside(20), "home"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Household house;
    house.phone(c.first, kSecret, 1);
    house.bench.run_for(1000);
    house.phone(c.second, kSecret, 2);
    house.bench.run_for(1000);
    house.phone(c.third, kSecret, 3);  // Android seals the same message anew
    house.bench.run_for(200000);
    CHECK(house.where() == c.expect);
  }
  // iOS resends the same bytes: applied once.
  Household house;
  house.phone(enter(0), kSecret, 7);
  house.phone(leave(5), kSecret, 8);
  house.bench.run_for(200000);
  REQUIRE(house.where() == "away");
  house.phone(enter(0), kSecret, 7);
  CHECK(house.where() == "away");
}

TEST_CASE("owntracks: what does not open, or is not a message with a time, is dropped") {
  const std::string wtst = std::to_string(kWtst);
  struct Case {
    const char* why;
    std::string plaintext;
    const char* secret;
    bool opens;  // reaches the JSON reading (else counted as a dropped box)
  };
  const Case cases[] = {
      {"sealed under another secret", enter(0), kOtherSecret, false},
      {"a plaintext body: not a box", "", nullptr, false},
      {"not JSON", "enter", kSecret, true},
      {"JSON that is not an object", "[1,2]", kSecret, true},
      {"a key twice (JSON rules)",
       "{\"_type\":\"transition\",\"event\":\"leave\",\"event\":\"enter\",\"wtst\":" + wtst +
           ",\"tst\":1764680000}",
       kSecret, true},
      {"nested 9 deep (JSON rules)",
       "{\"_type\":\"location\",\"tst\":1764680000,\"inregions\":[\"Hearth\"],\"x\":[[[[[[[[1]]]]]]]]}",
       kSecret, true},
      {"no _type", "{\"event\":\"enter\",\"wtst\":" + wtst + ",\"tst\":1764680000}", kSecret, true},
      {"_type waypoint", "{\"_type\":\"waypoint\",\"event\":\"enter\",\"wtst\":" + wtst + ",\"tst\":1764680000}",
       kSecret, true},
      {"_type encrypted inside the box",
       "{\"_type\":\"encrypted\",\"event\":\"enter\",\"wtst\":" + wtst + ",\"tst\":1764680000}", kSecret, true},
      {"no time", "{\"_type\":\"transition\",\"event\":\"enter\",\"wtst\":" + wtst + "}", kSecret, true},
      {"time 0", transition("enter", 0), kSecret, true},
      {"a negative time", "{\"_type\":\"location\",\"tst\":-5,\"inregions\":[\"Hearth\"]}", kSecret, true},
      {"a fractional time", "{\"_type\":\"location\",\"tst\":1764680000.5,\"inregions\":[\"Hearth\"]}",
       kSecret, true},
      {"time 2^53", "{\"_type\":\"location\",\"tst\":9007199254740992,\"inregions\":[\"Hearth\"]}",
       kSecret, true},
      {"time as text", "{\"_type\":\"location\",\"tst\":\"1764680000\",\"inregions\":[\"Hearth\"]}",
       kSecret, true},
      {"a created_at that is no time is not replaced by tst",
       "{\"_type\":\"location\",\"created_at\":null,\"tst\":1764680000,\"inregions\":[\"Hearth\"]}",
       kSecret, true},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Household house;
    const uint32_t dropped_before = house.bench.core->dropped_envelopes();
    const int writes_before = house.bench.storage.writes;
    if (c.secret == nullptr) {
      house.bench.deliver(relay_frame(house.bench.id(), house.ana.id(), base64({'{', '}'})));
    } else {
      house.phone(c.plaintext, c.secret);
    }
    CHECK(house.bench.core->dropped_envelopes() == dropped_before + (c.opens ? 0 : 1));
    CHECK(house.where() == "none");
    CHECK(house.bench.storage.writes == writes_before);  // nothing accepted, nothing stored
    // Nothing was taken as a time either: the phone's real enter at the earliest time counts.
    house.phone(inside(0), kSecret, 9);
    CHECK(house.where() == "home");
  }
}

TEST_CASE("owntracks: a RELAY for a member without a secret, or sealed for another, is dropped") {
  Household house;
  App ben = house.bench.app(2);
  house.bench.start(ben, "Ben's phone");
  // Ben has no secret: his phone's body is dropped unopened.
  const uint32_t dropped = house.bench.core->dropped_envelopes();
  house.bench.deliver(relay_frame(house.bench.id(), ben.id(), owntracks_data(kSecret, enter(0))));
  CHECK(house.bench.core->dropped_envelopes() == dropped);
  CHECK(member_of(house.bench, ben.id())->has_presence == false);
  // Ben registers another secret: Ana's body relayed as Ben's does not open under it.
  register_owntracks(house.bench, ben, kOtherSecret);
  house.bench.deliver(relay_frame(house.bench.id(), ben.id(), owntracks_data(kSecret, enter(0))));
  CHECK(house.bench.core->dropped_envelopes() == dropped + 1);
  CHECK(member_of(house.bench, ben.id())->has_presence == false);
  CHECK(house.where() == "none");
  // Each phone under its own secret.
  house.bench.deliver(relay_frame(house.bench.id(), ben.id(), owntracks_data(kOtherSecret, enter(0))));
  CHECK(member_of(house.bench, ben.id())->home);
  // Addressed to another thermostat, or not from the broker: dropped before it is opened.
  house.bench.deliver(relay_frame("Yw3NKWbEM2aRElRIu7JbT_", house.ana.id(), owntracks_data(kSecret, enter(1))));
  house.bench.deliver(relay_frame(house.bench.id(), house.ana.id(), owntracks_data(kSecret, enter(2)), ben.id()));
  CHECK(house.where() == "none");
  CHECK(house.bench.core->dropped_envelopes() == dropped + 1);
}

TEST_CASE("owntracks: STATE shows the source, distance null and the age from the deciding message") {
  Household house;
  house.bench.run_for(5000);
  house.phone(enter(0));
  house.bench.run_for(42000);
  Json entry2 = house.entry();
  CHECK(entry2.str("source") == "owntracks");
  CHECK(entry2.is_null("distance"));
  CHECK(entry2.truthy("home"));
  CHECK(entry2.num("age_s") == 42);
  CHECK(entry2.str("name") == "Ana's phone");

  // A leave: its age counts from its arrival, not from when it stood long enough.
  house.phone(leave(100));
  house.bench.run_for(200000);
  Json entry3 = house.entry();
  CHECK_FALSE(entry3.truthy("home"));
  CHECK(entry3.num("age_s") == 200);

  // The last report wins, from either source.
  house.bench.deliver(house.ana.command("HOME_set", "\"home\":true,\"distance\":12.5"));
  Json entry4 = house.entry();
  CHECK(entry4.str("source") == "app");
  CHECK(entry4.num("distance") == 12.5);
  CHECK(entry4.truthy("home"));
  house.phone(leave(300));
  house.bench.run_for(180000);
  Json entry5 = house.entry();
  CHECK(entry5.str("source") == "owntracks");
  CHECK_FALSE(entry5.truthy("home"));
  CHECK(house.bench.core->regime() == Regime::away);
}

TEST_CASE("owntracks: a HOME_set after a leave arrived outlives the leave") {
  Household house;
  house.phone(enter(0));
  house.bench.run_for(1000);
  house.phone(leave(10));
  house.bench.run_for(60000);
  house.bench.deliver(house.ana.command("HOME_set", "\"home\":true,\"distance\":3"));
  house.bench.run_for(200000);
  CHECK(house.where() == "home");
  CHECK_FALSE(house.presence()->from_owntracks);
}

TEST_CASE("owntracks: presence counts exactly like a HOME_set: regime, 12 h staleness, manual modes") {
  Household house;
  App ben = house.bench.app(2);
  house.bench.start(ben, "Ben's phone");
  house.bench.deliver(ben.command("HOME_set", "\"home\":false,\"distance\":5000"));
  house.bench.run_for(1000);
  CHECK(house.bench.core->regime() == Regime::away);
  house.phone(enter(0));
  CHECK(house.bench.core->regime() == Regime::home);
  house.phone(leave(10));
  house.bench.run_for(181000);
  CHECK(house.bench.core->regime() == Regime::away);
  house.phone(enter(200));
  CHECK(house.bench.core->regime() == Regime::home);
  // 12 h on, Ana's home is stale and Ben's away too: the last regime stays.
  house.bench.run_for(12u * 3600 * 1000, 60000);
  CHECK(house.bench.core->regime() == Regime::home);
  house.bench.deliver(ben.command("HOME_set", "\"home\":false,\"distance\":5000"));
  house.bench.run_for(1000);
  CHECK(house.bench.core->regime() == Regime::away);
  // A manual mode still decides by itself.
  house.bench.deliver(ben.command("SET", "\"mode\":\"away\""));
  house.phone(enter(50000));
  CHECK(house.bench.core->regime() == Regime::away);
}

TEST_CASE("owntracks: heater safety is unchanged by a member coming home") {
  Household house;
  house.bench.deliver(house.ana.command("SET", "\"target\":22,\"away_target\":10"));
  house.phone(leave(0));
  house.bench.run_for(181000);
  REQUIRE(house.bench.core->regime() == Regime::away);
  house.bench.sensor.set_temperature(18.0f);
  house.bench.run_for(70000);
  CHECK_FALSE(house.bench.relay.on);
  // Home: heat, once the relay's minimum interval allows.
  house.phone(enter(10));
  house.bench.run_for(61000);
  CHECK(house.bench.relay.on);
  // The sensor fails: off, whatever the presence says.
  house.bench.sensor.fail();
  house.bench.run_for(70000);
  house.phone(enter(20));
  house.bench.run_for(61000);
  CHECK_FALSE(house.bench.relay.on);
  CHECK(house.bench.core->heat_reason() == HeatReason::no_reading);
}

TEST_CASE("owntracks: a reboot keeps the replay time and the registration, not a pending leave") {
  Household house;
  house.phone(enter(0), kSecret, 1);
  house.phone(leave(10), kSecret, 2);
  house.bench.run_for(60000);
  house.bench.reboot();
  house.bench.online();
  // The member's last stored report: none in memory after a reboot, and the pending leave is gone.
  house.bench.run_for(300000);
  CHECK(house.where() == "none");
  // Both earlier messages are refused: the door stays shut.
  house.phone(enter(0), kSecret, 3);
  house.phone(leave(10), kSecret, 4);
  CHECK(house.where() == "none");
  // A location at the leave's time is another type: accepted, home; the one after it too.
  house.phone(inside(10), kSecret, 5);
  CHECK(house.where() == "home");
  // An OwnTracks-only member (no session since the reboot) keeps the name it registered with,
  // and gets no STATE pushed to it.
  const Peer* p = house.presence();
  REQUIRE(p != nullptr);
  CHECK(std::string(p->name) == "Ana's phone");
  CHECK(p->session[0] == '\0');
  house.bench.link.sent.clear();
  house.bench.run_for(120000);
  CHECK(house.bench.all_for(house.ana).empty());
  CHECK(house.bench.core->active_sessions() == 0);
  // Its app comes back: one entry, the OwnTracks presence, the app's session.
  house.bench.start(house.ana, "Ana's phone");
  Json entry = house.entry();
  CHECK(entry.str("source") == "owntracks");
}

TEST_CASE("owntracks: OWNTRACKS_set answers, in the contract's order") {
  struct Case {
    const char* why;
    std::string fields;
    const char* error;  // nullptr: accepted
    bool registered;    // afterwards
  };
  const std::string wtst = std::to_string(kWtst);
  const std::string secret = std::string("\"secret\":\"") + kSecret + "\"";
  const Case cases[] = {
      {"a secret and its region", secret + ",\"wtst\":" + wtst, nullptr, true},
      {"null forgets", "\"secret\":null", nullptr, false},
      {"null with a mistyped wtst: not read", "\"secret\":null,\"wtst\":\"x\"", nullptr, false},
      {"no secret", "\"wtst\":" + wtst, "bad_message", false},
      {"a secret of 31 characters", "\"secret\":\"q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6u\",\"wtst\":1", "bad_message", false},
      {"a secret of 33 characters", "\"secret\":\"q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uAA\",\"wtst\":1", "bad_message", false},
      {"a secret with + (not base64url)", "\"secret\":\"q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6u+\",\"wtst\":1", "bad_message", false},
      {"a secret as a number", "\"secret\":12,\"wtst\":1", "bad_message", false},
      {"no wtst with a secret", secret, "bad_message", false},
      {"wtst as text", secret + ",\"wtst\":\"1764633600\"", "bad_message", false},
      {"wtst null", secret + ",\"wtst\":null", "bad_message", false},
      {"a bad secret and an out-of-range wtst: bad_message first", "\"secret\":\"short\",\"wtst\":0", "bad_message", false},
      {"wtst 0", secret + ",\"wtst\":0", "out_of_range", false},
      {"wtst negative", secret + ",\"wtst\":-1", "out_of_range", false},
      {"wtst fractional", secret + ",\"wtst\":1.5", "out_of_range", false},
      {"wtst 2^53", secret + ",\"wtst\":9007199254740992", "out_of_range", false},
      {"wtst 1e400 (infinity)", secret + ",\"wtst\":1e400", "out_of_range", false},
      {"wtst 2^53 - 1", secret + ",\"wtst\":9007199254740991", nullptr, true},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Bench bench;
    bench.boot();
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.link.sent.clear();
    bench.deliver(app.command("OWNTRACKS_set", c.fields));
    Json state(bench.last_for(app));
    CHECK(state.str("type") == "STATE");
    if (c.error == nullptr) {
      CHECK(state.is_null("error"));
    } else {
      CHECK(state.str("error") == c.error);
    }
    const cJSON* listed = state.get("owntracks");
    REQUIRE(cJSON_IsArray(listed));
    CHECK(cJSON_GetArraySize(listed) == (c.registered ? 1 : 0));
    CHECK((bench.core->owntracks().find(app.id().c_str()) != nullptr) == c.registered);
    CHECK((bench.storage.blobs.count(Blob::owntracks) == 1) == c.registered);
  }
}

TEST_CASE("owntracks: at most 8 members; replace, forget, and the replay time of a new secret") {
  // Nine phones: more than there may be members, so phones on the old shared key of a thermostat
  // updated from before member keys, which register as before.
  Bench bench;
  bench.boot_updated();
  bench.online();
  std::vector<App> apps;
  for (uint8_t i = 0; i < 9; ++i) apps.push_back(bench.legacy_app(uint8_t(i + 1)));
  for (size_t i = 0; i < 8; ++i) {
    bench.start(apps[i]);
    CHECK(Json(register_owntracks(bench, apps[i])).is_null("error"));
  }
  bench.start(apps[8]);
  const int writes = bench.storage.writes;
  Json refused(register_owntracks(bench, apps[8]));
  CHECK(refused.str("error") == "full");
  CHECK(cJSON_GetArraySize(refused.get("owntracks")) == 8);
  CHECK(bench.storage.writes == writes);
  // A member that has one may replace it while 8 are registered (the ninth START took the slot
  // of the app heard from least recently, apps[0]: its registration stays).
  CHECK(bench.core->owntracks().find(apps[0].id().c_str()) != nullptr);
  CHECK(Json(register_owntracks(bench, apps[7], kOtherSecret)).is_null("error"));
  // Forgetting one makes room.
  bench.deliver(apps[1].command("OWNTRACKS_set", "\"secret\":null"));
  CHECK(Json(register_owntracks(bench, apps[8])).is_null("error"));
  // The same secret and region again: nothing to store.
  const int before = bench.storage.writes;
  CHECK(Json(register_owntracks(bench, apps[8])).is_null("error"));
  CHECK(bench.storage.writes == before);

  // Replay time: kept for the same secret, restarted for a new one.
  Household house;
  house.phone(enter(100), kSecret, 1);
  register_owntracks(house.bench, house.ana, kSecret, kWtst + 5);  // only the region changes
  house.phone(transition("leave", 1764680050, kWtst + 5), kSecret, 2);
  house.bench.run_for(200000);
  CHECK(house.where() == "home");  // the older leave was refused
  register_owntracks(house.bench, house.ana, kOtherSecret, kWtst);
  house.phone(leave(50), kOtherSecret, 3);
  house.bench.run_for(200000);
  CHECK(house.where() == "away");
  // Forgetting keeps the presence as last reported, drops a pending leave.
  house.phone(enter(60), kOtherSecret, 4);
  house.phone(leave(70), kOtherSecret, 5);
  house.bench.deliver(house.ana.command("OWNTRACKS_set", "\"secret\":null"));
  house.bench.run_for(200000);
  CHECK(house.where() == "home");
  CHECK(house.bench.core->owntracks().find(house.ana.id().c_str()) == nullptr);
}

TEST_CASE("owntracks: registrations are stored apart from the settings, like them") {
  SUBCASE("a failed write: in force, STATE says storage, retried every 30 s") {
    Household house;
    house.bench.storage.fail_next_writes = 2;
    house.phone(enter(0));
    CHECK(house.where() == "home");
    CHECK(house.bench.core->owntracks_unstored());
    Json state(house.bench.start(house.ana));
    CHECK(state.str("error") == "storage");
    const int writes = house.bench.storage.writes;
    house.bench.run_for(29000);
    CHECK(house.bench.core->owntracks_unstored());  // second failure at 30 s is not yet due
    house.bench.run_for(31000);                     // 30 s: fails; 60 s: succeeds
    CHECK_FALSE(house.bench.core->owntracks_unstored());
    CHECK(house.bench.storage.writes == writes + 1);
    house.bench.reboot();
    house.bench.online();
    house.phone(enter(0), kSecret, 2);  // the replay time was stored
    CHECK(house.where() == "none");
  }
  SUBCASE("an OWNTRACKS_set whose write fails is answered storage") {
    Bench bench;
    bench.boot();
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.storage.fail_writes = true;
    Json state(register_owntracks(bench, app));
    CHECK(state.str("error") == "storage");
    CHECK(cJSON_GetArraySize(state.get("owntracks")) == 1);
    bench.storage.fail_writes = false;
    bench.run_for(30000);
    bench.link.sent.clear();
    bench.deliver(app.command("SET", ""));
    CHECK(Json(bench.last_for(app)).is_null("error"));
  }
  SUBCASE("a registrations file that cannot be read: none in force, nothing written over it") {
    Household house;
    const std::vector<uint8_t> stored = house.bench.storage.blobs[Blob::owntracks];
    house.bench.storage.read_faults[Blob::owntracks] = Error::io;
    house.bench.reboot();
    house.bench.online();
    CHECK(house.bench.core->owntracks_unstored());
    CHECK_FALSE(house.bench.core->settings_unstored());
    house.phone(enter(0));
    CHECK(house.where() == "none");
    house.bench.run_for(60000);
    CHECK(house.bench.storage.blobs[Blob::owntracks] == stored);
    house.bench.storage.read_faults.clear();
    house.bench.run_for(30000);
    CHECK_FALSE(house.bench.core->owntracks_unstored());
    house.phone(enter(1), kSecret, 2);
    CHECK(house.where() == "home");
  }
  SUBCASE("a damaged registrations file loses only the registrations, written back empty") {
    Household house;
    house.bench.deliver(house.ana.command("SET", "\"target\":23.5"));
    for (const int damage : {0, 1, 2}) {
      CAPTURE(damage);
      if (damage == 0) house.bench.storage.blobs[Blob::owntracks][30] ^= 0x04;
      if (damage == 1) house.bench.storage.blobs[Blob::owntracks].resize(5000, 0);
      if (damage == 2) house.bench.storage.blobs[Blob::owntracks].pop_back();
      house.bench.reboot();
      CHECK(house.bench.core->settings().target == 2350);
      CHECK(house.bench.core->owntracks().find(house.ana.id().c_str()) == nullptr);
      CHECK_FALSE(house.bench.core->owntracks_unstored());
      OwntracksMembers read_back;
      const std::vector<uint8_t>& blob = house.bench.storage.blobs[Blob::owntracks];
      CHECK(decode_owntracks_members(blob.data(), blob.size(), &read_back) == Error::none);
      house.bench.online();
      house.bench.start(house.ana);
      register_owntracks(house.bench, house.ana);
    }
  }
  SUBCASE("damaged settings leave the registrations") {
    Household house;
    house.bench.storage.blobs[Blob::settings][4] ^= 0x10;
    house.bench.reboot();
    house.bench.online();
    CHECK(house.bench.core->owntracks().find(house.ana.id().c_str()) != nullptr);
    house.phone(enter(0));
    CHECK(house.where() == "home");
  }
  SUBCASE("a factory reset forgets them") {
    Household house;
    house.bench.core->factory_reset(house.bench.now);
    CHECK(house.bench.core->owntracks().find(house.ana.id().c_str()) == nullptr);
    house.bench.reboot();
    CHECK(house.bench.core->owntracks().find(house.ana.id().c_str()) == nullptr);
  }
}

TEST_CASE("owntracks: the registrations blob round-trips and refuses what OWNTRACKS_set would") {
  OwntracksMembers members;
  bool changed = false;
  REQUIRE(members.set("GGXACDHnP37iP8E8stD1iL", kSecret, 1, "Ana \xc3\xa9", &changed) == Error::none);
  REQUIRE(members.set("nH4Ikl0xS3tddsViWhBP2s", kOtherSecret, kMaxWholeNumber, "", &changed) == Error::none);
  members.find("nH4Ikl0xS3tddsViWhBP2s")->last_transition = kMaxWholeNumber;
  members.find("nH4Ikl0xS3tddsViWhBP2s")->last_location = kMaxWholeNumber - 1;
  std::vector<uint8_t> blob(kOwntracksBlobMaxBytes);
  blob.resize(encode_owntracks_members(members, blob.data()));
  CHECK(blob.size() == 8 + 2 * kOwntracksRecordBytes);
  OwntracksMembers read;
  REQUIRE(decode_owntracks_members(blob.data(), blob.size(), &read) == Error::none);
  const OwntracksMember* ben = read.find("nH4Ikl0xS3tddsViWhBP2s");
  REQUIRE(ben != nullptr);
  CHECK(ben->wtst == kMaxWholeNumber);
  CHECK(ben->last_transition == kMaxWholeNumber);
  CHECK(ben->last_location == kMaxWholeNumber - 1);
  CHECK(std::string(read.find("GGXACDHnP37iP8E8stD1iL")->name) == "Ana \xc3\xa9");
  CHECK(std::string(read.find("GGXACDHnP37iP8E8stD1iL")->secret) == kSecret);

  // Each change below is re-sealed with a good checksum: only the record's own rules refuse it.
  // The first record (Ana's) starts at 4: wtst, the two times, ID at 24, secret at 46, the name's
  // length at 78, the name at 79.
  struct Damage {
    const char* why;
    size_t offset;
    uint8_t value;
  };
  const Damage damages[] = {
      {"an ID character outside base64url", 4 + 24, '+'},
      {"an ID cut short", 4 + 24 + 5, 0},
      {"a secret character outside base64url", 4 + 46, '='},
      {"a secret cut short", 4 + 46 + 31, 0},
      {"a name longer than its field", 4 + 78, kMaxNameBytes + 1},
      {"a name with bytes after its length", 4 + 79 + 7, 'x'},
      {"a name cut short by a NUL", 4 + 79 + 2, 0},
      {"a name with a control character", 4 + 79, 0x07},
      {"a name cut inside a character", 4 + 78, 5},
      {"more members than records", 3, 3},
      {"an unknown version", 2, 3},
  };
  for (const Damage& d : damages) {
    CAPTURE(std::string(d.why));
    std::vector<uint8_t> bad = blob;
    bad[d.offset] = d.value;
    store_le32(bad.data() + bad.size() - 4, checksum32(bad.data(), bad.size() - 4));
    OwntracksMembers out;
    CHECK(decode_owntracks_members(bad.data(), bad.size(), &out) == Error::corrupt);
    CHECK(out.find("nH4Ikl0xS3tddsViWhBP2s") == nullptr);
  }
  // The same ID twice.
  std::vector<uint8_t> twice = blob;
  std::copy(blob.begin() + 4 + 24, blob.begin() + 4 + 24 + kIdLength,
            twice.begin() + 4 + kOwntracksRecordBytes + 24);
  store_le32(twice.data() + twice.size() - 4, checksum32(twice.data(), twice.size() - 4));
  CHECK(decode_owntracks_members(twice.data(), twice.size(), &read) == Error::corrupt);
  // A flipped bit anywhere fails the checksum.
  for (size_t at = 0; at < blob.size(); at += 7) {
    std::vector<uint8_t> flipped = blob;
    flipped[at] ^= 0x20;
    CHECK(decode_owntracks_members(flipped.data(), flipped.size(), &read) == Error::corrupt);
  }
}

TEST_CASE("base64_decode reads standard padded base64 strictly") {
  struct Case {
    const char* text;
    const char* bytes;  // nullptr: refused
  };
  const Case cases[] = {
      {"", ""},           {"Zg==", "f"},      {"Zm8=", "fo"},     {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"+/+/", "\xfb\xff\xbf"},
      {"Zg", nullptr},     // unpadded
      {"Zg=", nullptr},    // short padding
      {"Zh==", nullptr},   // bits after the last byte
      {"Z===", nullptr},   // three pads
      {"Zg==Zg==", nullptr},  // padding inside
      {"-_-_", nullptr},   // base64url's alphabet
      {"Zm9 ", nullptr},   // a space
      {"====", nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    uint8_t out[16];
    const Result<size_t> r = base64_decode(c.text, strlen(c.text), out, sizeof out);
    CHECK(r.ok() == (c.bytes != nullptr));
    if (c.bytes != nullptr && r.ok()) {
      CHECK(std::string(reinterpret_cast<char*>(out), r.value) == c.bytes);
    }
  }
}

TEST_CASE("the test phone seals exactly as libsodium: secretbox.json opens to its boxes") {
  Json vectors(read_vector_file("secretbox.json"));
  int sealed = 0;
  const cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("cases")) {
    const cJSON* plaintext = cJSON_GetObjectItemCaseSensitive(c, "plaintext");
    const std::string data = cJSON_GetObjectItemCaseSensitive(c, "data")->valuestring;
    const std::string secret = cJSON_GetObjectItemCaseSensitive(c, "secret")->valuestring;
    if (!cJSON_IsString(plaintext)) continue;
    std::vector<uint8_t> box(data.size());
    const Result<size_t> length = base64_decode(data.data(), data.size(), box.data(), box.size());
    REQUIRE(length.ok());
    box.resize(length.value);
    uint8_t key[kSecretboxKeyBytes];
    owntracks_key(secret.data(), secret.size(), key);
    CHECK(secretbox_seal(key, box.data(), plaintext->valuestring) == box);
    CHECK(base64(box) == data);
    ++sealed;
  }
  CHECK(sealed > 3);
}

TEST_CASE("owntracks: the largest STATE, 8 members and 8 secrets, fits the thermostat's buffer") {
  Bench bench;
  bench.boot();
  bench.online();
  std::vector<App> apps;
  const std::string quotes(32, '"');  // each escaped: 64 bytes of name
  for (uint8_t i = 0; i < kMaxPeers; ++i) {
    apps.push_back(bench.app(uint8_t(i + 1)));
    bench.start(apps.back(), quotes.c_str());
    register_owntracks(bench, apps.back());
    bench.deliver(apps.back().command("HOME_set", "\"home\":false,\"distance\":99999999.95"));
  }
  bench.run_for(1000u * 1000 * 1000, 1000u * 1000 * 100);  // ages and uptime of 10^6 s
  bench.link.sent.clear();
  bench.start(apps[0], quotes.c_str());  // an answer to START also carries its nonce
  const std::string state = bench.last_for(apps[0]);
  REQUIRE(!state.empty());
  Json parsed(state);
  CHECK(cJSON_GetArraySize(parsed.get("members")) == int(kMaxPeers));
  CHECK(cJSON_GetArraySize(parsed.get("owntracks")) == int(kMaxPeers));
  MESSAGE("largest STATE: ", state.size(), " of ", Thermostat::kStatePlainBytes, " bytes");
  CHECK(state.size() < Thermostat::kStatePlainBytes - 100);  // room for larger numbers than these
}
