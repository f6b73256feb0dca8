// Driving a bench's thermostat through members (docs/protocol.md "Joining", "The old shared key",
// "Members"): test_join.cpp, test_members_core.cpp, test_members_storage.cpp,
// test_members_vectors.cpp.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "members.h"

namespace hearth::testing {

// A MEMBERS_set with app's next seq and these fields; the first answer it got (a MEMBERS, or an
// ERROR; a change pushes STATEs after it), "" for none.
inline std::string members_set(Bench& bench, App& app, const std::string& fields = "") {
  bench.link.sent.clear();
  bench.deliver(app.command("MEMBERS_set", fields));
  const std::vector<std::string> answers = bench.all_for(app);
  return answers.empty() ? "" : answers.front();
}

// The IDs a MEMBERS lists, in its order.
inline std::vector<std::string> listed_ids(const Json& members) {
  std::vector<std::string> ids;
  const cJSON* member;
  cJSON_ArrayForEach(member, members.get("members")) {
    const cJSON* id = cJSON_GetObjectItemCaseSensitive(member, "id");
    ids.push_back(cJSON_IsString(id) ? id->valuestring : "");
  }
  return ids;
}

// The IDs the thermostat holds as members, in the order they joined.
inline std::vector<std::string> member_ids(const Thermostat& core) {
  std::vector<std::string> ids;
  for (const Member& member : core.members()) ids.push_back(member.id);
  return ids;
}

// The key the thermostat holds for a member (empty when it is none).
inline std::vector<uint8_t> member_key(const Thermostat& core, const std::string& id) {
  for (const Member& member : core.members()) {
    if (id == member.id) return std::vector<uint8_t>(member.key, member.key + kKeyBytes);
  }
  return {};
}

// A member key made up for a seeded blob, one per seed.
inline std::vector<uint8_t> made_up_key(uint8_t seed) {
  std::vector<uint8_t> key(kKeyBytes);
  for (size_t i = 0; i < key.size(); ++i) key[i] = uint8_t(seed * 37 + i * 11 + 1);
  return key;
}

// Stores members with these IDs (keys made_up_key(i + 1)) for the bench's thermostat, as an
// earlier boot would have, and boots it again, online: apps with those IDs and keys are members.
inline std::vector<App> seed_members(Bench& bench, const std::vector<std::string>& ids, bool old_link_open) {
  MemberTable table;
  for (size_t i = 0; i < ids.size(); ++i) {
    REQUIRE(table.add(ids[i].c_str(), made_up_key(uint8_t(i + 1)).data(), "Phone") != nullptr);
  }
  table.old_link_open = old_link_open;
  uint8_t blob[kMembersBlobSize];
  const size_t length = encode_members(table, bench.id().c_str(), blob);
  bench.storage.blobs[Blob::members].assign(blob, blob + length);
  bench.reboot();
  bench.online();
  std::vector<App> apps;
  for (size_t i = 0; i < ids.size(); ++i) apps.emplace_back(made_up_key(uint8_t(i + 1)).data(), bench.id(), ids[i]);
  return apps;
}

// What the thermostat sent a JOIN's app, opened under the secret of its JOIN.
inline std::vector<std::string> join_answers(App& app, const std::vector<std::string>& frames) {
  std::vector<std::string> out;
  for (const std::string& frame : frames) {
    const std::string plain = app.open_join_answer(frame);
    if (!plain.empty()) out.push_back(plain);
  }
  return out;
}

// The app's JOIN under secret and the tick that works it out (Bench::join, which takes a WELCOME);
// what the thermostat sent the app meanwhile, opened under the secret.
inline std::vector<std::string> answers_to_join(Bench& bench, App& app, const std::vector<uint8_t>& secret,
                                                const char* name = "Ana's phone") {
  bench.join(app, secret, name);
  return join_answers(app, bench.joined_frames);
}

}  // namespace hearth::testing
