// factory-reset on the serial console when the flash file system does not
// mount (issue 9: "Factory reset and 'forget Wi-Fi' stay available on the
// serial console"): the user asked for everything to go, so the file system is
// formatted and mounted again and the reset goes on; a file system that mounts
// is never formatted (the reset revokes the old identity, then replaces it);
// a format that fails is said, and the heater keeps to its rules.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fakes.h"
#include "file_storage.h"
#include "flash.h"
#include "network_config.h"
#include "onboarding.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// LittleFS as the glue sees it, both ports in one as in
// src/littlefs_file_system.h: a volume that mounts or not and, once mounted,
// its files. A damaged one does not mount until it is formatted; formatting
// erases every file.
struct FakeFlash final : FileSystem, FlashVolume {
  std::map<std::string, std::vector<uint8_t>> files;
  bool damaged = false;
  bool format_works = true;
  bool mounts_after_format = true;
  bool mounted = false;
  std::vector<std::string> calls;  // the volume's calls, in order

  bool formatted() const { return std::find(calls.begin(), calls.end(), "format") != calls.end(); }

  Result<FileInfo> stat(const char* path) override {
    if (!mounted) return Result<FileInfo>::failure(Error::io);
    const auto it = files.find(path);
    if (it == files.end()) return Result<FileInfo>::success({false, 0});
    return Result<FileInfo>::success({true, it->second.size()});
  }
  Result<size_t> read(const char* path, size_t offset, uint8_t* out, size_t n) override {
    const auto it = files.find(path);
    if (!mounted || it == files.end()) return Result<size_t>::failure(Error::io);
    if (offset > it->second.size()) return Result<size_t>::success(0);
    const size_t got = std::min(n, it->second.size() - offset);
    std::copy(it->second.begin() + long(offset), it->second.begin() + long(offset + got), out);
    return Result<size_t>::success(got);
  }
  Result<size_t> write(const char* path, const uint8_t* data, size_t n) override {
    if (!mounted) return Result<size_t>::failure(Error::io);
    files[path].assign(data, data + n);
    return Result<size_t>::success(n);
  }
  Status rename(const char* from, const char* to) override {
    const auto it = files.find(from);
    if (!mounted || it == files.end()) return Error::io;
    files[to] = it->second;
    files.erase(from);
    return Error::none;
  }
  Status remove(const char* path) override {
    return mounted && files.erase(path) == 1 ? Error::none : Error::io;
  }
  Status check() override { return mounted ? Error::none : Error::io; }

  Status disable_auto_format() override {
    calls.push_back("no-auto-format");
    return Error::none;
  }
  Status mount() override {
    calls.push_back("mount");
    if (damaged) return Error::io;
    mounted = true;
    return Error::none;
  }
  Status format() override {
    calls.push_back("format");
    if (!format_works) return Error::io;
    mounted = false;
    files.clear();
    damaged = !mounts_after_format;
    return Error::none;
  }
  Status read_block_start(uint32_t block, uint8_t* out, size_t n) override {
    calls.push_back("read " + std::to_string(block));
    std::fill(out, out + n, damaged ? 0x5A : 0xFF);  // a damaged file system is not erased flash
    return Error::none;
  }
};

struct QuietWifi final : WifiStation {
  bool saved = true;
  WifiStatus state = WifiStatus::connecting;
  bool has_saved_network() override { return saved; }
  void connect_saved() override { state = WifiStatus::connecting; }
  void connect(const char*, const char*) override { state = WifiStatus::connecting; }
  Status remember() override { return Error::none; }
  void disconnect() override { state = WifiStatus::idle; }
  void forget() override {
    saved = false;
    state = WifiStatus::idle;
  }
  WifiStatus status() override { return state; }
  void start_scan() override {}
  WifiScanState scan_state() override { return WifiScanState::idle; }
  size_t scan_count() override { return 0; }
  bool scan_result(size_t, WifiNetwork*) override { return false; }
  void scan_clear() override {}
};

// A thermostat booted the way firmware/src/main.cpp boots it: mount, storage
// usable or not by the outcome, network configuration, core, serial setup.
struct FlashResetBench {
  FakeSensor sensor;
  FakeRelay relay;
  FakeFlash flash;
  FileStorage storage{flash, false};
  FakeLink link;
  TestRandom random;
  QuietWifi wifi;
  Millis now = 1000;
  MountOutcome mounted = MountOutcome::mounted;
  std::unique_ptr<NetworkConfigStore> network;
  std::unique_ptr<Thermostat> core;
  std::unique_ptr<Onboarding> setup;

  void boot() {
    setup.reset();
    core.reset();
    network.reset();
    relay.on = false;
    flash.mounted = false;
    flash.calls.clear();
    mounted = mount_file_system(flash);
    storage.set_mounted(file_system_usable(mounted));
    network = std::make_unique<NetworkConfigStore>(storage);
    network->load();
    core = std::make_unique<Thermostat>(sensor, relay, storage, link, random, now);
    core->begin(now);
    setup = std::make_unique<Onboarding>(*core, wifi, *network);
    setup->attach_flash(storage, flash);
    setup->begin(now);
  }
  void run_for(uint32_t ms) {
    for (uint32_t done = 0; done < ms; done += 1000) {
      now += 1000;
      core->tick(now);
      setup->poll(now);
    }
  }
  // One console line in, the console's answer (its one line) out.
  std::string type(const std::string& line) {
    const std::string typed = line + "\n";
    setup->receive(reinterpret_cast<const uint8_t*>(typed.data()), typed.size(), now);
    setup->poll(now);
    std::string out(reinterpret_cast<const char*>(setup->output()), setup->output_length());
    setup->consume_output(out.size());
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string id() const { return core->identity_ready() ? core->identity().id : ""; }
};

// A first boot on a board whose file system mounts, with a broker and app set
// and a file the reset does not know of; then, when `damaged`, a reboot where
// the file system no longer mounts. Returns the identity of the first boot.
std::string boot_configured(FlashResetBench& bench, bool damaged) {
  bench.sensor.set_temperature(3.0f);  // below the frost limit: the rules heat
  bench.boot();
  REQUIRE(bench.mounted == MountOutcome::mounted);
  REQUIRE(bench.core->identity_ready());
  REQUIRE(bench.network->set_broker_url("wss://hearth.example/ws") == Error::none);
  REQUIRE(bench.network->set_app_url("https://hearth.example/") == Error::none);
  bench.flash.files["/unrelated.txt"] = {1, 2, 3};
  const std::string first_id = bench.id();
  if (damaged) {
    bench.flash.damaged = true;
    bench.boot();
    REQUIRE(bench.mounted == MountOutcome::damaged);
    REQUIRE_FALSE(bench.storage.mounted());
    REQUIRE_FALSE(bench.core->identity_ready());
  }
  bench.run_for(61000);  // past the relay's minimum off time after boot
  REQUIRE(bench.relay.on);
  return first_id;
}

}  // namespace

TEST_CASE("prepare_flash_for_reset: formats only a file system that is not usable, and checks each step") {
  struct Row {
    const char* name;
    bool usable;
    bool format_works;
    bool mounts_after_format;
    ResetFlashOutcome expected;
    std::vector<std::string> calls;
    bool usable_after;
  };
  const Row rows[] = {
      {"usable: left as it is", true, true, true, ResetFlashOutcome::left_as_is, {}, true},
      {"not usable: formatted and mounted", false, true, true, ResetFlashOutcome::formatted, {"format", "mount"}, true},
      {"not usable, format fails: no mount tried", false, false, true, ResetFlashOutcome::format_failed, {"format"},
       false},
      {"not usable, formatted, still does not mount", false, true, false, ResetFlashOutcome::mount_failed,
       {"format", "mount"}, false},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.name));
    FakeFlash flash;
    flash.damaged = !row.usable;
    flash.mounted = row.usable;
    flash.format_works = row.format_works;
    flash.mounts_after_format = row.mounts_after_format;
    flash.files["/identity.bin"] = {9};
    FileStorage storage(flash, row.usable);
    CHECK(int(prepare_flash_for_reset(storage, flash)) == int(row.expected));
    CHECK(flash.calls == row.calls);
    CHECK(storage.mounted() == row.usable_after);
    // Only a format erases anything.
    CHECK(flash.files.count("/identity.bin") == (row.expected == ResetFlashOutcome::left_as_is ||
                                                 row.expected == ResetFlashOutcome::format_failed
                                                     ? 1u
                                                     : 0u));
  }
}

TEST_CASE("factory-reset on the console: formats the flash only when it does not mount") {
  struct Row {
    const char* name;
    bool damaged;
    bool format_works;
    bool mounts_after_format;
    const char* answer;
    bool formats;
    bool reset;  // a new identity, Wi-Fi and broker forgotten
  };
  const Row rows[] = {
      {"mounts: the identity is revoked and replaced, nothing formatted", false, true, true, "ok factory-reset",
       false, true},
      {"does not mount: formatted, mounted, reset", true, true, true, "ok factory-reset (the flash was formatted)",
       true, true},
      {"does not mount, format fails", true, false, true,
       "error factory-reset: the flash cannot be formatted (format failed): no logon, heating goes on by its "
       "rules; last resort: erase the flash and flash again",
       true, false},
      {"does not mount, formatted, still does not mount", true, true, false,
       "error factory-reset: the flash cannot be formatted (formatted, but it does not mount): no logon, heating "
       "goes on by its rules; last resort: erase the flash and flash again",
       true, false},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.name));
    FlashResetBench bench;
    const std::string first_id = boot_configured(bench, row.damaged);
    bench.flash.format_works = row.format_works;
    bench.flash.mounts_after_format = row.mounts_after_format;
    bench.flash.calls.clear();

    const std::string answer = bench.type("factory-reset");
    CHECK(answer == row.answer);
    CHECK(answer.size() <= kMaxConsoleLine);  // the app's reader drops longer lines
    CHECK(bench.flash.formatted() == row.formats);
    CHECK(bench.flash.files.count("/unrelated.txt") == (row.formats && row.format_works ? 0u : 1u));
    CHECK(bench.storage.mounted() == (!row.damaged || row.reset));
    CHECK(bench.core->identity_ready() == row.reset);
    CHECK(bench.wifi.saved == !row.reset);
    // Whatever the flash did, the heater keeps to its rules.
    bench.run_for(2000);
    CHECK(bench.relay.on);
    CHECK(bench.core->heat_reason() == HeatReason::frost);
    if (row.reset) {
      CHECK(bench.id() != first_id);
      CHECK(std::string(bench.network->broker_url()).empty());
      CHECK(std::string(bench.network->app_url()).empty());
      CHECK(bench.setup->take_broker_change());
      // Stored: the next boot mounts and finds the new identity and no broker.
      const std::string new_id = bench.id();
      bench.boot();
      CHECK(bench.mounted == MountOutcome::mounted);
      CHECK(bench.id() == new_id);
      CHECK(bench.network->stored_state() == Error::none);
      CHECK_FALSE(bench.network->config().has_broker());
    }
  }
}

TEST_CASE("factory-reset that formatted the flash goes on, and the identity is made once randomness is there") {
  FlashResetBench bench;
  const std::string first_id = boot_configured(bench, true);
  bench.random.fail = true;
  CHECK(bench.type("factory-reset") ==
        "error factory-reset: flash formatted, Wi-Fi and broker forgotten; the new identity is made as soon as "
        "it can be (no_random)");
  CHECK(bench.flash.formatted());
  CHECK(bench.storage.mounted());
  CHECK_FALSE(bench.wifi.saved);
  CHECK(std::string(bench.network->broker_url()).empty());
  CHECK_FALSE(bench.core->identity_ready());
  bench.random.fail = false;
  bench.run_for(31000);  // the core retries the identity every 30 s: a new board's first identity
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.id() != first_id);
  CHECK(bench.relay.on);
}
