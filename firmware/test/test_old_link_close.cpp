// Closing the old shared key (docs/protocol.md "The old shared key"): a phone that never joined is
// nobody's member, so its session, presence and OwnTracks secret go with it, and stay gone across
// a restart; whether a member closes it (MEMBERS_set old_link) or removes another member.
#include <doctest/doctest.h>

#include <algorithm>

#include "members_helpers.h"
#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// The IDs a STATE lists in `field` (members: objects with an id; owntracks: the IDs).
std::vector<std::string> state_ids(const Json& state, const char* field) {
  std::vector<std::string> ids;
  const cJSON* item;
  cJSON_ArrayForEach(item, state.get(field)) {
    const cJSON* id = cJSON_IsString(item) ? item : cJSON_GetObjectItemCaseSensitive(item, "id");
    ids.push_back(cJSON_IsString(id) ? id->valuestring : "");
  }
  return ids;
}

bool lists(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Whether the stored OwnTracks registrations hold `id`.
bool stored_registration(Bench& bench, const std::string& id) {
  OwntracksMembers registrations;
  const std::vector<uint8_t>& blob = bench.storage.blobs[Blob::owntracks];
  REQUIRE(decode_owntracks_members(blob.data(), blob.size(), &registrations) == Error::none);
  return registrations.find(id.c_str()) != nullptr;
}

std::string enter(uint64_t s) { return transition("enter", 1764680000 + s); }

// A thermostat updated from before member keys: Ana and Ben joined, an old phone still on the old
// shared key reports home (HOME_set) and has registered OwnTracks; Ana reports away.
struct UpdatedHousehold {
  Bench bench;
  App ana, ben, old_phone;
  UpdatedHousehold()
      : ana((bench.boot_updated(), bench.online(), bench.app(1, "Ana"))),
        ben(bench.app(2, "Ben")),
        old_phone(bench.legacy_app(9)) {
    bench.start(ana, "Ana");
    bench.start(ben, "Ben");
    bench.start(old_phone, "Old phone");
    REQUIRE(Json(register_owntracks(bench, old_phone)).is_null("error"));
    bench.deliver(old_phone.command("HOME_set", "\"home\":true,\"distance\":10"));
    bench.deliver(ana.command("HOME_set", "\"home\":false,\"distance\":5000"));
    bench.run_for(1000);
  }
  std::string close(bool by_removal) {
    return members_set(bench, ana, by_removal ? "\"remove\":\"" + ben.id() + "\"" : "\"old_link\":false");
  }
};

}  // namespace

TEST_CASE("old link close: the old phone's presence and OwnTracks secret are forgotten and stored so") {
  for (const bool by_removal : {false, true}) {
    CAPTURE(by_removal);
    UpdatedHousehold home;
    Bench& bench = home.bench;
    REQUIRE(bench.core->settings().mode == Mode::automatic);
    REQUIRE(bench.core->regime() == Regime::home);  // the old phone is home
    REQUIRE(where_is(bench, home.old_phone.id()) == "home");
    REQUIRE(stored_registration(bench, home.old_phone.id()));

    Json closed(home.close(by_removal));
    CHECK(closed.is_null("error"));
    CHECK_FALSE(closed.truthy("old_link"));
    // Its presence no longer counts: Ana's away decides.
    CHECK(member_of(bench, home.old_phone.id()) == nullptr);
    CHECK(bench.core->regime() == Regime::away);
    CHECK(bench.core->owntracks().find(home.old_phone.id().c_str()) == nullptr);
    CHECK_FALSE(stored_registration(bench, home.old_phone.id()));
    CHECK_FALSE(bench.core->owntracks_unstored());
    // Ana's STATE (pushed with the change) lists it neither as present nor as registered.
    bench.link.sent.clear();
    bench.deliver(home.ana.command("SET", "\"target\":21"));
    Json state(bench.last_for(home.ana));
    REQUIRE(state.str("type") == "STATE");
    CHECK_FALSE(lists(state_ids(state, "members"), home.old_phone.id()));
    CHECK_FALSE(lists(state_ids(state, "owntracks"), home.old_phone.id()));
    CHECK(lists(state_ids(state, "members"), home.ana.id()));
    // A RELAY under its old secret is not applied.
    const uint32_t dropped = bench.core->dropped_envelopes();
    bench.deliver(relay_frame(bench.id(), home.old_phone.id(), owntracks_data(kSecret, enter(100), 5)));
    CHECK(member_of(bench, home.old_phone.id()) == nullptr);
    CHECK(bench.core->regime() == Regime::away);
    CHECK(bench.core->dropped_envelopes() == dropped);  // not even opened
    // Nor after a restart.
    bench.reboot();
    bench.online();
    CHECK(bench.core->owntracks().find(home.old_phone.id().c_str()) == nullptr);
    bench.deliver(relay_frame(bench.id(), home.old_phone.id(), owntracks_data(kSecret, enter(200), 6)));
    CHECK(member_of(bench, home.old_phone.id()) == nullptr);
  }
}

TEST_CASE("old link close: a member's presence and OwnTracks secret stay") {
  UpdatedHousehold home;
  Bench& bench = home.bench;
  REQUIRE(Json(register_owntracks(bench, home.ana, kOtherSecret)).is_null("error"));
  Json closed(home.close(false));
  CHECK(closed.is_null("error"));
  CHECK(where_is(bench, home.ana.id()) == "away");
  CHECK(bench.core->owntracks().find(home.ana.id().c_str()) != nullptr);
  CHECK(stored_registration(bench, home.ana.id()));
  bench.deliver(relay_frame(bench.id(), home.ana.id(), owntracks_data(kOtherSecret, enter(100), 7)));
  CHECK(where_is(bench, home.ana.id()) == "home");
  CHECK(bench.core->regime() == Regime::home);
}

TEST_CASE("old link close: registrations that storage could not read are pruned once it can") {
  for (const bool by_removal : {false, true}) {
    CAPTURE(by_removal);
    UpdatedHousehold home;
    Bench& bench = home.bench;
    bench.storage.read_faults[Blob::owntracks] = Error::io;
    bench.reboot();
    bench.online();
    bench.start(home.ana, "Ana");
    REQUIRE(bench.core->owntracks_unstored());
    const std::vector<uint8_t> stored = bench.storage.blobs[Blob::owntracks];
    Json closed(home.close(by_removal));
    CHECK(closed.is_null("error"));
    CHECK(bench.storage.blobs[Blob::owntracks] == stored);  // nothing written over what is unread
    bench.storage.read_faults.clear();
    bench.run_for(31000);
    CHECK_FALSE(bench.core->owntracks_unstored());
    CHECK(bench.core->owntracks().find(home.old_phone.id().c_str()) == nullptr);
    CHECK_FALSE(stored_registration(bench, home.old_phone.id()));
    bench.deliver(relay_frame(bench.id(), home.old_phone.id(), owntracks_data(kSecret, enter(100), 5)));
    CHECK(member_of(bench, home.old_phone.id()) == nullptr);
  }
}

TEST_CASE("old link close: a removed member's registration that storage could not read is pruned once it can") {
  UpdatedHousehold home;
  Bench& bench = home.bench;
  REQUIRE(Json(register_owntracks(bench, home.ben, kOtherSecret)).is_null("error"));
  REQUIRE(Json(home.close(false)).is_null("error"));  // closed already: the removal closes nothing
  bench.storage.read_faults[Blob::owntracks] = Error::io;
  bench.reboot();
  bench.online();
  bench.start(home.ana, "Ana");
  REQUIRE(Json(members_set(bench, home.ana, "\"remove\":\"" + home.ben.id() + "\"")).is_null("error"));
  bench.storage.read_faults.clear();
  bench.run_for(31000);
  CHECK_FALSE(bench.core->owntracks_unstored());
  CHECK(bench.core->owntracks().find(home.ben.id().c_str()) == nullptr);
  CHECK_FALSE(stored_registration(bench, home.ben.id()));
}
