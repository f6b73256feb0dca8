// What a review of members found (docs/protocol.md "Joining", "The old shared key", "Members",
// "What the thermostat accepts"): a removal ends every open invitation, the one the removed member
// joined with included; only a member (or, while the old shared key is open, a phone on it) has
// its OwnTracks reports applied; a removal whose OwnTracks write fails is answered `storage`; and
// a JOIN whose invitation or old shared key ended while it waited for its tick is dropped.
#include <doctest/doctest.h>

#include "members_helpers.h"
#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr const char* kStrangerId = "GGXACDHnP37iP8E8stD1iL";

bool is_member(const Bench& bench, const std::string& id) {
  for (const Member& member : bench.core->members()) {
    if (id == member.id) return true;
  }
  return false;
}

// The secret of the invitation a MEMBERS carries (empty for none).
std::vector<uint8_t> invitation_of(const std::string& members) {
  const Json answer(members);
  const cJSON* secret = cJSON_GetObjectItemCaseSensitive(answer.get("invitation"), "secret");
  return cJSON_IsString(secret) ? b64d(secret->valuestring) : std::vector<uint8_t>();
}

// A registration for `id` in the OwnTracks blob, as a boot before would have stored it.
void store_registration(Bench& bench, const std::string& id) {
  OwntracksMembers registrations;
  bool changed = false;
  REQUIRE(registrations.set(id.c_str(), kSecret, kWtst, "Old phone", &changed) == Error::none);
  std::vector<uint8_t> blob(kOwntracksBlobMaxBytes);
  blob.resize(encode_owntracks_members(registrations, blob.data()));
  bench.storage.blobs[Blob::owntracks] = blob;
}

std::string enter(uint64_t s) { return transition("enter", 1764680000 + s); }

}  // namespace

TEST_CASE("member review: a removal ends every open invitation, the removed member's own included") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1, "Ana");
  const std::vector<uint8_t> bens_invitation = bench.invitation();
  App ben(bens_invitation.data(), bench.id(), 2);
  REQUIRE(bench.join(ben, bens_invitation, "Ben"));
  bench.start(ana, "Ana");
  bench.start(ben, "Ben");
  const std::vector<uint8_t> asked_by_ben = invitation_of(members_set(bench, ben, "\"invite\":true"));
  REQUIRE(asked_by_ben.size() == kInvitationBytes);
  const std::vector<uint8_t> at_the_port = bench.invitation();
  REQUIRE(bench.core->open_invitations(bench.now) == 4);  // Ana's, Ben's (redeemed), and two open

  REQUIRE(Json(members_set(bench, ana, "\"remove\":\"" + ben.id() + "\"")).is_null("error"));
  CHECK(bench.core->open_invitations(bench.now) == 0);
  // Ben's JOIN under the invitation he redeemed (within its 24 h) gets nothing.
  App ben_again(bens_invitation.data(), bench.id(), 2);
  REQUIRE(ben_again.id() == ben.id());
  CHECK(answers_to_join(bench, ben_again, bens_invitation).empty());
  CHECK_FALSE(is_member(bench, ben.id()));
  // Nor does anyone's under the one Ben asked for, or the one made at the serial port before.
  for (const std::vector<uint8_t>* secret : {&asked_by_ben, &at_the_port}) {
    App carol(secret->data(), bench.id(), 3);
    CHECK(answers_to_join(bench, carol, *secret).empty());
    CHECK_FALSE(is_member(bench, carol.id()));
  }
  CHECK(bench.core->members().count() == 1);
  // An invitation asked for with the removal is made after it, and opens.
  bench.link.sent.clear();
  const std::vector<uint8_t> with_removal =
      invitation_of(members_set(bench, ana, "\"invite\":true,\"remove\":\"" + ana.id() + "\""));
  REQUIRE(with_removal.size() == kInvitationBytes);
  App dan(with_removal.data(), bench.id(), 4);
  CHECK(bench.join(dan, with_removal, "Dan"));
  CHECK(is_member(bench, dan.id()));
}

TEST_CASE("member review: a stored registration of a non-member is not applied once the old shared key is closed") {
  SUBCASE("a new thermostat: no old shared key") {
    Bench bench;
    store_registration(bench, kStrangerId);
    bench.boot();
    bench.online();
    App ana = bench.app(1, "Ana");
    REQUIRE(bench.core->owntracks().find(kStrangerId) != nullptr);  // as read from flash
    REQUIRE_FALSE(bench.core->members().old_link_open);
    bench.deliver(relay_frame(bench.id(), kStrangerId, owntracks_data(kSecret, enter(100), 1)));
    CHECK(member_of(bench, kStrangerId) == nullptr);
  }
  SUBCASE("updated, the old shared key open: the phone on it is applied as before") {
    Bench bench;
    bench.boot();
    store_registration(bench, kStrangerId);
    bench.storage.blobs.erase(Blob::members);
    bench.reboot();
    bench.online();
    REQUIRE(bench.core->members().old_link_open);
    bench.deliver(relay_frame(bench.id(), kStrangerId, owntracks_data(kSecret, enter(100), 1)));
    CHECK(where_is(bench, kStrangerId) == "home");
  }
}

TEST_CASE("member review: a removal whose OwnTracks write fails says storage, and the registration left in flash does nothing") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1, "Ana");
  App ben = bench.app(2, "Ben");
  bench.start(ana, "Ana");
  bench.start(ben, "Ben");
  REQUIRE(Json(register_owntracks(bench, ben)).is_null("error"));
  bench.storage.write_faults[Blob::owntracks] = Error::io;
  const Json answer(members_set(bench, ana, "\"remove\":\"" + ben.id() + "\""));
  CHECK(answer.str("error") == "storage");
  CHECK_FALSE(bench.core->members_unstored());  // the members were stored: only OwnTracks failed
  CHECK_FALSE(is_member(bench, ben.id()));

  // A power cut before the retry: Ben's registration is back from flash, but he is no member.
  bench.storage.write_faults.clear();
  bench.reboot();
  bench.online();
  REQUIRE(bench.core->owntracks().find(ben.id().c_str()) != nullptr);
  bench.deliver(relay_frame(bench.id(), ben.id(), owntracks_data(kSecret, enter(100), 2)));
  CHECK(member_of(bench, ben.id()) == nullptr);
}

TEST_CASE("member review: a JOIN whose invitation ends before its tick is dropped") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1, "Ana");
  const std::vector<uint8_t> secret = bench.invitation();
  bench.now += Millis(kInvitationLifetimeMs - 500);
  bench.core->tick(bench.now);
  App carol(secret.data(), bench.id(), 3);
  bench.link.sent.clear();
  bench.deliver(carol.join(secret.data(), "Carol"));
  REQUIRE(bench.core->join_pending());  // it opened: the invitation was still good
  bench.now += 1000;
  bench.core->tick(bench.now);
  CHECK_FALSE(bench.core->join_pending());
  CHECK(join_answers(carol, bench.link.sent).empty());
  CHECK_FALSE(is_member(bench, carol.id()));
  CHECK(bench.core->members().count() == 1);
}

TEST_CASE("member review: a JOIN pushed out or ended by a removal while it waits is dropped") {
  for (const bool by_removal : {false, true}) {
    CAPTURE(by_removal);
    Bench bench;
    bench.boot();
    bench.online();
    App ana = bench.app(1, "Ana");
    App ben = bench.app(2, "Ben");
    bench.start(ana, "Ana");
    const std::vector<uint8_t> secret = bench.invitation();
    App carol(secret.data(), bench.id(), 3);
    bench.deliver(carol.join(secret.data(), "Carol"));
    REQUIRE(bench.core->join_pending());
    if (by_removal) {
      REQUIRE(Json(members_set(bench, ana, "\"remove\":\"" + ben.id() + "\"")).is_null("error"));
    } else {
      for (int i = 0; i < 4; ++i) REQUIRE(bench.invitation().size() == kInvitationBytes);  // a fifth pushes it out
    }
    bench.link.sent.clear();
    bench.core->tick(bench.now);
    CHECK_FALSE(bench.core->join_pending());
    CHECK(join_answers(carol, bench.link.sent).empty());
    CHECK_FALSE(is_member(bench, carol.id()));
  }
}

TEST_CASE("member review: a JOIN under the old shared key closed before its tick is dropped") {
  Bench bench;
  bench.boot_updated();
  bench.online();
  App ana = bench.app(1, "Ana");
  bench.start(ana, "Ana");
  App old_phone = bench.legacy_app(9);
  const std::vector<uint8_t> old_key(bench.core->identity().key, bench.core->identity().key + kKeyBytes);
  bench.deliver(old_phone.join(old_key.data(), "Old phone"));
  REQUIRE(bench.core->join_pending());
  REQUIRE(Json(members_set(bench, ana, "\"old_link\":false")).is_null("error"));
  bench.link.sent.clear();
  bench.core->tick(bench.now);
  CHECK_FALSE(bench.core->join_pending());
  CHECK(join_answers(old_phone, bench.link.sent).empty());
  CHECK_FALSE(is_member(bench, old_phone.id()));
}
