// The members module (members.h; docs/protocol.md "Members", "Joining",
// "Members storage"): the member table in join order, its blob byte for byte
// and every way a stored blob can be wrong, the open invitations with their
// 24 hours and their redeemer, and the last removed members.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "file_storage.h"
#include "members.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

const char kThermostat[] = "6dJCrkykZadkdwfxaPEkQ-";
const char kAna[] = "Ana_phone_0123456789ab";
const char kBen[] = "Ben-phone-9876543210zz";

// A distinct ID for member i.
std::string member_id(int i) {
  std::string id = "member_id_000000000000";
  id[20] = char('a' + i / 26);
  id[21] = char('a' + i % 26);
  return id;
}

std::vector<uint8_t> key_of(uint8_t first) {
  std::vector<uint8_t> key(kKeyBytes);
  for (size_t i = 0; i < key.size(); ++i) key[i] = uint8_t(first + i);
  return key;
}

std::vector<std::string> ids_of(const MemberTable& table) {
  std::vector<std::string> ids;
  for (const Member& member : table) ids.push_back(member.id);
  return ids;
}

bool all_zero(const void* data, size_t n) {
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

// Ana and Ben, with the old shared key open: the golden blob's table.
MemberTable ana_and_ben() {
  MemberTable table;
  REQUIRE(table.add(kAna, key_of(0x01).data(), "Ana's phone") != nullptr);
  REQUIRE(table.add(kBen, key_of(0xA0).data(), "Ben \xE2\x98\x83") != nullptr);
  table.old_link_open = true;
  return table;
}

std::vector<uint8_t> encoded(const MemberTable& table, const char* thermostat_id = kThermostat) {
  std::vector<uint8_t> blob(kMembersBlobSize);
  blob.resize(encode_members(table, thermostat_id, blob.data()));
  return blob;
}

// The checksum made right again after a change, so that only the change is judged.
std::vector<uint8_t> resealed(std::vector<uint8_t> blob) {
  store_le32(blob.data() + blob.size() - 4, checksum32(blob.data(), blob.size() - 4));
  return blob;
}

}  // namespace

TEST_CASE("members table: members in the order they joined, a rejoin keeps its place") {
  MemberTable table;
  CHECK(table.count() == 0);
  CHECK(table.begin() == table.end());
  CHECK_FALSE(table.old_link_open);  // a new thermostat has no old shared key

  Member* ana = table.add(kAna, key_of(1).data(), "Ana");
  REQUIRE(ana != nullptr);
  CHECK(ana->used);
  CHECK(std::string(ana->id) == kAna);
  CHECK(std::string(ana->name) == "Ana");
  CHECK(std::vector<uint8_t>(ana->key, ana->key + kKeyBytes) == key_of(1));
  REQUIRE(table.add(kBen, key_of(2).data(), "Ben") != nullptr);
  REQUIRE(table.add(member_id(0).c_str(), key_of(3).data(), "Cy") != nullptr);
  CHECK(ids_of(table) == std::vector<std::string>{kAna, kBen, member_id(0)});

  // Ana joins again (a new phone name): new key and name, same place, no second entry.
  Member* again = table.add(kAna, key_of(9).data(), "Ana's new phone");
  REQUIRE(again != nullptr);
  CHECK(table.count() == 3);
  CHECK(ids_of(table) == std::vector<std::string>{kAna, kBen, member_id(0)});
  CHECK(std::vector<uint8_t>(again->key, again->key + kKeyBytes) == key_of(9));
  CHECK(std::string(table.find(kAna)->name) == "Ana's new phone");
  CHECK(table.find(member_id(1).c_str()) == nullptr);
}

TEST_CASE("members table: removing one moves the later ones up and forgets its key") {
  MemberTable table;
  for (int i = 0; i < 4; ++i) table.add(member_id(i).c_str(), key_of(uint8_t(i * 40)).data(), "x");
  CHECK(table.remove(member_id(1).c_str()));
  CHECK(ids_of(table) == std::vector<std::string>{member_id(0), member_id(2), member_id(3)});
  CHECK(table.find(member_id(1).c_str()) == nullptr);
  CHECK(std::vector<uint8_t>(table.find(member_id(3).c_str())->key,
                             table.find(member_id(3).c_str())->key + kKeyBytes) == key_of(120));
  // The slot freed at the end holds nothing of anyone.
  CHECK(all_zero(table.end(), sizeof(Member)));
  CHECK_FALSE(table.remove(member_id(1).c_str()));  // no such member (any more)
  CHECK_FALSE(table.remove("not an ID"));
  CHECK(table.count() == 3);

  // A new member goes last, after those who joined before it.
  table.add(member_id(7).c_str(), key_of(7).data(), "late");
  CHECK(ids_of(table) == std::vector<std::string>{member_id(0), member_id(2), member_id(3), member_id(7)});
}

TEST_CASE("members table: at most 8; a ninth or a malformed ID is refused and changes nothing") {
  MemberTable table;
  for (int i = 0; i < int(kMaxMembers); ++i) {
    REQUIRE(table.add(member_id(i).c_str(), key_of(uint8_t(i)).data(), "m") != nullptr);
  }
  CHECK(kMaxMembers == 8);
  CHECK(table.count() == 8);
  const std::vector<std::string> before = ids_of(table);
  CHECK(table.add(member_id(8).c_str(), key_of(8).data(), "ninth") == nullptr);
  CHECK(ids_of(table) == before);
  // A member already there still gets its new key when the table is full.
  REQUIRE(table.add(member_id(3).c_str(), key_of(0x77).data(), "m") != nullptr);
  CHECK(table.find(member_id(3).c_str())->key[0] == 0x77);

  MemberTable empty;
  const char* malformed[] = {"", "short", "Ana_phone_0123456789a", "Ana_phone_0123456789abc",
                             "Ana_phone_0123456789a=", "Ana phone 0123456789ab", "Ana_phone_0123456789a\xC3"};
  for (const char* id : malformed) {
    CAPTURE(id);
    CHECK(empty.add(id, key_of(1).data(), "x") == nullptr);
  }
  CHECK(empty.count() == 0);
}

TEST_CASE("members table: names are kept as copy_display_name keeps them") {
  struct Case {
    const char* given;
    const char* kept;
  };
  const Case cases[] = {
      {"Ana's phone", "Ana's phone"},
      {"tab\there", "tab?here"},
      {"0123456789012345678901234567890123456789", "01234567890123456789012345678901"},
      // 31 bytes then a 3-byte character: the character is left out, never cut.
      {"0123456789012345678901234567890\xE2\x98\x83", "0123456789012345678901234567890"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.given);
    MemberTable table;
    REQUIRE(table.add(kAna, key_of(1).data(), c.given) != nullptr);
    CHECK(std::string(table.find(kAna)->name) == c.kept);
  }
}

TEST_CASE("members table: clear forgets every member and closes the old shared key") {
  MemberTable table = ana_and_ben();
  table.clear();
  CHECK(table.count() == 0);
  CHECK_FALSE(table.old_link_open);
  CHECK(table.find(kAna) == nullptr);
  CHECK(all_zero(table.begin(), sizeof(Member) * kMaxMembers));
}

TEST_CASE("members blob: the golden bytes") {
  const std::vector<uint8_t> expected = hex(
      "48 4d 01 01"                                            // "HM", version 1, old shared key open
      "36644a43726b796b5a61646b64776678615045 6b512d"          // thermostat ID 6dJCrkykZadkdwfxaPEkQ-
      "02"                                                     // two members
      "416e615f70686f6e655f30313233343536373839 6162"          // Ana_phone_0123456789ab
      "0102030405060708090a0b0c0d0e0f10 1112131415161718191a1b1c1d1e1f20"  // her key
      "0b"                                                     // her name: 11 bytes
      "416e612773207068 6f6e65"                                // Ana's phone
      "000000000000000000000000000000000000000000"            // zeros to 32 bytes
      "42656e2d70686f6e652d39383736353433323130 7a7a"          // Ben-phone-9876543210zz
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
      "07"                                                     // 7 bytes
      "42656e20e29883"                                         // "Ben ☃"
      "00000000000000000000000000000000000000000000000000"
      "215e7618");                                             // SHA-256's first 4 bytes, little-endian
  const std::vector<uint8_t> blob = encoded(ana_and_ben());
  CHECK(blob == expected);
  CHECK(blob.size() == 31 + 2 * 87);

  MemberTable decoded;
  REQUIRE(decode_members(expected.data(), expected.size(), kThermostat, &decoded) == Error::none);
  CHECK(decoded.old_link_open);
  CHECK(ids_of(decoded) == std::vector<std::string>{kAna, kBen});
  CHECK(std::string(decoded.find(kBen)->name) == "Ben \xE2\x98\x83");
  CHECK(std::vector<uint8_t>(decoded.find(kBen)->key, decoded.find(kBen)->key + kKeyBytes) == key_of(0xA0));
}

TEST_CASE("members blob: round trips, from none to 8 members with the longest names") {
  MemberTable none;
  std::vector<uint8_t> blob = encoded(none);
  CHECK(blob.size() == 31);
  CHECK(blob[3] == 0);  // the old shared key closed
  MemberTable decoded = ana_and_ben();
  REQUIRE(decode_members(blob.data(), blob.size(), kThermostat, &decoded) == Error::none);
  CHECK(decoded.count() == 0);
  CHECK_FALSE(decoded.old_link_open);

  MemberTable full;
  for (int i = 0; i < int(kMaxMembers); ++i) {
    full.add(member_id(i).c_str(), key_of(uint8_t(i * 31)).data(),
             std::string(32, char('A' + i)).c_str());
  }
  blob = encoded(full);
  CHECK(blob.size() == kMembersBlobSize);
  REQUIRE(decode_members(blob.data(), blob.size(), kThermostat, &decoded) == Error::none);
  CHECK(encoded(decoded) == blob);
  CHECK(ids_of(decoded) == ids_of(full));
}

TEST_CASE("members blob: every damage is corrupt, and leaves no members and the old shared key closed") {
  const std::vector<uint8_t> good = encoded(ana_and_ben());
  const size_t first = kMembersHeaderBytes;                  // Ana's record
  const size_t second = first + kMemberRecordBytes;          // Ben's record
  const size_t name_at = kIdLength + kKeyBytes;              // a name's length byte in a record

  struct Case {
    const char* what;
    std::vector<uint8_t> blob;
  };
  std::vector<Case> cases;
  auto changed = [&](const char* what, auto change) {
    std::vector<uint8_t> blob = good;
    change(blob);
    cases.push_back({what, resealed(blob)});
  };

  // Length.
  cases.push_back({"empty", {}});
  cases.push_back({"one byte short", std::vector<uint8_t>(good.begin(), good.end() - 1)});
  {
    std::vector<uint8_t> longer = good;
    longer.push_back(0);
    cases.push_back({"one byte more", resealed(longer)});
  }
  cases.push_back({"header only", std::vector<uint8_t>(good.begin(), good.begin() + kMembersHeaderBytes)});
  cases.push_back({"larger than any", std::vector<uint8_t>(kMembersBlobSize + 1, 0)});
  changed("count says 3, two records", [](std::vector<uint8_t>& b) { b[kMembersHeaderBytes - 1] = 3; });
  changed("count says 1, two records", [](std::vector<uint8_t>& b) { b[kMembersHeaderBytes - 1] = 1; });
  {
    std::vector<uint8_t> cut(good.begin(), good.begin() + second);  // Ana's record only
    cut.resize(cut.size() + 4);
    cases.push_back({"one record short", resealed(cut)});
  }
  // Magic, version, flags.
  changed("magic HN", [](std::vector<uint8_t>& b) { b[1] = 'N'; });
  changed("magic hM", [](std::vector<uint8_t>& b) { b[0] = 'h'; });
  changed("version 0", [](std::vector<uint8_t>& b) { b[2] = 0; });
  changed("version 2", [](std::vector<uint8_t>& b) { b[2] = 2; });
  changed("unknown flag", [](std::vector<uint8_t>& b) { b[3] = 0x03; });
  // Checksum (not resealed).
  {
    std::vector<uint8_t> flipped = good;
    flipped[first + kIdLength + 5] ^= 0x10;  // a bit of Ana's key
    cases.push_back({"a flipped key bit", flipped});
    flipped = good;
    flipped[flipped.size() - 1] ^= 0x01;
    cases.push_back({"a flipped checksum bit", flipped});
  }
  // IDs.
  changed("Ben's ID is Ana's", [&](std::vector<uint8_t>& b) {
    std::copy(b.begin() + first, b.begin() + first + kIdLength, b.begin() + second);
  });
  changed("an ID with '='", [&](std::vector<uint8_t>& b) { b[second + 3] = '='; });
  changed("an ID with NUL", [&](std::vector<uint8_t>& b) { b[first + 21] = 0; });
  changed("another thermostat ID", [](std::vector<uint8_t>& b) { b[4] = 'X'; });
  // Names.
  changed("name length 33", [&](std::vector<uint8_t>& b) { b[first + name_at] = 33; });
  changed("name length 255", [&](std::vector<uint8_t>& b) { b[first + name_at] = 255; });
  changed("name longer than its bytes", [&](std::vector<uint8_t>& b) { b[first + name_at] = 12; });
  changed("name shorter than its bytes", [&](std::vector<uint8_t>& b) { b[first + name_at] = 10; });
  changed("a NUL inside the name", [&](std::vector<uint8_t>& b) { b[first + name_at + 1 + 3] = 0; });
  changed("padding not zero", [&](std::vector<uint8_t>& b) { b[first + name_at + 1 + 31] = 'x'; });
  changed("a control character", [&](std::vector<uint8_t>& b) { b[first + name_at + 1 + 3] = '\n'; });
  changed("a cut character", [&](std::vector<uint8_t>& b) {
    b[second + name_at] = 6;  // "Ben \xE2\x98" without its last byte
    b[second + name_at + 1 + 6] = 0;
  });
  // More than 8.
  {
    MemberTable full;
    for (int i = 0; i < int(kMaxMembers); ++i) full.add(member_id(i).c_str(), key_of(uint8_t(i)).data(), "m");
    std::vector<uint8_t> nine = encoded(full);
    const std::vector<uint8_t> record(nine.begin() + first, nine.begin() + second);
    nine.insert(nine.end() - 4, record.begin(), record.end());  // a record more
    nine[nine.size() - 4 - kMemberRecordBytes] = 'Z';                          // a ninth ID
    nine[kMembersHeaderBytes - 1] = 9;
    cases.push_back({"nine members", resealed(nine)});
    std::vector<uint8_t> says_nine = encoded(full);
    says_nine[kMembersHeaderBytes - 1] = 9;
    cases.push_back({"count 9, eight records", resealed(says_nine)});
  }

  for (const Case& c : cases) {
    CAPTURE(c.what);
    MemberTable table = ana_and_ben();  // what was there before is not kept either
    CHECK(decode_members(c.blob.data(), c.blob.size(), kThermostat, &table) == Error::corrupt);
    CHECK(table.count() == 0);
    CHECK_FALSE(table.old_link_open);
    CHECK(table.find(kAna) == nullptr);
  }
  // The good blob read by another thermostat (a factory reset's new ID).
  MemberTable table;
  CHECK(decode_members(good.data(), good.size(), "otherThermostatId_1234", &table) == Error::corrupt);
  CHECK(table.count() == 0);
  CHECK(decode_members(good.data(), good.size(), kThermostat, &table) == Error::none);
}

TEST_CASE("members blob: stored as /members.bin, apart from every other blob") {
  CHECK(std::string(blob_path(Blob::members)) == "/members.bin");
  CHECK(std::string(blob_temp_path(Blob::members)) == "/members.bin.tmp");
  // The history days are indexed from history_0: members comes after them.
  CHECK(uint8_t(Blob::members) > uint8_t(Blob::history_7));
}

namespace {

std::vector<uint8_t> secret_of(uint8_t first) { return key_of(first); }

// What find() tried, and which secret it takes.
struct Trial {
  std::vector<uint8_t> accept;
  std::vector<std::vector<uint8_t>> tried;
  Invitation* run(Invitations& invitations, const char* transmitter, uint64_t now) {
    tried.clear();
    return invitations.find(transmitter, now, [&](const uint8_t* secret) {
      tried.emplace_back(secret, secret + kInvitationBytes);
      return std::vector<uint8_t>(secret, secret + kInvitationBytes) == accept;
    });
  }
};

constexpr uint64_t kHour = 60ull * 60 * 1000;

}  // namespace

TEST_CASE("member invitations: one opens for anyone until 24 hours after it was made") {
  CHECK(kInvitationLifetimeMs == 24 * kHour);
  Invitations invitations;
  const uint64_t made = 5000000000ull;  // past a 32-bit millis wrap: the monotonic clock
  Invitation& invitation = invitations.make(secret_of(1).data(), made);
  CHECK(invitation.used);
  CHECK(invitation.made_at == made);
  CHECK(std::string(invitation.redeemed_by).empty());

  Trial trial{secret_of(1), {}};
  struct Case {
    uint64_t at;
    bool opens;
  };
  const Case cases[] = {{made, true}, {made + 23 * kHour, true}, {made + 24 * kHour - 1, true},
                        {made + 24 * kHour, false}};
  for (const Case& c : cases) {
    CAPTURE(c.at - made);
    CHECK(Invitations::opens_for(invitation, kAna, c.at) == c.opens);
    CHECK(invitations.open_count(c.at) == (c.opens ? 1u : 0u));
  }
  CHECK(trial.run(invitations, kAna, made + 24 * kHour - 1) == &invitation);
  CHECK(trial.run(invitations, kBen, made + 24 * kHour - 1) == &invitation);
  CHECK(trial.run(invitations, kAna, made + 24 * kHour) == nullptr);
  CHECK(trial.tried.empty());  // an expired secret is not even tried
  // and it is forgotten: no secret left behind, nothing open even for an earlier clock reading.
  CHECK(all_zero(&invitation, sizeof invitation));
  CHECK(invitations.open_count(made) == 0);
}

TEST_CASE("member invitations: find tries each open one's secret and returns the one that opens") {
  Invitations invitations;
  invitations.make(secret_of(1).data(), 0);
  Invitation& second = invitations.make(secret_of(2).data(), 10);
  invitations.make(secret_of(3).data(), 20);

  Trial trial{secret_of(2), {}};
  CHECK(trial.run(invitations, kAna, 30) == &second);
  CHECK(std::vector<uint8_t>(second.secret, second.secret + kInvitationBytes) == secret_of(2));
  trial.accept = secret_of(9);  // sealed under no invitation
  CHECK(trial.run(invitations, kAna, 30) == nullptr);
  CHECK(trial.tried.size() == 3);
}

TEST_CASE("member invitations: once redeemed, one opens only for its redeemer, until it would have expired") {
  Invitations invitations;
  Invitation& invitation = invitations.make(secret_of(1).data(), 1000);
  Invitations::redeem(invitation, kAna);
  CHECK(std::string(invitation.redeemed_by) == kAna);

  Trial trial{secret_of(1), {}};
  CHECK(trial.run(invitations, kAna, 2000) == &invitation);
  CHECK(trial.run(invitations, kBen, 2000) == nullptr);
  CHECK(trial.tried.empty());
  CHECK_FALSE(Invitations::opens_for(invitation, kBen, 2000));
  CHECK(invitations.open_count(2000) == 1);
  CHECK(trial.run(invitations, kAna, 1000 + kInvitationLifetimeMs) == nullptr);
}

TEST_CASE("member invitations: at most 4; a fifth pushes out the oldest, an expired one goes first") {
  CHECK(kMaxInvitations == 4);
  Invitations invitations;
  for (uint8_t i = 0; i < 4; ++i) invitations.make(secret_of(uint8_t(i * 40)).data(), 100 + i);
  invitations.make(secret_of(200).data(), 200);
  CHECK(invitations.open_count(300) == 4);
  Trial trial{secret_of(0), {}};
  CHECK(trial.run(invitations, kAna, 300) == nullptr);  // the oldest is gone
  for (uint8_t secret : {40, 80, 120, 200}) {
    trial.accept = secret_of(secret);
    CHECK(trial.run(invitations, kAna, 300) != nullptr);
  }

  // A sixth pushes out the next oldest, not the fifth that took the first one's place.
  invitations.make(secret_of(210).data(), 210);
  trial.accept = secret_of(40);
  CHECK(trial.run(invitations, kAna, 300) == nullptr);
  for (uint8_t secret : {80, 120, 200, 210}) {
    trial.accept = secret_of(secret);
    CHECK(trial.run(invitations, kAna, 300) != nullptr);
  }

  // Made at one moment (one tick asks for several): the order they were made in counts.
  Invitations same_moment;
  for (uint8_t i = 1; i <= 6; ++i) same_moment.make(secret_of(i).data(), 500);
  for (uint8_t secret : {1, 2}) {
    trial.accept = secret_of(secret);
    CHECK(trial.run(same_moment, kAna, 500) == nullptr);
  }
  for (uint8_t secret : {3, 4, 5, 6}) {
    trial.accept = secret_of(secret);
    CHECK(trial.run(same_moment, kAna, 500) != nullptr);
  }

  // Of four, two expired by the time a fifth is made: both out, the two open ones stay.
  Invitations expiring;
  expiring.make(secret_of(1).data(), 0);
  expiring.make(secret_of(2).data(), 1);
  expiring.make(secret_of(3).data(), 20 * kHour);
  expiring.make(secret_of(4).data(), 21 * kHour);
  expiring.make(secret_of(5).data(), 25 * kHour);
  expiring.make(secret_of(6).data(), 25 * kHour + 1);
  CHECK(expiring.open_count(25 * kHour + 1) == 4);
  for (uint8_t secret : {3, 4, 5, 6}) {
    trial.accept = secret_of(secret);
    CHECK(trial.run(expiring, kAna, 25 * kHour + 2) != nullptr);
  }
}

TEST_CASE("member invitations: clear ends every open one") {
  Invitations invitations;
  for (uint8_t i = 0; i < 4; ++i) invitations.make(secret_of(i).data(), i);
  invitations.clear();
  CHECK(invitations.open_count(10) == 0);
  Trial trial{secret_of(0), {}};
  CHECK(trial.run(invitations, kAna, 10) == nullptr);
  CHECK(trial.tried.empty());
}

TEST_CASE("removed members: the last 4 IDs and keys, the one remembered longest ago goes first") {
  CHECK(kRemovedRemembered == 4);
  RemovedMembers removed;
  CHECK(removed.find(kAna) == nullptr);
  for (int i = 0; i < 4; ++i) removed.remember(member_id(i).c_str(), key_of(uint8_t(i)).data());
  for (int i = 0; i < 4; ++i) {
    const uint8_t* key = removed.find(member_id(i).c_str());
    REQUIRE(key != nullptr);
    CHECK(std::vector<uint8_t>(key, key + kKeyBytes) == key_of(uint8_t(i)));
  }
  removed.remember(member_id(4).c_str(), key_of(4).data());
  CHECK(removed.find(member_id(0).c_str()) == nullptr);
  CHECK(removed.find(member_id(4).c_str()) != nullptr);

  // Removed again (it rejoined, then was removed): its entry is renewed, not doubled,
  // and counts as the latest.
  removed.remember(member_id(1).c_str(), key_of(0x51).data());
  CHECK(removed.find(member_id(1).c_str())[0] == 0x51);
  removed.remember(member_id(5).c_str(), key_of(5).data());  // pushes out 2, not 1
  CHECK(removed.find(member_id(2).c_str()) == nullptr);
  CHECK(removed.find(member_id(1).c_str()) != nullptr);
  CHECK(removed.find(member_id(3).c_str()) != nullptr);

  // Forgotten (it joined again): the place is free for the next one, nobody else goes.
  removed.forget(member_id(3).c_str());
  CHECK(removed.find(member_id(3).c_str()) == nullptr);
  removed.remember(member_id(6).c_str(), key_of(6).data());
  for (int i : {1, 4, 5, 6}) CHECK(removed.find(member_id(i).c_str()) != nullptr);

  removed.clear();
  for (int i : {1, 4, 5, 6}) CHECK(removed.find(member_id(i).c_str()) == nullptr);
}
