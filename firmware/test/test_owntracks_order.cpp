// The replay rule ordered per type (docs/protocol.md "What the thermostat accepts", step 4) and
// the registrations file written field by field: OwnTracks for Android stamps a transition with
// the time of its fix, delivered up to 2 minutes late, after a location stamped with the time it
// was sent; and a later firmware must read what an earlier one stored.
#include <doctest/doctest.h>

#include "owntracks_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr uint64_t kEpoch = 1764680000;

// An Android transition: no created_at, its time is tst, the fix's.
std::string android_transition(const char* event, uint64_t tst) {
  return "{\"_type\":\"transition\",\"topic\":\"owntracks/user/an/event\",\"qos\":1,\"_id\":\"1a2b3c4d\","
         "\"event\":\"" + std::string(event) + "\",\"desc\":\"Hearth\",\"tid\":\"AN\",\"t\":\"c\",\"tst\":" +
         std::to_string(tst) + ",\"wtst\":" + std::to_string(kWtst) + ",\"acc\":9,\"lon\":5.12,\"lat\":52.09}";
}

// An Android location: tst is the fix, created_at when it was sent.
std::string android_location(uint64_t tst, uint64_t created_at, bool in_region) {
  return "{\"_type\":\"location\",\"topic\":\"owntracks/user/an\",\"qos\":1,\"created_at\":" +
         std::to_string(created_at) + ",\"_id\":\"5e6f7a8b\",\"t\":\"p\",\"acc\":11,\"lat\":52.09,\"lon\":5.12,"
         "\"tst\":" + std::to_string(tst) + ",\"inregions\":" + (in_region ? "[\"Hearth\"]" : "[]") +
         ",\"tid\":\"AN\"}";
}

struct Phone {
  Bench bench;
  App app;
  uint8_t seed = 0;
  Phone() : app(registered_member(bench, 1, "Ana's phone")) {}
  // Each message sealed anew, as OwnTracks for Android does even for a retry.
  void send(const std::string& plaintext) {
    bench.deliver(relay_frame(bench.id(), app.id(), owntracks_data(kSecret, plaintext, ++seed)));
  }
  std::string where() const { return where_is(bench, app.id()); }
};

}  // namespace

TEST_CASE("owntracks order: each type is ordered by its own last time") {
  struct Step {
    uint32_t wait_ms;  // before the message ("" for none)
    std::string message;
    const char* expect;
  };
  struct Case {
    const char* why;
    std::vector<Step> steps;
  };
  const uint64_t t = kEpoch;
  const Case cases[] = {
      {"Android: a leave whose fix time is below a location's created_at, delivered after it, counts",
       {{0, android_transition("enter", t), "home"},
        {900000, android_location(t + 895, t + 900, true), "home"},
        {60000, android_transition("leave", t + 840), "home"},
        {179000, "", "home"},
        {1000, "", "away"}}},
      {"a location older than the last transition does not cancel its pending leave",
       {{0, android_transition("enter", t), "home"},
        {600000, android_transition("leave", t + 600), "home"},
        {60000, android_location(t + 560, t + 570, true), "home"},
        {120000, "", "away"}}},
      {"a location at the pending leave's own time cancels it",
       {{0, android_transition("enter", t), "home"},
        {600000, android_transition("leave", t + 600), "home"},
        {60000, android_location(t + 595, t + 600, true), "home"},
        {200000, "", "home"}}},
      {"a transition and a location in the same second are both accepted",
       {{0, android_transition("leave", t + 10), "none"},
        {1000, android_location(t + 9, t + 10, true), "home"},
        {200000, "", "home"}}},
      {"the same transition sealed anew is refused: the leave is not pending again",
       {{0, android_transition("enter", t), "home"},
        {1000, android_transition("leave", t + 10), "home"},
        {1000, android_transition("enter", t + 20), "home"},
        {1000, android_transition("leave", t + 10), "home"},
        {200000, "", "home"}}},
      {"the same location sealed anew is refused: the later leave stands",
       {{0, android_location(t, t, true), "home"},
        {1000, android_transition("leave", t + 10), "home"},
        {1000, android_location(t, t, true), "home"},
        {200000, "", "away"}}},
      {"an older transition after a newer one is refused, whatever the locations",
       {{0, android_transition("leave", t + 100), "none"},
        {1000, android_location(t + 150, t + 200, false), "none"},
        {1000, android_transition("enter", t + 50), "none"},
        {200000, "", "away"}}},
      {"an older location after a newer one is refused",
       {{0, android_location(t + 100, t + 100, false), "none"},
        {1000, android_location(t + 50, t + 50, true), "none"}}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.why));
    Phone phone;
    for (size_t i = 0; i < c.steps.size(); ++i) {
      CAPTURE(i);
      if (c.steps[i].wait_ms > 0) phone.bench.run_for(c.steps[i].wait_ms);
      if (!c.steps[i].message.empty()) phone.send(c.steps[i].message);
      CHECK(phone.where() == c.steps[i].expect);
    }
  }
}

TEST_CASE("owntracks order: both last times survive a reboot") {
  Phone phone;
  phone.send(android_transition("enter", kEpoch + 100));
  phone.send(android_location(kEpoch + 190, kEpoch + 200, true));
  phone.bench.reboot();
  phone.bench.online();
  phone.send(android_transition("enter", kEpoch + 100));
  phone.send(android_location(kEpoch + 190, kEpoch + 200, true));
  CHECK(phone.where() == "none");
  // A transition between the two stored times is newer than the last transition: accepted.
  phone.send(android_transition("enter", kEpoch + 150));
  CHECK(phone.where() == "home");
}

TEST_CASE("owntracks order: the registrations file is written field by field") {
  OwntracksMembers members;
  bool changed = false;
  REQUIRE(members.set("GGXACDHnP37iP8E8stD1iL", kSecret, 0x0102030405060708ull, "Ana", &changed) ==
          Error::none);
  members.find("GGXACDHnP37iP8E8stD1iL")->last_transition = 0x1112131415161718ull;
  members.find("GGXACDHnP37iP8E8stD1iL")->last_location = 0x2122232425262728ull;
  std::vector<uint8_t> blob(kOwntracksBlobMaxBytes);
  blob.resize(encode_owntracks_members(members, blob.data()));
  // "HO", version 2, one record of 111 bytes, the checksum.
  std::vector<uint8_t> expected = {'H', 'O', 2, 1,
                                   8, 7, 6, 5, 4, 3, 2, 1,
                                   0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
                                   0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21};
  for (const char c : std::string("GGXACDHnP37iP8E8stD1iL") + kSecret) expected.push_back(uint8_t(c));
  expected.push_back(3);
  for (const char c : std::string("Ana")) expected.push_back(uint8_t(c));
  expected.resize(expected.size() + kMaxNameBytes - 3, 0);
  REQUIRE(expected.size() == 4 + 111);
  expected.resize(expected.size() + 4);
  store_le32(expected.data() + 4 + 111, checksum32(expected.data(), 4 + 111));
  CHECK(blob == expected);
}

TEST_CASE("owntracks order: a version 1 file (the first firmware's) is read, its time both types'") {
  // Version 1 records: wtst, the one replay time, then ID, secret and name NUL-terminated and
  // zero-padded (23, 33, 33 bytes), then the types accepted at that time; 106 bytes.
  std::vector<uint8_t> blob = {'H', 'O', 1, 1};
  const auto le64 = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) blob.push_back(uint8_t(v >> (8 * i)));
  };
  const auto text = [&](const std::string& value, size_t width) {
    for (size_t i = 0; i < width; ++i) blob.push_back(i < value.size() ? uint8_t(value[i]) : 0);
  };
  le64(kWtst);
  le64(kEpoch + 500);
  text("GGXACDHnP37iP8E8stD1iL", 23);
  text(kSecret, 33);
  text("Ana \xc3\xa9", 33);
  blob.push_back(3);
  REQUIRE(blob.size() == 4 + 106);
  blob.resize(blob.size() + 4);
  store_le32(blob.data() + 4 + 106, checksum32(blob.data(), 4 + 106));

  OwntracksMembers read;
  REQUIRE(decode_owntracks_members(blob.data(), blob.size(), &read) == Error::none);
  const OwntracksMember* ana = read.find("GGXACDHnP37iP8E8stD1iL");
  REQUIRE(ana != nullptr);
  CHECK(ana->wtst == kWtst);
  CHECK(std::string(ana->secret) == kSecret);
  CHECK(std::string(ana->name) == "Ana \xc3\xa9");
  CHECK(ana->last_transition == kEpoch + 500);
  CHECK(ana->last_location == kEpoch + 500);

  // On a thermostat (updated: that phone is on the old shared key, so its reports count, see
  // "The old shared key"): the registration is kept across the update, and the stored time still
  // shuts the door for both types.
  Bench bench;
  bench.storage.blobs[Blob::owntracks] = blob;
  bench.boot_updated();
  bench.online();
  REQUIRE(bench.core->owntracks().find("GGXACDHnP37iP8E8stD1iL") != nullptr);
  CHECK_FALSE(bench.core->owntracks_unstored());
  const std::string id = "GGXACDHnP37iP8E8stD1iL";
  bench.deliver(relay_frame(bench.id(), id, owntracks_data(kSecret, android_transition("enter", kEpoch + 500), 1)));
  bench.deliver(relay_frame(bench.id(), id, owntracks_data(kSecret, android_location(kEpoch + 400, kEpoch + 500, true), 2)));
  CHECK(member_of(bench, id) == nullptr);
  bench.deliver(relay_frame(bench.id(), id, owntracks_data(kSecret, android_transition("enter", kEpoch + 501), 3)));
  REQUIRE(member_of(bench, id) != nullptr);
  CHECK(member_of(bench, id)->home);
  // The next write is version 2.
  CHECK(bench.storage.blobs[Blob::owntracks][2] == 2);
}
