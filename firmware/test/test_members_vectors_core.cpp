// protocol/vectors/members.json through the real core: every `join` case opened under an
// invitation, and every `members_set` case sent by a member of a thermostat holding the case's
// members (docs/protocol.md "Joining", "Members"). test_members_vectors.cpp holds the derivations
// and bad points.
#include <doctest/doctest.h>

#include "members_helpers.h"
#include "vector_cases.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

TEST_CASE("members vectors core: every JOIN case, taken (WELCOME, a member) or dropped without an answer") {
  Json vectors(read_vector_file("members.json"));
  REQUIRE_MESSAGE(vectors.root != nullptr, "protocol/vectors/members.json is missing");
  int cases = 0;
  const cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("join")) {
    ++cases;
    CAPTURE(text_of(c, "why"));
    Bench bench;
    REQUIRE(bench.boot() == Error::none);
    bench.online();
    const std::vector<uint8_t> secret = bench.invitation();
    App app(secret.data(), bench.id(), 7);
    bench.link.sent.clear();
    bench.deliver(app.seal_under(secret.data(), "START", text_of(c, "text")));
    bench.core->tick(bench.now);
    std::vector<std::string> answers;
    for (const std::string& frame : bench.link.sent) {
      const std::string plain = app.open_under(secret.data(), frame);
      if (!plain.empty()) answers.push_back(plain);
    }
    if (flag_of(c, "valid")) {
      REQUIRE(answers.size() == 1);
      Json welcome(answers[0]);
      CHECK(welcome.str("type") == "WELCOME");
      CHECK(welcome.str("nonce") == Json(text_of(c, "text")).str("nonce"));
      CHECK(member_ids(*bench.core) == std::vector<std::string>{app.id()});
    } else {
      CHECK(bench.link.sent.empty());
      CHECK(bench.core->members().count() == 0);
      CHECK_FALSE(bench.core->join_pending());
    }
  }
  CHECK(cases >= 20);
}

TEST_CASE("members vectors core: every MEMBERS_set case, judged in the contract's order") {
  Json vectors(read_vector_file("members.json"));
  REQUIRE_MESSAGE(vectors.root != nullptr, "protocol/vectors/members.json is missing");
  const std::string vector_session = vectors.str("session");
  int cases = 0;
  const cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("members_set")) {
    ++cases;
    CAPTURE(text_of(c, "why"));
    std::vector<std::string> ids;
    const cJSON* id;
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(c, "members")) ids.push_back(id->valuestring);
    const bool old_link = flag_of(c, "old_link");
    Bench bench;
    REQUIRE(bench.boot() == Error::none);
    std::vector<App> apps = seed_members(bench, ids, old_link);
    App& sender = apps[0];
    bench.start(sender);
    const size_t open = bench.core->open_invitations(bench.now);
    bench.link.sent.clear();
    bench.deliver(sender.seal("MSG", replaced(text_of(c, "text"), vector_session, sender.session)));
    const std::vector<std::string> replies = bench.all_for(sender);
    const std::string thermostat = text_of(c, "thermostat");
    if (thermostat == "dropped") {
      CHECK(replies.empty());
    } else if (thermostat == "stale_session") {
      REQUIRE(replies.size() == 1);
      CHECK(Json(replies[0]).str("code") == "stale_session");
    } else {
      REQUIRE_FALSE(replies.empty());
      Json answer(replies[0]);
      CHECK(answer.str("type") == "MEMBERS");
      CHECK(answer.str("session") == sender.session);
      const cJSON* expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
      if (cJSON_IsString(expect)) {
        CHECK(answer.str("error") == expect->valuestring);
        CHECK(answer.is_null("invitation"));
      } else {
        CHECK(answer.is_null("error"));
      }
    }
    // What it leaves: the case's `after`, or, refused, what was there.
    const cJSON* after = cJSON_GetObjectItemCaseSensitive(c, "after");
    std::vector<std::string> left = ids;
    bool left_open = old_link, invited = false;
    if (cJSON_IsObject(after)) {
      left.clear();
      cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(after, "members")) left.push_back(id->valuestring);
      left_open = flag_of(after, "old_link");
      invited = flag_of(after, "invitation");
      Json answer(replies.empty() ? "{}" : replies[0]);
      CHECK(listed_ids(answer) == left);
      CHECK(answer.truthy("old_link") == left_open);
      CHECK(cJSON_IsObject(answer.get("invitation")) == invited);
    }
    CHECK(member_ids(*bench.core) == left);
    CHECK(bench.core->members().old_link_open == left_open);
    CHECK(bench.core->open_invitations(bench.now) == open + (invited ? 1 : 0));
  }
  CHECK(cases >= 30);
}
