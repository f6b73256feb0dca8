// Storage faults found by the review of issue 8's firmware, against the rules
// of docs/protocol.md "What the thermostat does, whatever it is told":
// - M3: a factory reset revokes the old identity in storage before the new
//   one is written, so no failed write, power cut or unreadable copy brings
//   the old key back;
// - M6: settings that cannot be read at boot (io) are not overwritten with
//   defaults; the read is retried;
// - L1: a version 1 identity is migrated only beside a version 1 copy or
//   none, never beside a copy that cannot be read or is damaged.
#include <doctest/doctest.h>

#include "fakes.h"
#include "identity_helpers.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// What a copy holds: an ID, "mark:<ID>" for a reset's mark, or "?" when it does not decode.
std::string held(Bench& bench, Blob blob) {
  const std::vector<uint8_t>& bytes = copy(bench, blob);
  StoredIdentity stored{};
  if (decode_identity(bytes.data(), bytes.size(), &stored) != Error::none) return "?";
  if (stored.version == kIdentityResetMark) return std::string("mark:") + stored.reset_to;
  return stored.version == kIdentityVersion ? stored.identity.id : "v1";
}

// The ID the thermostat logs on with after a new connection, or "" when it does not.
std::string logs_on_as(Bench& bench) {
  bench.link.sent.clear();
  bench.core->link_opened(bench.now, kBrokerHost);
  bench.deliver(challenge(challenge_nonce(3)));
  bench.core->tick(bench.now);
  for (const std::string& frame : bench.link.sent) {
    Json packet(frame);
    if (packet.str("packet_type") == "LOG_ON") return packet.str("transmitter");
  }
  return "";
}

// A power cut: the core is gone, and writes it would still have made never happen.
void power_cut_and_boot(Bench& bench) {
  bench.storage.fail_next_writes = 0;
  bench.storage.writes_before_faults = 0;
  bench.reboot();
}

// A version 1 blob (the logon secret where the private key now is).
std::vector<uint8_t> version_1_blob() {
  uint8_t blob[kIdentityBlobSize] = {'H', 'I', 1};
  for (size_t i = 0; i < 64; ++i) blob[3 + i] = uint8_t(i * 7);
  store_le32(blob + 67, checksum32(blob, 67));
  return std::vector<uint8_t>(blob, blob + sizeof blob);
}

}  // namespace

TEST_CASE("finding M3: a factory reset whose last write fails is not undone by an unreadable primary") {
  // The reviewers' sequence: the reset's backup write fails, power is lost
  // before the repair, and at the next boot the primary cannot be read.
  Bench bench;
  const std::string old_id = first_boot(bench);
  bench.storage.writes_before_faults = 3;  // the two marks and the new primary
  bench.storage.fail_next_writes = 1;      // the new backup
  REQUIRE(bench.core->factory_reset(bench.now) == Error::none);
  const std::string new_id = bench.id();
  REQUIRE(new_id != old_id);
  CHECK(held(bench, Blob::identity) == new_id);
  CHECK(held(bench, Blob::identity_backup) == "mark:" + new_id);

  bench.storage.read_faults[Blob::identity] = Error::io;
  power_cut_and_boot(bench);
  CHECK_FALSE(bench.core->identity_ready());
  CHECK(bench.core->identity_error() == Error::io);
  CHECK(logs_on_as(bench).empty());
  CHECK(held(bench, Blob::identity_backup) == "mark:" + new_id);  // nothing written over it

  bench.storage.read_faults.clear();
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.id() == new_id);
  CHECK(held(bench, Blob::identity_backup) == new_id);  // the mark replaced by the identity it names
  CHECK(logs_on_as(bench) == new_id);
}

TEST_CASE("a reset cut short by a power cut after any of its writes: the old identity never again") {
  // The writes: mark over the backup, mark over the primary, new primary, new backup.
  for (int written = 1; written <= 3; ++written) {
    CAPTURE(written);
    Bench bench;
    const std::string old_id = first_boot(bench);
    bench.storage.writes_before_faults = written;
    bench.storage.fail_next_writes = 100;
    const Status reset = bench.core->factory_reset(bench.now);
    CHECK(reset == (written < 3 ? Error::io : Error::none));
    CHECK(bench.core->identity_ready() == (written == 3));
    // After the first write the old identity is left in the primary only,
    // after the second in neither copy.
    CHECK((held(bench, Blob::identity) == old_id) == (written == 1));
    CHECK(held(bench, Blob::identity_backup).rfind("mark:", 0) == 0);
    // Boots with one copy unreadable, then with both readable.
    for (const Blob unreadable : {Blob::identity_backup, Blob::identity}) {
      bench.storage.read_faults = {{unreadable, Error::io}};
      power_cut_and_boot(bench);
      CHECK_FALSE(bench.core->identity_ready());
      CHECK(logs_on_as(bench).empty());
    }
    bench.storage.read_faults.clear();
    power_cut_and_boot(bench);
    REQUIRE(bench.core->identity_ready());
    const std::string new_id = bench.id();
    CHECK(new_id != old_id);
    CHECK(logs_on_as(bench) == new_id);
    CHECK(held(bench, Blob::identity) == new_id);
    CHECK(held(bench, Blob::identity_backup) == new_id);
    bench.reboot();
    CHECK(bench.id() == new_id);
  }
}

TEST_CASE("a reset whose writes fail after its first mark: a fault, finished by the retry") {
  Bench bench;
  const std::string old_id = first_boot(bench);
  bench.storage.writes_before_faults = 1;
  bench.storage.fail_next_writes = 100;
  CHECK(bench.core->factory_reset(bench.now) == Error::io);
  CHECK_FALSE(bench.core->identity_ready());
  CHECK(logs_on_as(bench).empty());
  bench.run_for(bench.config.storage_retry_ms + 1000);  // writes still fail
  CHECK_FALSE(bench.core->identity_ready());
  bench.storage.fail_next_writes = 0;
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.id() != old_id);
  CHECK(held(bench, Blob::identity) == bench.id());
  CHECK(held(bench, Blob::identity_backup) == bench.id());
}

TEST_CASE("a reset whose new primary is written but not read back: finished by the next load") {
  Bench bench;
  const std::string old_id = first_boot(bench);
  bench.storage.read_faults[Blob::identity] = Error::io;  // the read-back fails
  CHECK(bench.core->factory_reset(bench.now) == Error::io);
  CHECK_FALSE(bench.core->identity_ready());
  const std::string new_id = held(bench, Blob::identity);
  CHECK(new_id != old_id);
  CHECK(held(bench, Blob::identity_backup) == new_id);
  bench.storage.read_faults.clear();
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.id() == new_id);
}

TEST_CASE("a reset that cannot write its mark changes nothing, in storage or in use") {
  Bench bench;
  const std::string old_id = first_boot(bench);
  bench.storage.fail_next_writes = 1;
  const std::vector<uint8_t> primary = copy(bench, Blob::identity);
  const std::vector<uint8_t> backup = copy(bench, Blob::identity_backup);
  CHECK(bench.core->factory_reset(bench.now) == Error::io);
  CHECK(bench.core->identity_ready());
  CHECK(bench.id() == old_id);
  CHECK(copy(bench, Blob::identity) == primary);
  CHECK(copy(bench, Blob::identity_backup) == backup);
}

TEST_CASE("a good primary beside an unreadable backup is a fault until the backup reads") {
  // The backup may hold the mark of a reset that power cut short, which would
  // make the primary a revoked identity; the primary alone cannot tell.
  Bench bench;
  const std::string id = first_boot(bench);
  bench.storage.read_faults[Blob::identity_backup] = Error::io;
  const int writes = bench.storage.writes;
  bench.reboot();
  CHECK_FALSE(bench.core->identity_ready());
  CHECK(bench.core->identity_error() == Error::io);
  CHECK(bench.storage.writes == writes);  // nothing written
  CHECK(held(bench, Blob::identity_backup) == id);
  bench.storage.read_faults.clear();
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.id() == id);
}

TEST_CASE("beside a reset's mark: the identity it names, a fault, or the reset finished") {
  Bench bench;
  const std::string old_id = first_boot(bench);
  REQUIRE(bench.core->factory_reset(bench.now) == Error::none);
  const std::string new_id = bench.id();
  uint8_t mark[kIdentityResetBlobSize];
  encode_reset_mark(new_id.c_str(), mark);
  copy(bench, Blob::identity_backup).assign(mark, mark + sizeof mark);

  SUBCASE("the identity it names: adopted, the mark repaired") {
    bench.reboot();
    CHECK(bench.id() == new_id);
    CHECK(held(bench, Blob::identity_backup) == new_id);
  }
  SUBCASE("a damaged copy beside it: a fault, nothing re-made") {
    copy(bench, Blob::identity)[10] ^= 0x01;
    bench.reboot();
    CHECK(bench.core->identity_error() == Error::corrupt);
    CHECK(held(bench, Blob::identity) == "?");
  }
  SUBCASE("no copy beside it: the reset is finished") {
    bench.storage.blobs.erase(Blob::identity);
    bench.reboot();
    REQUIRE(bench.core->identity_ready());
    CHECK(bench.id() != new_id);
    CHECK(bench.id() != old_id);
  }
  SUBCASE("a mark that is not intact is a damaged copy like any other") {
    copy(bench, Blob::identity_backup)[5] ^= 0x01;
    bench.reboot();
    CHECK(bench.id() == new_id);
    CHECK(held(bench, Blob::identity_backup) == new_id);
  }
}

TEST_CASE("finding L1: a version 1 identity is migrated only beside a version 1 copy or none") {
  Bench bench;
  copy(bench, Blob::identity) = version_1_blob();

  SUBCASE("beside an unreadable copy: a fault, nothing written") {
    bench.storage.read_faults[Blob::identity_backup] = Error::io;
    CHECK(bench.boot() == Error::io);
    CHECK_FALSE(bench.core->identity_ready());
    CHECK(copy(bench, Blob::identity) == version_1_blob());
    CHECK(bench.storage.blobs.count(Blob::identity_backup) == 0);
  }
  SUBCASE("beside a damaged copy: a fault, nothing written") {
    copy(bench, Blob::identity_backup) = {'H', 'I', 2, 0};
    CHECK(bench.boot() == Error::corrupt);
    CHECK(copy(bench, Blob::identity) == version_1_blob());
  }
  SUBCASE("the version 1 copy second, the first unreadable: a fault") {
    copy(bench, Blob::identity_backup) = version_1_blob();
    bench.storage.blobs.erase(Blob::identity);
    bench.storage.read_faults[Blob::identity] = Error::io;
    CHECK(bench.boot() == Error::io);
    CHECK(copy(bench, Blob::identity_backup) == version_1_blob());
  }
  SUBCASE("beside another version 1 copy: migrated, the AES key kept") {
    copy(bench, Blob::identity_backup) = version_1_blob();
    REQUIRE(bench.boot() == Error::none);
    const std::vector<uint8_t> v1 = version_1_blob();
    CHECK(std::vector<uint8_t>(bench.core->identity().key, bench.core->identity().key + 32) ==
          std::vector<uint8_t>(v1.begin() + 35, v1.begin() + 67));
    CHECK(held(bench, Blob::identity_backup) == bench.id());
  }
  SUBCASE("once the copy reads again, the migration happens") {
    bench.storage.read_faults[Blob::identity_backup] = Error::io;
    bench.boot();
    bench.storage.read_faults.clear();
    bench.run_for(bench.config.storage_retry_ms + 1000);
    CHECK(bench.core->identity_ready());
  }
}

TEST_CASE("finding M6: settings that cannot be read at boot are not overwritten with defaults") {
  Bench bench;
  Settings stored;
  stored.target = 2300;
  stored.mode = Mode::home;
  bench.seed_settings(stored);
  const std::vector<uint8_t> blob = copy(bench, Blob::settings);
  bench.storage.read_faults[Blob::settings] = Error::io;
  REQUIRE(bench.boot() == Error::none);
  CHECK(bench.core->settings_unread());
  CHECK(bench.core->settings() == Settings());  // defaults in force meanwhile
  CHECK(bench.core->settings_unstored());       // and STATE says storage
  CHECK(copy(bench, Blob::settings) == blob);

  SUBCASE("heating runs on the defaults, and nothing is written while the read fails") {
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.deliver(app.command("HOME_set", "\"home\":false,\"distance\":5000"));  // a regime change
    CHECK(Json(bench.last_for(app)).str("error") == "storage");
    bench.sensor.set_temperature(15.0f);
    bench.run_for(3 * bench.config.storage_retry_ms);
    CHECK(bench.relay.on);
    CHECK(copy(bench, Blob::settings) == blob);
    CHECK(bench.core->settings_unread());
  }
  SUBCASE("once it reads, the stored settings are in force, and were never rewritten") {
    bench.run_for(bench.config.storage_retry_ms / 2);
    CHECK(bench.core->settings_unread());  // retried at the storage pace, not every tick
    bench.storage.read_faults.clear();
    bench.run_for(bench.config.storage_retry_ms);
    CHECK_FALSE(bench.core->settings_unread());
    CHECK(bench.core->settings().target == 2300);
    CHECK(bench.core->settings().mode == Mode::home);
    CHECK_FALSE(bench.core->settings_unstored());
    CHECK(copy(bench, Blob::settings) == blob);
  }
  SUBCASE("a SET meanwhile is stored: the settings every STATE showed become the stored ones") {
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.deliver(app.command("SET", "\"target\":24"));
    CHECK(Json(bench.last_for(app)).is_null("error"));
    CHECK_FALSE(bench.core->settings_unread());
    const Result<Settings> now_stored =
        decode_settings(copy(bench, Blob::settings).data(), copy(bench, Blob::settings).size());
    REQUIRE(now_stored.ok());
    CHECK(now_stored.value.target == 2400);
    bench.storage.read_faults.clear();
    bench.run_for(2 * bench.config.storage_retry_ms);
    CHECK(bench.core->settings().target == 2400);
  }
}

TEST_CASE("settings storage positively without them, or with them damaged: defaults written back") {
  for (const int damage : {0, 1, 2}) {
    Bench bench;
    Settings stored;
    stored.target = 2300;
    bench.seed_settings(stored);
    if (damage == 0) bench.storage.blobs.erase(Blob::settings);
    if (damage == 1) copy(bench, Blob::settings)[4] ^= 0x10;
    if (damage == 2) copy(bench, Blob::settings).resize(4096, 0);  // too large is damaged too
    CAPTURE(damage);
    REQUIRE(bench.boot() == Error::none);
    CHECK_FALSE(bench.core->settings_unread());
    const Result<Settings> now_stored =
        decode_settings(copy(bench, Blob::settings).data(), copy(bench, Blob::settings).size());
    REQUIRE(now_stored.ok());
    CHECK(now_stored.value == Settings());
  }
}
