#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fakes.h"
#include "sim_ports.h"

using namespace hearth;
using namespace hearth::testing;

TEST_CASE("settings round trip through the blob") {
  Settings s;
  s.target = 2150;
  s.away_target = 1700;
  s.hysteresis = 45;
  s.mode = Mode::away;
  s.last_regime = Regime::away;
  uint8_t blob[kSettingsBlobSize];
  encode_settings(s, blob);
  auto back = decode_settings(blob, sizeof blob);
  REQUIRE(back.ok());
  CHECK(back.value == s);
}

TEST_CASE("any single corrupted byte or a wrong length is detected") {
  Settings s;
  uint8_t blob[kSettingsBlobSize];
  encode_settings(s, blob);
  for (size_t i = 0; i < sizeof blob; ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      uint8_t bad[kSettingsBlobSize];
      memcpy(bad, blob, sizeof bad);
      bad[i] ^= flip;
      CAPTURE(i);
      CHECK(decode_settings(bad, sizeof bad).error == Error::corrupt);
    }
  }
  CHECK(decode_settings(blob, sizeof blob - 1).error == Error::corrupt);
}

TEST_CASE("a checksummed blob with values out of range is refused") {
  Settings s;
  s.target = 3100;  // above 30.0
  uint8_t blob[kSettingsBlobSize];
  encode_settings(s, blob);
  CHECK(decode_settings(blob, sizeof blob).error == Error::corrupt);
}

TEST_CASE("a checksummed blob with a mode or regime byte that names none is refused") {
  for (size_t at : {size_t(9), size_t(10)}) {
    for (uint8_t value : {uint8_t(3), uint8_t(2), uint8_t(0xff)}) {
      if (at == 9 && value == 2) continue;  // away: a real mode
      uint8_t blob[kSettingsBlobSize];
      encode_settings(Settings(), blob);
      blob[at] = value;
      store_le32(blob + kSettingsBlobSize - 4, checksum32(blob, kSettingsBlobSize - 4));
      CAPTURE(at);
      CAPTURE(value);
      CHECK(decode_settings(blob, sizeof blob).error == Error::corrupt);
    }
  }
}

TEST_CASE("first boot: defaults, persisted once, identity made and kept") {
  Bench bench;
  REQUIRE(bench.boot() == Error::none);
  const Settings& s = bench.core->settings();
  CHECK(s.target == 2000);
  CHECK(s.away_target == 1600);
  CHECK(s.hysteresis == 30);
  CHECK(s.mode == Mode::automatic);
  CHECK(s.last_regime == Regime::home);
  CHECK(bench.storage.blobs.count(Blob::settings) == 1);
  const std::string id = bench.id();
  const int writes = bench.storage.writes;
  bench.reboot();
  CHECK(bench.id() == id);
  CHECK(bench.storage.writes == writes);  // nothing changed, nothing written
}

TEST_CASE("settings survive a reboot; corrupt or torn settings fall back to defaults") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.deliver(app.command("SET", "\"target\":22.5,\"mode\":\"home\""));
  bench.reboot();
  CHECK(bench.core->settings().target == 2250);
  CHECK(bench.core->settings().mode == Mode::home);

  SUBCASE("corrupt") {
    bench.storage.blobs[Blob::settings][4] ^= 0x10;
    bench.reboot();
  }
  SUBCASE("power lost mid-write on a storage that is not atomic") {
    bench.online();
    bench.start(app);
    bench.storage.tear_next_write = true;
    bench.deliver(app.command("SET", "\"target\":23"));
    bench.reboot();
  }
  SUBCASE("missing") {
    bench.storage.blobs.erase(Blob::settings);
    bench.reboot();
  }
  CHECK(bench.core->settings() == Settings());
}

TEST_CASE("settings are written only when they change") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  const int before = bench.storage.writes;
  bench.deliver(app.command("SET", "\"target\":20"));  // same as now
  bench.deliver(app.command("SET", ""));
  bench.run_for(120000);
  CHECK(bench.storage.writes == before);
  bench.deliver(app.command("SET", "\"target\":20.4"));
  CHECK(bench.storage.writes == before + 1);
}

TEST_CASE("a failed settings write is retried later, the setting applies meanwhile") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.storage.fail_writes = true;
  bench.deliver(app.command("SET", "\"target\":21"));
  CHECK(bench.core->settings().target == 2100);
  CHECK(bench.core->storage_error() == Error::io);
  bench.storage.fail_writes = false;
  bench.run_for(31000);
  CHECK(bench.core->storage_error() == Error::none);
  bench.reboot();
  CHECK(bench.core->settings().target == 2100);
}

TEST_CASE("a failed first write of the default settings at boot is retried") {
  // Missing settings blob: boot falls back to defaults and writes them back.
  // That write (the first one) fails, so nothing valid is stored yet although
  // the settings in memory equal the defaults the write attempted.
  Bench bench;
  bench.storage.fail_next_writes = 1;
  REQUIRE(bench.boot() == Error::none);
  CHECK(bench.core->storage_error() == Error::io);
  CHECK(bench.storage.blobs.count(Blob::settings) == 0);
  bench.run_for(bench.config.storage_retry_ms + 1000);
  CHECK(bench.core->storage_error() == Error::none);
  REQUIRE(bench.storage.blobs.count(Blob::settings) == 1);
  const std::vector<uint8_t>& blob = bench.storage.blobs[Blob::settings];
  const Result<Settings> stored = decode_settings(blob.data(), blob.size());
  REQUIRE(stored.ok());
  CHECK(stored.value == Settings());
}

TEST_CASE("identity is not re-made when storage fails to read, and waits for randomness") {
  Bench bench;
  bench.random.fail = true;
  CHECK(bench.boot() == Error::no_random);
  CHECK_FALSE(bench.core->identity_ready());
  bench.random.fail = false;
  bench.run_for(2000);
  CHECK(bench.core->identity_ready());
}

TEST_CASE("file storage: atomic replace; power loss before the rename keeps the old blob") {
  const std::string dir = make_temp_dir();
  DirectoryStorage storage(dir);
  uint8_t buf[64];
  CHECK(storage.read(Blob::settings, buf, sizeof buf).error == Error::not_found);
  const uint8_t first[] = {1, 2, 3};
  const uint8_t second[] = {4, 5, 6, 7};
  REQUIRE(storage.write(Blob::settings, first, sizeof first) == Error::none);
  storage.crash_before_rename = true;
  CHECK(storage.write(Blob::settings, second, sizeof second) == Error::io);
  DirectoryStorage after_power_cycle(dir);
  auto r = after_power_cycle.read(Blob::settings, buf, sizeof buf);
  REQUIRE(r.ok());
  CHECK(r.value == 3);
  CHECK(buf[0] == 1);
  REQUIRE(after_power_cycle.write(Blob::settings, second, sizeof second) == Error::none);
  r = after_power_cycle.read(Blob::settings, buf, sizeof buf);
  CHECK(r.value == 4);
  CHECK(after_power_cycle.read(Blob::settings, buf, 2).error == Error::too_large);
  std::system(("rm -rf " + dir).c_str());
}
