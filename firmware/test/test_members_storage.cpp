// Members storage and the factory reset (docs/protocol.md "What the thermostat does, whatever it
// is told": "Members storage", "Factory reset"), through the real core.
#include <doctest/doctest.h>

#include <functional>

#include "members_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// What the stored members blob holds for the bench's thermostat (corrupt when it does not decode).
struct Stored {
  Status status;
  MemberTable table;
};
Stored stored_members(Bench& bench) {
  Stored out{Error::not_found, {}};
  auto found = bench.storage.blobs.find(Blob::members);
  if (found != bench.storage.blobs.end()) {
    out.status = decode_members(found->second.data(), found->second.size(), bench.id().c_str(), &out.table);
  }
  return out;
}

}  // namespace

TEST_CASE("members storage: what the thermostat finds at boot") {
  struct Row {
    const char* why;
    std::function<void(Bench&)> before_boot;  // storage as the previous firmware or boot left it
    Thermostat::MembersLoad load;
    bool old_link_open;
  };
  const Row rows[] = {
      {"missing beside the identity an older firmware made: the old shared key open",
       [](Bench& b) { b.storage.blobs.erase(Blob::members); }, Thermostat::MembersLoad::updated, true},
      {"damaged: none kept, the old shared key closed",
       [](Bench& b) { b.storage.blobs[Blob::members][10] ^= 0x01; }, Thermostat::MembersLoad::damaged, false},
      {"oversized: damaged",
       [](Bench& b) { b.storage.blobs[Blob::members].resize(kMembersBlobSize + 40); }, Thermostat::MembersLoad::damaged,
       false},
      {"naming another thermostat ID (a reset whose write failed)",
       [](Bench& b) {
         MemberTable other;
         other.add("Ab_cdEFghIJklMNopQRst0", made_up_key(1).data(), "Ana");
         other.old_link_open = true;
         uint8_t blob[kMembersBlobSize];
         const size_t length = encode_members(other, "Zz_anotherThermostat00", blob);
         b.storage.blobs[Blob::members].assign(blob, blob + length);
       },
       Thermostat::MembersLoad::damaged, false},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.why));
    Bench bench;
    bench.boot_updated();
    bench.online();
    App ana = bench.app(1);
    REQUIRE(bench.core->members().count() == 1);
    row.before_boot(bench);
    bench.reboot();
    CHECK(bench.core->members_load() == row.load);
    CHECK(bench.core->members().count() == 0);
    CHECK(bench.core->members().old_link_open == row.old_link_open);
    // Written back as now held.
    const Stored stored = stored_members(bench);
    CHECK(stored.status == Error::none);
    CHECK(stored.table.count() == 0);
    CHECK(stored.table.old_link_open == row.old_link_open);
    CHECK_FALSE(bench.core->members_unstored());
  }

  // Missing beside a new identity (a fresh device): none, the old shared key closed, written.
  Bench fresh;
  fresh.boot();
  CHECK(fresh.core->members_load() == Thermostat::MembersLoad::missing_new);
  CHECK_FALSE(fresh.core->members().old_link_open);
  CHECK(stored_members(fresh).status == Error::none);
  CHECK_FALSE(stored_members(fresh).table.old_link_open);
}

TEST_CASE("members storage: while storage cannot read them, no members, no JOIN, nothing written; read again every 30 s") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1);
  const std::vector<uint8_t> blob = bench.storage.blobs[Blob::members];
  bench.storage.read_faults[Blob::members] = Error::io;
  bench.reboot();
  bench.online();
  CHECK(bench.core->members_load() == Thermostat::MembersLoad::unread);
  CHECK(bench.core->members().count() == 0);
  // Ana's START is not opened, nor a JOIN under a new invitation.
  bench.link.sent.clear();
  bench.deliver(ana.start());
  CHECK(bench.link.sent.empty());
  const std::vector<uint8_t> secret = bench.invitation();
  App ben(secret.data(), bench.id(), 2);
  CHECK_FALSE(bench.join(ben, secret));
  bench.run_for(3 * bench.config.storage_retry_ms);
  CHECK(bench.storage.blobs[Blob::members] == blob);
  // Storage reads again: within 30 s the members are back.
  bench.storage.read_faults.clear();
  bench.run_for(bench.config.storage_retry_ms);
  CHECK(bench.core->members_load() == Thermostat::MembersLoad::read);
  CHECK(member_ids(*bench.core) == std::vector<std::string>{ana.id()});
  CHECK(Json(bench.start(ana)).str("type") == "STATE");
  CHECK(bench.storage.blobs[Blob::members] == blob);
}

TEST_CASE("members storage: a change whose write fails is in force, says storage, and is retried every 30 s") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana);
  bench.storage.write_faults[Blob::members] = Error::io;
  Json removed(members_set(bench, ana, "\"remove\":\"" + ben.id() + "\""));
  CHECK(removed.str("error") == "storage");
  CHECK(listed_ids(removed) == std::vector<std::string>{ana.id()});
  CHECK(bench.core->members_unstored());
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", ""));
  CHECK(Json(bench.last_for(ana)).str("error") == "storage");
  bench.link.sent.clear();
  bench.deliver(ben.command("SET", "\"target\":29"));
  CHECK(Json(bench.last_for(ben)).str("code") == "not_member");  // in force all the same
  CHECK(stored_members(bench).table.count() == 2);                // not yet stored

  bench.storage.write_faults.clear();
  bench.run_for(bench.config.storage_retry_ms - 1000);
  CHECK(stored_members(bench).table.count() == 2);  // retried at the 30 s pace, not at once
  bench.run_for(1000);
  CHECK_FALSE(bench.core->members_unstored());
  CHECK(member_ids(*bench.core) == std::vector<std::string>{ana.id()});
  CHECK(stored_members(bench).table.count() == 1);
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", ""));
  CHECK(Json(bench.last_for(ana)).is_null("error"));
}

TEST_CASE("members storage: a factory reset forgets the members, closes the old shared key, ends invitations") {
  for (const bool write_fails : {false, true}) {
    CAPTURE(write_fails);
    Bench bench;
    bench.boot_updated();
    bench.online();
    App ana = bench.app(1), ben = bench.app(2);
    bench.start(ana);
    members_set(bench, ana, "\"remove\":\"" + ben.id() + "\"");  // Ben remembered as removed
    const std::vector<uint8_t> secret = bench.invitation();
    const std::string old_id = bench.id();
    if (write_fails) bench.storage.write_faults[Blob::members] = Error::io;
    REQUIRE(bench.core->factory_reset(bench.now) == Error::none);
    CHECK(bench.core->members().count() == 0);
    CHECK_FALSE(bench.core->members().old_link_open);
    CHECK(bench.core->members_load() == Thermostat::MembersLoad::reset);
    CHECK(bench.core->open_invitations(bench.now) == 0);
    bench.online();
    App late(secret.data(), bench.id(), 3);
    CHECK_FALSE(bench.join(late, secret));  // the invitation ended with the old identity
    bench.link.sent.clear();
    bench.deliver(App(ben.key().data(), bench.id(), 2).start());
    CHECK(bench.link.sent.empty());  // nor is a removed member remembered
    if (!write_fails) {
      CHECK(stored_members(bench).status == Error::none);
      CHECK(stored_members(bench).table.count() == 0);
      continue;
    }
    // The write failed: what is stored names the old ID, never used beside the new identity.
    CHECK(bench.core->members_unstored());
    bench.reboot();
    CHECK(bench.id() != old_id);
    CHECK(bench.core->members_load() == Thermostat::MembersLoad::damaged);
    CHECK(bench.core->members().count() == 0);
    CHECK_FALSE(bench.core->members().old_link_open);
  }
}
