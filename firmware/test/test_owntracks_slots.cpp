// Who gives up a member slot (peers.h; docs/protocol.md "What the thermostat accepts"): slots go
// by last activity, a message from the app or the member's last report, so an OwnTracks-only
// member counts as active; and a phone's report never pushes out an app in use or a report that
// still counts, so with 8 such members it is not counted.
#include <doctest/doctest.h>

#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

std::string enter(uint64_t s) { return transition("enter", 1764680000 + s); }
std::string leave(uint64_t s) { return transition("leave", 1764680000 + s); }

// X registers OwnTracks, then 8 other apps open a second apart: the eighth takes X's slot.
// home_reports[i] is what apps[i] reports right after its START ("" for nothing). Ten phones are
// more than there may be members: phones on the old shared key of a thermostat updated from
// before member keys, among which these rules hold as they did (test_members_core.cpp has a
// member's place).
struct Full {
  Bench bench;
  App x;
  std::vector<App> apps;
  explicit Full(const std::vector<std::string>& home_reports) : x(registered_legacy_phone(bench, 50, "X")) {
    for (uint8_t i = 0; i < 8; ++i) {
      bench.run_for(1000);
      apps.push_back(bench.legacy_app(uint8_t(i + 1)));
      bench.start(apps.back(), "A");
      if (!home_reports[i].empty()) bench.deliver(apps.back().command("HOME_set", home_reports[i]));
    }
    REQUIRE(member_of(bench, x.id()) == nullptr);
  }
  void phone(const std::string& plaintext, uint8_t seed) {
    bench.deliver(relay_frame(bench.id(), x.id(), owntracks_data(kSecret, plaintext, seed)));
  }
};

const std::string kHome = "\"home\":true,\"distance\":1";
const std::string kAway = "\"home\":false,\"distance\":5000";

}  // namespace

TEST_CASE("owntracks slots: a report does not push out an app with an active session") {
  Full full({kHome, "", "", "", "", "", "", ""});
  full.bench.run_for(1000);
  const size_t before = full.bench.core->active_sessions();
  full.phone(enter(0), 1);
  CHECK(full.bench.core->active_sessions() == before);
  CHECK(where_is(full.bench, full.x.id()) == "none");  // not counted: every slot is in use
  // Every app keeps its session.
  for (App& app : full.apps) {
    full.bench.link.sent.clear();
    full.bench.deliver(app.command("SET", ""));
    CHECK(full.bench.last_for(app).find("stale_session") == std::string::npos);
  }
}

TEST_CASE("owntracks slots: a matured leave does not push out a fresh 'home' and flip the regime") {
  Full full({kHome, kAway, kAway, kAway, kAway, kAway, kAway, kAway});
  REQUIRE(full.bench.core->regime() == Regime::home);
  full.phone(leave(0), 1);
  // Past the apps' 10 minutes of activity, not past their reports' 12 h.
  full.bench.run_for(181000);
  full.bench.run_for(600000);
  CHECK(where_is(full.bench, full.apps[0].id()) == "home");
  CHECK(where_is(full.bench, full.x.id()) == "none");
  CHECK(full.bench.core->regime() == Regime::home);
}

TEST_CASE("owntracks slots: a report takes the slot of an app no longer in use and without a fresh report") {
  // apps[7] reported nothing; once no app has been heard for 10 minutes its slot is free to go.
  Full full({kAway, kAway, kAway, kAway, kAway, kAway, kAway, ""});
  full.bench.run_for(600000);
  full.phone(enter(0), 1);
  CHECK(where_is(full.bench, full.x.id()) == "home");
  CHECK(member_of(full.bench, full.apps[7].id()) == nullptr);
  for (size_t i = 0; i < 7; ++i) CHECK(where_is(full.bench, full.apps[i].id()) == "away");
  CHECK(full.bench.core->regime() == Regime::home);
}

TEST_CASE("owntracks slots: a START pushes out the member least recently active, not a fresh OwnTracks report") {
  Full full({kAway, kAway, kAway, kAway, kAway, kAway, kAway, ""});
  full.bench.run_for(600000);
  full.phone(enter(0), 1);
  REQUIRE(where_is(full.bench, full.x.id()) == "home");
  REQUIRE(full.bench.core->regime() == Regime::home);
  full.bench.run_for(1000);
  App y = full.bench.legacy_app(60);
  full.bench.start(y, "Y");  // a ninth app: apps[0], last active 10 minutes ago, gives up its slot
  full.bench.run_for(1000);
  CHECK(where_is(full.bench, full.x.id()) == "home");
  CHECK(member_of(full.bench, full.apps[0].id()) == nullptr);
  CHECK(full.bench.core->regime() == Regime::home);
}

TEST_CASE("owntracks slots: the slot given up is the one with the oldest last activity") {
  struct Case {
    const char* why;
    Peer a, b;
    const char* gives_up;  // "a" or "b"
  };
  Peer heard_long_ago;
  heard_long_ago.heard_at = 1000;
  Peer reported_lately = heard_long_ago;
  reported_lately.has_presence = true;
  reported_lately.presence_at = 9000;
  Peer heard_lately;
  heard_lately.heard_at = 5000;
  Peer only_owntracks;  // never heard from by its app
  only_owntracks.has_presence = true;
  only_owntracks.presence_at = 7000;
  Peer stale_flag = heard_long_ago;  // a report time without a report does not count
  stale_flag.presence_at = 9000;
  const Case cases[] = {
      {"a later report outweighs an earlier message", reported_lately, heard_lately, "b"},
      {"an OwnTracks-only member is as active as its last report", only_owntracks, heard_lately, "b"},
      {"a message later than an OwnTracks report", only_owntracks, heard_long_ago, "b"},
      {"presence_at without a report is not activity", stale_flag, heard_lately, "a"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    PeerTable table;
    const char* ids[kMaxPeers] = {"AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCCCCCCCC",
                                  "DDDDDDDDDDDDDDDDDDDDDD", "EEEEEEEEEEEEEEEEEEEEEE", "FFFFFFFFFFFFFFFFFFFFFF",
                                  "GGGGGGGGGGGGGGGGGGGGGG", "HHHHHHHHHHHHHHHHHHHHHH"};
    for (size_t i = 0; i < kMaxPeers; ++i) {
      Peer* p = table.claim(ids[i], [](const Peer&) { return true; });
      REQUIRE(p != nullptr);
      Peer filled = i == 0 ? c.a : i == 1 ? c.b : heard_long_ago;
      if (i >= 2) filled.heard_at = 20000;
      filled.used = true;
      memcpy(filled.id, ids[i], kIdLength + 1);
      *p = filled;
    }
    table.claim("ZZZZZZZZZZZZZZZZZZZZZZ", [](const Peer&) { return true; });
    CHECK(table.find(c.gives_up[0] == 'a' ? ids[0] : ids[1]) == nullptr);
    CHECK(table.find(c.gives_up[0] == 'a' ? ids[1] : ids[0]) != nullptr);
    // None given up when the caller lets none go.
    CHECK(table.claim("YYYYYYYYYYYYYYYYYYYYYY", [](const Peer&) { return false; }) == nullptr);
  }
}
