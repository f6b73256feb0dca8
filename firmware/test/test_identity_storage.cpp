// Storage faults (issue 8, finding 5) and the rules of docs/protocol.md
// "What the thermostat does, whatever it is told": the identity lives in two
// copies, is made anew only on a fresh device or a factory reset, and an
// identity that cannot be read is a visible fault that leaves the heater
// alone; a SET is confirmed only once it is stored.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "fakes.h"
#include "identity_helpers.h"
#include "sim_ports.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// A new connection: does the thermostat answer the broker's CHALLENGE?
bool logs_on(Bench& bench) {
  bench.link.sent.clear();
  bench.core->link_opened(bench.now, kBrokerHost);
  bench.deliver(challenge(challenge_nonce(5)));
  bench.core->tick(bench.now);
  for (const std::string& frame : bench.link.sent) {
    if (Json(frame).str("packet_type") == "LOG_ON") return true;
  }
  return false;
}

// The heater rules run whatever the identity does: cold room, heater on.
void check_heating_works(Bench& bench) {
  // After a boot the minimum off time (60 s) comes first.
  bench.sensor.set_temperature(15.0f);
  bench.run_for(61000);
  CHECK(bench.relay.on);
  bench.sensor.set_temperature(25.0f);
  bench.run_for(61000);
  CHECK_FALSE(bench.relay.on);
}

// The identity is faulty: no ID, no logon, nothing written to either copy.
void check_identity_fault(Bench& bench, Error expected) {
  CHECK_FALSE(bench.core->identity_ready());
  CHECK(bench.core->identity_error() == expected);
  CHECK_FALSE(logs_on(bench));
  char link[200];
  CHECK_FALSE(bench.core->pairing_link("http://x/", link, sizeof link, bench.now).ok());
}

}  // namespace

TEST_CASE("a fresh device makes one identity and writes it twice, identically") {
  Bench bench;
  const std::string id = first_boot(bench);
  CHECK(bench.core->identity_copies().primary == Error::none);
  CHECK(bench.core->identity_copies().backup == Error::none);
  REQUIRE(bench.storage.blobs.count(Blob::identity) == 1);
  CHECK(copy(bench, Blob::identity) == copy(bench, Blob::identity_backup));
  CHECK(copy(bench, Blob::identity).size() == kIdentityBlobSize);
  CHECK(copy(bench, Blob::identity)[2] == 2);  // version
  bench.reboot();
  CHECK(bench.id() == id);
  CHECK(logs_on(bench));
}

TEST_CASE("one flipped bit in one copy: same identity, the copy repaired from the other") {
  for (Blob damaged : {Blob::identity, Blob::identity_backup}) {
    for (size_t byte = 0; byte < kIdentityBlobSize; ++byte) {
      CAPTURE(int(damaged));
      CAPTURE(byte);
      Bench bench;
      const std::string id = first_boot(bench);
      const std::vector<uint8_t> good = copy(bench, damaged);
      copy(bench, damaged)[byte] ^= uint8_t(1u << (byte % 8));
      bench.reboot();
      REQUIRE(bench.core->identity_ready());
      CHECK(bench.id() == id);
      CHECK(copy(bench, damaged) == good);
      CHECK(bench.core->identity_copies().primary == Error::none);
      CHECK(bench.core->identity_copies().backup == Error::none);
    }
  }
}

TEST_CASE("a truncated copy, or an empty one, is corrupt: the other copy is used and repairs it") {
  for (size_t length : {size_t(0), size_t(1), size_t(40), kIdentityBlobSize - 1}) {
    CAPTURE(length);
    Bench bench;
    const std::string id = first_boot(bench);
    copy(bench, Blob::identity).resize(length);
    bench.reboot();
    CHECK(bench.id() == id);
    CHECK(copy(bench, Blob::identity) == copy(bench, Blob::identity_backup));
  }
}

TEST_CASE("an empty or truncated identity file with no second copy is a fault, never a new identity") {
  // A version 1 device had one copy only: this is finding 5 exactly.
  for (size_t length : {size_t(0), size_t(40)}) {
    CAPTURE(length);
    Bench bench;
    first_boot(bench);
    copy(bench, Blob::identity).resize(length);
    bench.storage.blobs.erase(Blob::identity_backup);
    const int writes = bench.storage.writes;
    CHECK(bench.boot() == Error::corrupt);
    check_identity_fault(bench, Error::corrupt);
    CHECK(bench.core->identity_copies().primary == Error::corrupt);
    CHECK(bench.core->identity_copies().backup == Error::not_found);
    bench.run_for(120000);
    CHECK(bench.storage.writes == writes);  // neither copy touched
    CHECK(copy(bench, Blob::identity).size() == length);
  }
}

TEST_CASE("both copies corrupt: a visible fault, no logon, heater rules untouched") {
  Bench bench;
  const std::string id = first_boot(bench);
  const std::vector<uint8_t> good = copy(bench, Blob::identity);
  copy(bench, Blob::identity)[10] ^= 0x04;
  copy(bench, Blob::identity_backup)[50] ^= 0x40;
  bench.reboot();
  check_identity_fault(bench, Error::corrupt);
  CHECK(bench.core->identity_copies().primary == Error::corrupt);
  CHECK(bench.core->identity_copies().backup == Error::corrupt);
  check_heating_works(bench);
  CHECK(copy(bench, Blob::identity)[10] == (good[10] ^ 0x04));  // left as found

  SUBCASE("retried: once a copy reads again, the same identity logs on") {
    copy(bench, Blob::identity_backup) = good;
    bench.run_for(bench.config.storage_retry_ms + 1000);
    REQUIRE(bench.core->identity_ready());
    CHECK(bench.id() == id);
    CHECK(copy(bench, Blob::identity) == good);
    CHECK(logs_on(bench));
  }
  SUBCASE("a factory reset is the way out: a new identity, both copies") {
    REQUIRE(bench.core->factory_reset(bench.now) == Error::none);
    REQUIRE(bench.core->identity_ready());
    CHECK(bench.id() != id);
    CHECK(copy(bench, Blob::identity) == copy(bench, Blob::identity_backup));
    CHECK(logs_on(bench));
  }
}

TEST_CASE("an io error reading the identity: a fault, retried, and nothing re-made") {
  Bench bench;
  const std::string id = first_boot(bench);
  bench.storage.read_faults[Blob::identity] = Error::io;

  SUBCASE("the other copy reads: it is used") {
    bench.reboot();
    CHECK(bench.id() == id);
    CHECK(bench.core->identity_copies().primary == Error::none);  // rewritten from the backup
  }
  SUBCASE("neither reads: fault, heater works; the same identity once storage answers") {
    bench.storage.read_faults[Blob::identity_backup] = Error::io;
    bench.reboot();
    check_identity_fault(bench, Error::io);
    check_heating_works(bench);
    bench.storage.read_faults.clear();
    bench.run_for(bench.config.storage_retry_ms + 1000);
    REQUIRE(bench.core->identity_ready());
    CHECK(bench.id() == id);
  }
  SUBCASE("one unreadable, the other not found: not a fresh device") {
    bench.storage.blobs.erase(Blob::identity_backup);
    const int writes = bench.storage.writes;
    bench.reboot();
    check_identity_fault(bench, Error::io);
    CHECK(bench.storage.writes == writes);
  }
}

TEST_CASE("an oversized copy is corrupt, the other one is used") {
  Bench bench;
  const std::string id = first_boot(bench);
  copy(bench, Blob::identity_backup).resize(4096, 0xAA);
  bench.reboot();
  CHECK(bench.id() == id);
  CHECK(copy(bench, Blob::identity_backup) == copy(bench, Blob::identity));
}

TEST_CASE("both copies good but different (power lost between the two writes): the first wins") {
  Bench first, second;
  first_boot(first);
  const std::string id = first_boot(second);
  second.random.state = 12345;  // a different identity in the second copy
  REQUIRE(second.core->factory_reset(second.now) == Error::none);
  const std::vector<uint8_t> newer = copy(second, Blob::identity);
  copy(second, Blob::identity_backup) = copy(first, Blob::identity);
  const std::string new_id = second.id();
  CHECK(new_id != id);
  second.reboot();
  CHECK(second.id() == new_id);
  CHECK(copy(second, Blob::identity_backup) == newer);
}

TEST_CASE("a copy that cannot be rewritten is retried until it is") {
  Bench bench;
  const std::string id = first_boot(bench);
  bench.storage.blobs.erase(Blob::identity_backup);
  bench.storage.fail_writes = true;
  bench.reboot();
  REQUIRE(bench.core->identity_ready());  // one good copy is enough to run
  CHECK(bench.id() == id);
  CHECK(bench.core->identity_copies().backup == Error::io);
  CHECK(bench.storage.blobs.count(Blob::identity_backup) == 0);
  bench.storage.fail_writes = false;
  bench.run_for(bench.config.storage_retry_ms + 1000);
  CHECK(bench.core->identity_copies().backup == Error::none);
  CHECK(copy(bench, Blob::identity_backup) == copy(bench, Blob::identity));
}

TEST_CASE("a new identity that cannot be stored is not handed out") {
  Bench bench;
  bench.storage.fail_writes = true;
  CHECK(bench.boot() == Error::io);
  check_identity_fault(bench, Error::io);
  check_heating_works(bench);
  bench.storage.fail_writes = false;
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(copy(bench, Blob::identity) == copy(bench, Blob::identity_backup));
}

TEST_CASE("a version 1 identity keeps its AES key and gets a key pair (the ID changes)") {
  Bench bench;
  uint8_t blob[kIdentityBlobSize] = {'H', 'I', 1};
  for (size_t i = 0; i < 32; ++i) blob[3 + i] = uint8_t(i);            // the old logon secret
  for (size_t i = 0; i < 32; ++i) blob[35 + i] = uint8_t(0xA0 + i);     // the pairing key
  store_le32(blob + 67, checksum32(blob, 67));
  copy(bench, Blob::identity).assign(blob, blob + sizeof blob);
  REQUIRE(bench.boot() == Error::none);
  CHECK(std::vector<uint8_t>(bench.core->identity().key, bench.core->identity().key + 32) ==
        std::vector<uint8_t>(blob + 35, blob + 67));
  CHECK(bench.id() != "Yw3NKWbEM2aRElRIu7JbT_");  // the version 1 ID of that secret
  for (Blob c : {Blob::identity, Blob::identity_backup}) {
    REQUIRE(copy(bench, c).size() == kIdentityBlobSize);
    CHECK(copy(bench, c)[2] == 2);
  }
  const std::string id = bench.id();
  bench.reboot();
  CHECK(bench.id() == id);
  CHECK(logs_on(bench));
}

TEST_CASE("factory reset: new key pair and AES key, default settings, sessions and link dropped") {
  Bench bench;
  const std::string id = first_boot(bench);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.deliver(app.command("SET", "\"target\":23"));
  const std::vector<uint8_t> old_key(bench.core->identity().key, bench.core->identity().key + 32);
  REQUIRE(bench.core->factory_reset(bench.now) == Error::none);
  CHECK(bench.id() != id);
  CHECK(std::vector<uint8_t>(bench.core->identity().key, bench.core->identity().key + 32) != old_key);
  CHECK(bench.core->settings() == Settings());
  CHECK(bench.core->peers().count() == 0);
  CHECK_FALSE(bench.core->online());
  CHECK(bench.link.drops == 1);
  const std::string new_id = bench.id();
  bench.reboot();
  CHECK(bench.id() == new_id);
  CHECK(bench.core->settings() == Settings());

  SUBCASE("a factory reset that cannot store anything changes nothing") {
    bench.storage.fail_writes = true;
    CHECK(bench.core->factory_reset(bench.now) == Error::io);
    CHECK(bench.id() == new_id);
  }
}

TEST_CASE("disk full on SET: the answer says storage until a write succeeds, and so do pushes") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana);
  bench.start(ben);
  bench.storage.fail_writes = true;
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", "\"target\":22"));
  Json reply(bench.last_for(ana));
  CHECK(reply.str("type") == "STATE");
  CHECK(reply.str("error") == "storage");
  CHECK(reply.num("target") == doctest::Approx(22));  // in force, not yet stored
  REQUIRE(bench.all_for(ben).size() == 1);
  CHECK(Json(bench.all_for(ben)[0]).str("error") == "storage");

  bench.link.sent.clear();
  bench.run_for(61000);  // the periodic push, the retry fails again
  REQUIRE_FALSE(bench.all_for(ana).empty());
  CHECK(Json(bench.all_for(ana).back()).str("error") == "storage");
  bench.deliver(ana.command("SET", "\"target\":22.5,\"mode\":\"party\""));
  CHECK(Json(bench.last_for(ana)).str("error") == "out_of_range");  // its own error first
  bench.deliver(ana.command("SET", ""));
  CHECK(Json(bench.last_for(ana)).str("error") == "storage");

  bench.storage.fail_writes = false;
  bench.link.sent.clear();
  bench.run_for(bench.config.storage_retry_ms);
  // The retry stored it; everyone hears at once that it is safe.
  REQUIRE_FALSE(bench.all_for(ben).empty());
  CHECK(Json(bench.all_for(ben).back()).is_null("error"));
  bench.deliver(ana.command("SET", ""));
  CHECK(Json(bench.last_for(ana)).is_null("error"));
  bench.reboot();
  CHECK(bench.core->settings().target == 2200);
}

TEST_CASE("a HOME_set answer says storage too while settings are not stored") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.storage.fail_writes = true;
  bench.deliver(app.command("HOME_set", "\"home\":false,\"distance\":5000"));  // regime away: a write
  CHECK(Json(bench.last_for(app)).str("error") == "storage");
}

TEST_CASE("file storage: not_found only for a missing file in a directory that is there") {
  const std::string dir = make_temp_dir();
  DirectoryStorage storage(dir);
  uint8_t buf[128];
  CHECK(storage.read(Blob::identity, buf, sizeof buf).error == Error::not_found);
  CHECK(storage.read(Blob::identity_backup, buf, sizeof buf).error == Error::not_found);
  const uint8_t a[] = {1, 2, 3}, b[] = {4, 5};
  REQUIRE(storage.write(Blob::identity, a, sizeof a) == Error::none);
  REQUIRE(storage.write(Blob::identity_backup, b, sizeof b) == Error::none);
  CHECK(storage.read(Blob::identity, buf, sizeof buf).value == 3);
  CHECK(storage.read(Blob::identity_backup, buf, sizeof buf).value == 2);
  CHECK(access((dir + "/identity-backup.bin").c_str(), F_OK) == 0);

  // Empty: 0 bytes, which the identity calls corrupt.
  close(open((dir + "/identity.bin").c_str(), O_WRONLY | O_TRUNC));
  auto empty = storage.read(Blob::identity, buf, sizeof buf);
  REQUIRE(empty.ok());
  CHECK(empty.value == 0);
  // Unreadable: a directory where the file should be.
  unlink((dir + "/settings.bin").c_str());
  mkdir((dir + "/settings.bin").c_str(), 0700);
  CHECK(storage.read(Blob::settings, buf, sizeof buf).error == Error::io);
  // Disk full.
  storage.full = true;
  CHECK(storage.write(Blob::identity, a, sizeof a) == Error::io);
  storage.full = false;
  std::system(("rm -rf " + dir).c_str());
  // The state directory itself is gone (an unmounted card): cannot tell.
  CHECK(storage.read(Blob::identity, buf, sizeof buf).error == Error::io);
}
