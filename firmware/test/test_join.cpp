// Joining with an invitation (docs/protocol.md "Keys and pairing", "Joining"): the member key
// both ends work out, an invitation good for one join within 24 hours on the thermostat's own
// clock, at most 4 open and none after a restart, and the ninth member.
#include <doctest/doctest.h>

#include "members_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

struct Online {
  Bench bench;
  explicit Online(Millis start = 1000) : bench(start) {
    REQUIRE(bench.boot() == Error::none);
    bench.online();
  }
  // An app that is no member yet, holding `secret` (it seals with it until a WELCOME).
  App stranger(uint8_t seed, const std::vector<uint8_t>& secret) {
    REQUIRE(secret.size() == kKeyBytes);
    return App(secret.data(), bench.id(), seed);
  }
  // The app's JOIN under secret, the tick that works it out; what it got, opened under the secret.
  std::vector<std::string> join(App& app, const std::vector<uint8_t>& secret) { return answers_to_join(bench, app, secret); }
};

}  // namespace

TEST_CASE("join: after the heater decision, the app and the thermostat hold the same key, and it works") {
  Online on;
  Bench& bench = on.bench;
  const std::vector<uint8_t> secret = bench.invitation();
  App ana = on.stranger(1, secret);
  bench.link.sent.clear();
  bench.deliver(ana.join(secret.data(), "Ana's phone"));
  // Queued, not worked out on the spot: the ECDH comes in the next tick, after the heater's decision.
  CHECK(bench.core->join_pending());
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->members().count() == 0);
  bench.core->tick(bench.now);
  CHECK_FALSE(bench.core->join_pending());
  const std::vector<std::string> answers = join_answers(ana, bench.link.sent);
  REQUIRE(answers.size() == 1);
  Json welcome(answers[0]);
  CHECK(welcome.str("type") == "WELCOME");
  CHECK(welcome.str("nonce") == ana.nonce);
  CHECK(welcome.str("public_key").size() == 87);
  // The app works the key out with BearSSL alone (fakes.h app_member_key): the thermostat holds the same.
  REQUIRE(ana.welcome(bench.link.sent.back()));
  CHECK(ana.key() != secret);
  CHECK(member_key(*bench.core, ana.id()) == ana.key());
  CHECK(member_ids(*bench.core) == std::vector<std::string>{ana.id()});
  CHECK(std::string(bench.core->members().begin()->name) == "Ana's phone");
  CHECK(bench.storage.blobs.count(Blob::members) == 1);

  // From then on it talks as any member: START, SET, under its own key.
  Json state(bench.start(ana, "Ana's phone"));
  CHECK(state.str("type") == "STATE");
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", "\"target\":22.5"));
  CHECK(Json(bench.last_for(ana)).is_null("error"));
  CHECK(bench.core->settings().target == 2250);
  // The invitation's secret opens nothing else: a START under it is no JOIN.
  App under_secret = on.stranger(1, secret);
  bench.link.sent.clear();
  bench.deliver(under_secret.start());
  CHECK(bench.link.sent.empty());
}

TEST_CASE("join: an invitation is good for one join; another app's JOIN under it is dropped") {
  Online on;
  const std::vector<uint8_t> secret = on.bench.invitation();
  App ana = on.stranger(1, secret), ben = on.stranger(2, secret);
  REQUIRE(on.join(ana, secret).size() == 1);
  const uint32_t dropped = on.bench.core->dropped_envelopes();
  CHECK(on.join(ben, secret).empty());
  CHECK(on.bench.core->dropped_envelopes() == dropped + 1);
  CHECK(member_ids(*on.bench.core) == std::vector<std::string>{ana.id()});
}

TEST_CASE("join: a redeemed invitation opens again only for its redeemer, which gets a new key") {
  Online on;
  Bench& bench = on.bench;
  const std::vector<uint8_t> secret = bench.invitation();
  App ana = on.stranger(1, secret);
  REQUIRE(bench.join(ana, secret));
  bench.start(ana);
  const std::vector<uint8_t> first_key = ana.key();
  // The WELCOME was lost: the app sends its JOIN again under the same invitation.
  App again = on.stranger(1, secret);
  const std::vector<std::string> answers = on.join(again, secret);
  REQUIRE(answers.size() == 1);
  CHECK(Json(answers[0]).str("type") == "WELCOME");
  CHECK(again.key() != first_key);
  CHECK(member_key(*bench.core, ana.id()) == again.key());
  CHECK(bench.core->members().count() == 1);
  // Its session under the old key ended, and that key opens nothing any more.
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", "\"target\":25"));
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->settings().target != 2500);
}

TEST_CASE("join: an invitation expires 24 hours after it was made, on the thermostat's clock across the wrap") {
  // millis() wraps about 10 minutes after the invitations are made.
  Online on(0xFFFFFFFFu - 600000u);
  Bench& bench = on.bench;
  const std::vector<uint8_t> early = bench.invitation(), late = bench.invitation();
  bench.run_for(uint32_t(kInvitationLifetimeMs - 60000), 60000);
  bench.run_for(59000);
  App ana = on.stranger(1, early);
  REQUIRE(on.join(ana, early).size() == 1);  // a second before the end: still good
  bench.run_for(1000);
  App ben = on.stranger(2, late);
  CHECK(on.join(ben, late).empty());  // 24 hours: over
  CHECK(member_ids(*bench.core) == std::vector<std::string>{ana.id()});
  CHECK(bench.core->open_invitations(bench.now) == 0);
}

TEST_CASE("join: at most 4 invitations are open; a fifth pushes out the oldest") {
  Online on;
  std::vector<std::vector<uint8_t>> secrets;
  for (int i = 0; i < 5; ++i) {
    secrets.push_back(on.bench.invitation());
    on.bench.run_for(1000);
  }
  CHECK(on.bench.core->open_invitations(on.bench.now) == kMaxInvitations);
  App first = on.stranger(1, secrets[0]);
  CHECK(on.join(first, secrets[0]).empty());
  for (uint8_t i = 1; i < 5; ++i) {
    CAPTURE(int(i));
    App app = on.stranger(uint8_t(i + 1), secrets[i]);
    CHECK(on.join(app, secrets[i]).size() == 1);
  }
}

TEST_CASE("join: a restart ends every open invitation") {
  Online on;
  const std::vector<uint8_t> secret = on.bench.invitation();
  on.bench.reboot();
  on.bench.online();
  CHECK(on.bench.core->open_invitations(on.bench.now) == 0);
  App ana = on.stranger(1, secret);
  CHECK(on.join(ana, secret).empty());
  CHECK(on.bench.core->members().count() == 0);
}

TEST_CASE("join: the ninth member: no invitation while 8 are there, ERROR full to a JOIN, the invitation kept") {
  Online on;
  Bench& bench = on.bench;
  std::vector<App> members;
  for (uint8_t i = 0; i < 7; ++i) members.push_back(bench.app(uint8_t(i + 1)));
  const std::vector<uint8_t> earlier = bench.invitation();  // made while there was room
  members.push_back(bench.app(8));
  REQUIRE(bench.core->members().count() == kMaxMembers);

  // No invitation now: not from pair (pairing_link), nor from MEMBERS_set.
  char link[256];
  const size_t open = bench.core->open_invitations(bench.now);
  CHECK(bench.core->pairing_link("http://app.example/", link, sizeof link, bench.now).error == Error::too_large);
  CHECK(bench.core->members_full());
  bench.start(members[0]);
  Json refused(members_set(bench, members[0], "\"invite\":true"));
  CHECK(refused.str("error") == "full");
  CHECK(refused.is_null("invitation"));
  CHECK(bench.core->open_invitations(bench.now) == open);

  // The invitation made earlier is answered ERROR full with the JOIN's nonce; nothing changes.
  App ninth = on.stranger(9, earlier);
  const std::vector<std::string> answers = on.join(ninth, earlier);
  REQUIRE(answers.size() == 1);
  Json full(answers[0]);
  CHECK(full.str("type") == "ERROR");
  CHECK(full.str("code") == "full");
  CHECK(full.str("nonce") == ninth.nonce);
  CHECK(bench.core->members().count() == kMaxMembers);
  CHECK(member_key(*bench.core, ninth.id()).empty());

  // A removal makes room, but ends every open invitation, the one kept open included ("Members"):
  // the ninth member needs a new one.
  CHECK(Json(members_set(bench, members[0], "\"remove\":\"" + members[7].id() + "\"")).is_null("error"));
  App late = on.stranger(9, earlier);
  CHECK(on.join(late, earlier).empty());
  const std::vector<uint8_t> fresh = bench.invitation();
  App retry = on.stranger(9, fresh);
  const std::vector<std::string> welcomed = on.join(retry, fresh);
  REQUIRE(welcomed.size() == 1);
  CHECK(Json(welcomed[0]).str("type") == "WELCOME");
  CHECK(member_key(*bench.core, retry.id()) == retry.key());
}

TEST_CASE("join: one at a time; a JOIN that breaks a rule or whose point is off the curve is dropped") {
  Online on;
  Bench& bench = on.bench;
  const std::vector<uint8_t> one = bench.invitation(), two = bench.invitation();
  App ana = on.stranger(1, one), ben = on.stranger(2, two);
  bench.link.sent.clear();
  bench.deliver(ana.join(one.data()));
  bench.deliver(ben.join(two.data()));  // while Ana's waits: dropped, Ben sends it again after 5 s
  bench.core->tick(bench.now);
  CHECK(join_answers(ana, bench.link.sent).size() == 1);
  CHECK(join_answers(ben, bench.link.sent).empty());
  CHECK(member_ids(*bench.core) == std::vector<std::string>{ana.id()});
  CHECK(on.join(ben, two).size() == 1);  // again: taken

  // A point off the curve: the last bit of Y flipped. The ECDH refuses it; nothing is answered.
  const std::vector<uint8_t> three = bench.invitation();
  App cleo = on.stranger(3, three);
  uint8_t point[kPublicKeyBytes];
  uint8_t private_key[kPrivateKeyBytes];
  TestRandom random;
  REQUIRE(make_private_key(random, private_key) == Error::none);
  REQUIRE(derive_public_key(private_key, point) == Error::none);
  point[kPublicKeyBytes - 1] ^= 1;
  bench.link.sent.clear();
  bench.deliver(cleo.join(three.data(), "Cleo", b64e(point, sizeof point)));
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->members().count() == 2);
  // A name of 65 UTF-16 code units: dropped before it waits.
  bench.deliver(cleo.join(three.data(), std::string(65, 'n').c_str()));
  CHECK_FALSE(bench.core->join_pending());
  // The invitation was not used up by either.
  CHECK(on.join(cleo, three).size() == 1);
}

TEST_CASE("pairing link: each one carries a new invitation; one that does not fit makes none") {
  Online on;
  Bench& bench = on.bench;
  char first[256], second[256], small[60];
  REQUIRE(bench.core->pairing_link("https://hearth.example/", first, sizeof first, bench.now).ok());
  REQUIRE(bench.core->pairing_link("https://hearth.example/", second, sizeof second, bench.now).ok());
  const std::string a = first, b = second;
  const std::string head = "https://hearth.example/#pair=" + bench.id() + ".";
  CHECK(a.rfind(head, 0) == 0);
  CHECK(b.rfind(head, 0) == 0);
  CHECK(a.size() == head.size() + 43);
  CHECK(a != b);
  CHECK(bench.core->open_invitations(bench.now) == 2);
  CHECK(bench.core->pairing_link("https://hearth.example/", small, sizeof small, bench.now).error == Error::too_large);
  CHECK(bench.core->open_invitations(bench.now) == 2);
  // Neither is the old shared key.
  CHECK(b64d(a.substr(head.size())) != std::vector<uint8_t>(bench.core->identity().key, bench.core->identity().key + kKeyBytes));
}
