// Members through the real core (docs/protocol.md "Members", "The old shared key", "Sessions and
// replay"): MEMBERS_set and its MEMBERS, removal, the old shared key, and members' places.
#include <doctest/doctest.h>

#include "members_helpers.h"
#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// A household of three members, each in a session: Ana, Ben and Cleo.
struct Household {
  Bench bench;
  App ana, ben, cleo;
  explicit Household(bool updated = false)
      : ana(((updated ? bench.boot_updated() : bench.boot()), bench.online(), bench.app(1, "Ana"))),
        ben(bench.app(2, "Ben")),
        cleo(bench.app(3, "Cleo")) {
    bench.start(ana, "Ana");
    bench.start(ben, "Ben");
    bench.start(cleo, "Cleo");
  }
  std::string remove(App& by, const App& who) { return members_set(bench, by, "\"remove\":\"" + who.id() + "\""); }
};

}  // namespace

TEST_CASE("members: MEMBERS lists the members in join order, with names and when each was last heard") {
  Household home;
  Bench& bench = home.bench;
  bench.run_for(5000);
  Json list(members_set(bench, home.ana));
  CHECK(list.str("type") == "MEMBERS");
  CHECK(list.str("session") == home.ana.session);
  CHECK(list.num("seq") == 2);
  CHECK(listed_ids(list) == std::vector<std::string>{home.ana.id(), home.ben.id(), home.cleo.id()});
  CHECK(list.is_null("invitation"));
  CHECK(list.is_null("error"));
  CHECK_FALSE(list.truthy("old_link"));  // a thermostat made with this firmware has none open
  const cJSON* first = cJSON_GetArrayItem(list.get("members"), 0);
  const cJSON* second = cJSON_GetArrayItem(list.get("members"), 1);
  CHECK(std::string(cJSON_GetObjectItem(first, "name")->valuestring) == "Ana");
  CHECK(cJSON_GetObjectItem(first, "heard_s")->valuedouble == 0);  // this very message
  CHECK(cJSON_GetObjectItem(second, "heard_s")->valuedouble == 5);

  // After a restart nobody has been heard from; a START counts, and so does an OwnTracks report.
  bench.reboot();
  bench.online();
  bench.start(home.ana, "Ana");
  bench.run_for(3000);
  Json after(members_set(bench, home.ana));
  CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(after.get("members"), 0), "heard_s")->valuedouble == 0);
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(after.get("members"), 1), "heard_s")));

  bench.start(home.ben, "Ben");
  REQUIRE(Json(register_owntracks(bench, home.ben)).is_null("error"));
  bench.run_for(7000);
  bench.deliver(relay_frame(bench.id(), home.ben.id(), owntracks_data(kSecret, transition("enter", 1764680000), 1)));
  bench.run_for(2000);
  Json heard(members_set(bench, home.ana));
  CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(heard.get("members"), 1), "heard_s")->valuedouble == 2);
}

TEST_CASE("members: a member's name is START's, stored only when it changes") {
  Household home;
  Bench& bench = home.bench;
  const int writes = bench.storage.writes;
  bench.start(home.ben, "Ben");
  CHECK(bench.storage.writes == writes);
  bench.start(home.ben, "Ben's new phone");
  CHECK(bench.storage.writes == writes + 1);
  bench.reboot();
  bench.online();
  bench.start(home.ana, "Ana");
  Json list(members_set(bench, home.ana));
  CHECK(std::string(cJSON_GetObjectItem(cJSON_GetArrayItem(list.get("members"), 1), "name")->valuestring) ==
        "Ben's new phone");
}

TEST_CASE("members: an invitation from MEMBERS_set is in that answer only, good for 24 hours, and opens") {
  Household home;
  Bench& bench = home.bench;
  Json made(members_set(bench, home.ana, "\"invite\":true"));
  REQUIRE(made.is_null("error"));
  const cJSON* invitation = made.get("invitation");
  REQUIRE(cJSON_IsObject(invitation));
  const std::string secret_text = cJSON_GetObjectItem(invitation, "secret")->valuestring;
  CHECK(secret_text.size() == 43);
  CHECK(cJSON_GetObjectItem(invitation, "expires_s")->valuedouble == 86400);
  CHECK(Json(members_set(bench, home.ana)).is_null("invitation"));
  const std::vector<uint8_t> secret = b64d(secret_text);
  App dan(secret.data(), bench.id(), 4);
  CHECK(bench.join(dan, secret, "Dan"));
  CHECK(member_ids(*bench.core).back() == dan.id());
}

TEST_CASE("members: a removed member is answered ERROR not_member under its old key and changes nothing") {
  Household home;
  Bench& bench = home.bench;
  bench.deliver(home.ben.command("HOME_set", "\"home\":true,\"distance\":10"));
  REQUIRE(Json(register_owntracks(bench, home.ben)).is_null("error"));
  REQUIRE(member_of(bench, home.ben.id()) != nullptr);

  Json removed(home.remove(home.ana, home.ben));
  CHECK(removed.is_null("error"));
  CHECK(listed_ids(removed) == std::vector<std::string>{home.ana.id(), home.cleo.id()});
  CHECK_FALSE(removed.truthy("old_link"));
  // Its key, session, presence and OwnTracks secret are gone, and stored so.
  CHECK(member_key(*bench.core, home.ben.id()).empty());
  CHECK(member_of(bench, home.ben.id()) == nullptr);
  CHECK(bench.core->owntracks().find(home.ben.id().c_str()) == nullptr);
  MemberTable stored;
  const std::vector<uint8_t>& blob = bench.storage.blobs[Blob::members];
  REQUIRE(decode_members(blob.data(), blob.size(), bench.id().c_str(), &stored) == Error::none);
  CHECK(stored.find(home.ben.id().c_str()) == nullptr);
  OwntracksMembers registrations;
  const std::vector<uint8_t>& owntracks = bench.storage.blobs[Blob::owntracks];
  REQUIRE(decode_owntracks_members(owntracks.data(), owntracks.size(), &registrations) == Error::none);
  CHECK(registrations.find(home.ben.id().c_str()) == nullptr);
  // The others' STATE no longer shows it.
  Json state(bench.last_for(home.cleo));
  CHECK(state.str("type") == "STATE");
  CHECK(cJSON_GetArraySize(state.get("members")) == 0);
  CHECK(cJSON_GetArraySize(state.get("owntracks")) == 0);

  // Ben's next SET, and its START: one ERROR not_member each, sealed under its old key; nothing changes.
  const Settings before = bench.core->settings();
  const int writes = bench.storage.writes;
  for (const std::string& frame : {home.ben.command("SET", "\"target\":29"), home.ben.start()}) {
    bench.link.sent.clear();
    bench.deliver(frame);
    REQUIRE(bench.link.sent.size() == 1);
    Json error(home.ben.open(bench.link.sent[0]));
    CHECK(error.str("type") == "ERROR");
    CHECK(error.str("code") == "not_member");
  }
  CHECK(bench.core->settings() == before);
  CHECK(bench.storage.writes == writes);
  CHECK(member_of(bench, home.ben.id()) == nullptr);
  // The others keep working.
  for (App* app : {&home.ana, &home.cleo}) {
    bench.link.sent.clear();
    bench.deliver(app->command("SET", "\"target\":21"));
    CHECK(Json(bench.last_for(*app)).is_null("error"));
  }
  // After a restart the thermostat does not remember it: dropped like a stranger's.
  bench.reboot();
  bench.online();
  const uint32_t dropped = bench.core->dropped_envelopes();
  bench.link.sent.clear();
  bench.deliver(home.ben.start());
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->dropped_envelopes() == dropped + 1);
}

TEST_CASE("members: a member may remove itself; the answer comes under the key it asked with") {
  Household home;
  Bench& bench = home.bench;
  Json answer(home.remove(home.cleo, home.cleo));
  CHECK(answer.str("type") == "MEMBERS");
  CHECK(answer.is_null("error"));
  CHECK(listed_ids(answer) == std::vector<std::string>{home.ana.id(), home.ben.id()});
  bench.link.sent.clear();
  bench.deliver(home.cleo.command("SET", ""));
  CHECK(Json(bench.last_for(home.cleo)).str("code") == "not_member");
}

TEST_CASE("members: MEMBERS_set is judged like SET, and an error changes nothing") {
  Household home;
  Bench& bench = home.bench;
  struct Case {
    const char* fields;
    const char* error;
  };
  const std::string stranger = "\"remove\":\"Zz_strangerNotAMember9\"";
  const Case cases[] = {
      {"\"invite\":\"yes\",\"remove\":5", "bad_message"},
      {"\"old_link\":\"x\",\"invite\":false", "bad_message"},
      {"\"invite\":false", "out_of_range"},
      {"\"old_link\":true", "out_of_range"},
      {"\"remove\":\"short\"", "out_of_range"},
      {"\"invite\":false,\"remove\":\"Zz_strangerNotAMember9\"", "out_of_range"},
      {stranger.c_str(), "unknown_member"},
  };
  const std::vector<std::string> ids = member_ids(*bench.core);
  for (const Case& c : cases) {
    CAPTURE(c.fields);
    const size_t open = bench.core->open_invitations(bench.now);
    Json answer(members_set(bench, home.ana, c.fields));
    CHECK(answer.str("error") == c.error);
    CHECK(answer.is_null("invitation"));
    CHECK(member_ids(*bench.core) == ids);
    CHECK(bench.core->open_invitations(bench.now) == open);
  }
  // A stale session is answered as SET's; a replayed seq dropped.
  const std::string replay = home.ana.command("MEMBERS_set", "\"remove\":\"" + home.ben.id() + "\"");
  bench.deliver(replay);
  REQUIRE(member_key(*bench.core, home.ben.id()).empty());
  bench.link.sent.clear();
  bench.deliver(replay);
  CHECK(bench.link.sent.empty());
  home.ana.session = "AAAAAAAAAAAAAAAA";
  CHECK(Json(members_set(bench, home.ana)).str("code") == "stale_session");
}

TEST_CASE("old shared key: a phone that is no member works on it fully; a member's MSG under it is refused") {
  Household home(true);  // updated from before member keys: the old shared key is open
  Bench& bench = home.bench;
  App old_phone = bench.legacy_app(9);
  Json state(bench.start(old_phone, "Old phone"));
  CHECK(state.str("type") == "STATE");
  bench.link.sent.clear();
  bench.deliver(old_phone.command("SET", "\"target\":23"));
  CHECK(Json(bench.last_for(old_phone)).is_null("error"));
  CHECK(bench.core->settings().target == 2300);
  bench.link.sent.clear();
  bench.deliver(old_phone.command("HOME_set", "\"home\":true,\"distance\":3"));
  CHECK(Json(bench.last_for(old_phone)).is_null("error"));
  // MEMBERS_set is a member's: an old-key phone gets nothing.
  CHECK(members_set(bench, old_phone).empty());
  CHECK(Json(members_set(bench, home.ana)).truthy("old_link"));

  // A member sealing under the old shared key: neither a START nor a MSG opens.
  App ana_old = App(bench.core->identity().key, bench.id(), 1);
  REQUIRE(ana_old.id() == home.ana.id());
  ana_old.session = home.ana.session;
  ana_old.seq = 50;
  bench.link.sent.clear();
  bench.deliver(ana_old.command("SET", "\"target\":29"));
  bench.deliver(ana_old.start());
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->settings().target == 2300);

  // A JOIN under the old shared key: a member gets a new key, a phone that is none becomes one.
  const std::vector<uint8_t> old_key(bench.core->identity().key, bench.core->identity().key + kKeyBytes);
  CHECK(bench.join(ana_old, old_key, "Ana"));
  CHECK(member_key(*bench.core, home.ana.id()) == ana_old.key());
  CHECK(ana_old.key() != home.ana.key());
  CHECK(bench.join(old_phone, old_key, "Old phone"));
  CHECK(member_key(*bench.core, old_phone.id()) == old_phone.key());
  CHECK(bench.core->members().old_link_open);  // never used up
  // Now a member: its old-key messages are refused.
  App old_again = bench.legacy_app(9);
  bench.link.sent.clear();
  bench.deliver(old_again.start());
  CHECK(bench.link.sent.empty());
}

TEST_CASE("old shared key: closed by a removal, by old_link false, and for good across a restart") {
  for (const bool by_removal : {true, false}) {
    CAPTURE(by_removal);
    Household home(true);
    Bench& bench = home.bench;
    App old_phone = bench.legacy_app(9);
    bench.start(old_phone, "Old phone");
    Json closed(by_removal ? home.remove(home.ana, home.cleo) : members_set(bench, home.ana, "\"old_link\":false"));
    CHECK(closed.is_null("error"));
    CHECK_FALSE(closed.truthy("old_link"));
    CHECK_FALSE(bench.core->members().old_link_open);
    // The old phone's session ended: no push reaches it, and nothing it seals opens.
    bench.link.sent.clear();
    bench.sensor.set_temperature(15.0f);
    bench.run_for(65000);
    CHECK(bench.all_for(old_phone).empty());
    CHECK_FALSE(bench.all_for(home.ana).empty());
    bench.link.sent.clear();
    bench.deliver(old_phone.start());
    bench.deliver(old_phone.command("SET", "\"target\":29"));
    CHECK(bench.link.sent.empty());
    const std::vector<uint8_t> old_key(bench.core->identity().key, bench.core->identity().key + kKeyBytes);
    App joiner = bench.legacy_app(10);
    CHECK_FALSE(bench.join(joiner, old_key));
    // Across a restart too.
    bench.reboot();
    bench.online();
    CHECK_FALSE(bench.core->members().old_link_open);
    bench.link.sent.clear();
    bench.deliver(old_phone.start());
    CHECK(bench.link.sent.empty());
    // MEMBERS_set old_link true does not reopen it.
    bench.start(home.ana, "Ana");
    CHECK(Json(members_set(bench, home.ana, "\"old_link\":true")).str("error") == "out_of_range");
    CHECK_FALSE(bench.core->members().old_link_open);
  }
}

TEST_CASE("places: a member's place goes only to a member; an old-key phone's first") {
  Bench bench;
  bench.boot_updated();
  bench.online();
  std::vector<App> members;
  for (uint8_t i = 0; i < 7; ++i) {
    members.push_back(bench.app(uint8_t(i + 1)));
    bench.start(members.back());
    bench.run_for(1000);
  }
  App old_phone = bench.legacy_app(20);
  bench.start(old_phone, "Old");
  REQUIRE(bench.core->peers().count() == 8);
  bench.run_for(1000);
  // An eighth member takes the old-key phone's place, though the members were heard from earlier.
  members.push_back(bench.app(8));
  bench.start(members.back());
  CHECK(member_of(bench, old_phone.id()) == nullptr);
  for (const App& m : members) CHECK(member_of(bench, m.id()) != nullptr);
  // 8 members hold every place: an old-key phone finds none, its START is not answered.
  bench.run_for(1000);
  bench.link.sent.clear();
  bench.deliver(old_phone.start());
  CHECK(bench.link.sent.empty());
  CHECK(member_of(bench, old_phone.id()) == nullptr);
}
