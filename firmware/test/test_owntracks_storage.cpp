// The OwnTracks registrations while their file cannot be read (docs/protocol.md "Messages",
// OWNTRACKS_set): an OWNTRACKS_set reads it again first and, while it still cannot, is answered
// storage and changes nothing, so that one app's resend never writes a file holding only its own
// registration over the others'. And the apps hear when the registrations change: when the file
// reads again, and when another member's OWNTRACKS_set changes STATE's owntracks list.
#include <doctest/doctest.h>

#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

std::string enter(uint64_t s) { return transition("enter", 1764680000 + s); }

struct TwoMembers {
  Bench bench;
  App a;
  App b;
  TwoMembers() : a((bench.boot(), bench.online(), bench.app(1))), b(bench.app(2)) {
    bench.start(a, "A");
    bench.start(b, "B");
    REQUIRE(Json(register_owntracks(bench, a)).is_null("error"));
    REQUIRE(Json(register_owntracks(bench, b, kOtherSecret)).is_null("error"));
    bench.deliver(relay_frame(bench.id(), b.id(), owntracks_data(kOtherSecret, enter(100), 3)));
  }
  // A reboot whose read of the registrations fails; A's app opens again.
  void reboot_unreadable() {
    bench.storage.read_faults[Blob::owntracks] = Error::io;
    bench.reboot();
    bench.online();
    bench.start(a, "A");
  }
};

}  // namespace

TEST_CASE("owntracks storage: an OWNTRACKS_set while the file cannot be read is answered storage, changes nothing") {
  for (const char* secret : {"\"q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA\",\"wtst\":1764633600", "null"}) {
    CAPTURE(secret);
    TwoMembers house;
    const std::vector<uint8_t> stored = house.bench.storage.blobs[Blob::owntracks];
    house.reboot_unreadable();
    const int writes = house.bench.storage.writes;
    house.bench.link.sent.clear();
    house.bench.deliver(house.a.command("OWNTRACKS_set", std::string("\"secret\":") + secret));
    Json state(house.bench.last_for(house.a));
    CHECK(state.str("error") == "storage");
    CHECK(cJSON_GetArraySize(state.get("owntracks")) == 0);
    CHECK(house.bench.storage.writes == writes);
    CHECK(house.bench.storage.blobs[Blob::owntracks] == stored);
    // Once the file reads again, both registrations and B's replay time are as they were.
    house.bench.storage.read_faults.clear();
    house.bench.run_for(31000);
    CHECK_FALSE(house.bench.core->owntracks_unstored());
    CHECK(house.bench.core->owntracks().find(house.a.id().c_str()) != nullptr);
    CHECK(house.bench.core->owntracks().find(house.b.id().c_str()) != nullptr);
    house.bench.deliver(relay_frame(house.bench.id(), house.b.id(), owntracks_data(kOtherSecret, enter(100), 4)));
    CHECK(member_of(house.bench, house.b.id()) == nullptr);  // refused: the replay time survived
  }
}

TEST_CASE("owntracks storage: an OWNTRACKS_set reads the file again first, and then applies") {
  TwoMembers house;
  house.reboot_unreadable();
  house.bench.run_for(5000);
  // A bad one is answered as such first, even while the file cannot be read.
  house.bench.link.sent.clear();
  house.bench.deliver(house.a.command("OWNTRACKS_set", "\"secret\":\"short\",\"wtst\":1"));
  CHECK(Json(house.bench.last_for(house.a)).str("error") == "bad_message");
  house.bench.link.sent.clear();
  house.bench.deliver(house.a.command("OWNTRACKS_set", std::string("\"secret\":\"") + kSecret + "\",\"wtst\":0"));
  CHECK(Json(house.bench.last_for(house.a)).str("error") == "out_of_range");
  house.bench.storage.read_faults.clear();  // the flash answers again before the 30 s retry
  Json state(register_owntracks(house.bench, house.a, kSecret, kWtst + 1));
  CHECK(state.is_null("error"));
  CHECK(cJSON_GetArraySize(state.get("owntracks")) == 2);
  CHECK(house.bench.core->owntracks().find(house.a.id().c_str())->wtst == kWtst + 1);
  house.bench.reboot();
  CHECK(house.bench.core->owntracks().find(house.b.id().c_str()) != nullptr);
}

TEST_CASE("owntracks storage: the apps are told when the file reads again") {
  TwoMembers house;
  house.reboot_unreadable();
  house.bench.run_for(5000);
  house.bench.storage.read_faults.clear();
  house.bench.link.sent.clear();
  house.bench.run_for(26000);  // the retry, 30 s after the failed read
  REQUIRE_FALSE(house.bench.core->owntracks_unstored());
  const std::vector<std::string> pushed = house.bench.all_for(house.a);
  REQUIRE(pushed.size() == 1);  // at once, not with the periodic push a minute after the logon
  Json state(pushed.front());
  CHECK(state.is_null("error"));
  CHECK(cJSON_GetArraySize(state.get("owntracks")) == 2);
}

TEST_CASE("owntracks storage: another app hears when the owntracks list changes") {
  struct Case {
    const char* why;
    std::string fields;
    size_t pushes;  // STATEs B gets
  };
  const Case cases[] = {
      {"a new member", std::string("\"secret\":\"") + kSecret + "\",\"wtst\":1764633600", 1},
      {"the same secret again: the list is unchanged", std::string("\"secret\":\"") + kSecret + "\",\"wtst\":1764633600", 0},
      {"another region: the list is unchanged", std::string("\"secret\":\"") + kSecret + "\",\"wtst\":1764633601", 0},
      {"forgotten", "\"secret\":null", 1},
      {"forgotten again: nothing to forget", "\"secret\":null", 0},
  };
  Bench bench;
  bench.boot();
  bench.online();
  App a = bench.app(1);
  App b = bench.app(2);
  bench.start(a, "A");
  bench.start(b, "B");
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    bench.link.sent.clear();
    bench.deliver(a.command("OWNTRACKS_set", c.fields));
    CHECK(Json(bench.last_for(a)).is_null("error"));
    CHECK(bench.all_for(b).size() == c.pushes);
  }
}
