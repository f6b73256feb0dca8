// Storage on flash (issue 9, "Storage errors are errors"): the core's
// FileStorage over a file system that fails in every way LittleFS can, the
// mount decision, and the identity rules of docs/protocol.md "What the
// thermostat does, whatever it is told" holding through each fault: the
// identity is never replaced, and phones paired before stay paired.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes.h"
#include "file_storage.h"
#include "flash.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// How a file system can fail. Read faults hit the files named in `paths`
// (every file when empty); write faults hit every write.
enum class Fault {
  none,
  stat_error,         // stat fails
  stat_hides_error,   // stat says absent (LittleFS exists() on a read error), check() fails
  open_fails,         // the file is there, but read cannot open it
  read_error,         // the read itself fails
  short_read,         // the read returns one byte fewer than the file holds
  size_mismatch,      // stat reports a size larger than what reads back
  write_short,        // write accepts fewer bytes than given
  write_fails,        // write cannot open or write at all
  write_uncommitted,  // write accepts every byte, but nothing reaches the file (close failed)
  readback_mismatch,  // what reaches the file differs by one bit from what was written
  rename_fails,       // rename refuses
  after_rename_lost,  // the rename succeeds, then the file reads as the old size
};

const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::none: return "none";
    case Fault::stat_error: return "stat error";
    case Fault::stat_hides_error: return "stat says absent while the file system cannot be read";
    case Fault::open_fails: return "open fails";
    case Fault::read_error: return "read error";
    case Fault::short_read: return "short read";
    case Fault::size_mismatch: return "size mismatch";
    case Fault::write_short: return "write short";
    case Fault::write_fails: return "write fails";
    case Fault::write_uncommitted: return "write not committed";
    case Fault::readback_mismatch: return "read-back mismatch";
    case Fault::rename_fails: return "rename fails";
    case Fault::after_rename_lost: return "renamed file reads wrong";
  }
  return "?";
}

bool is_write_fault(Fault fault) { return fault >= Fault::write_short; }

// An in-memory file system that behaves like LittleFS through the port,
// with one fault at a time.
struct FaultyFileSystem final : FileSystem {
  std::map<std::string, std::vector<uint8_t>> files;
  Fault fault = Fault::none;
  std::set<std::string> paths;  // the read faults' files; empty: all
  int writes = 0;
  int renames = 0;
  int checks = 0;

  bool hits(const char* path) const { return paths.empty() || paths.count(path) > 0; }
  bool read_fault(Fault f, const char* path) const { return fault == f && hits(path); }

  Result<FileInfo> stat(const char* path) override {
    if (read_fault(Fault::stat_error, path)) return Result<FileInfo>::failure(Error::io);
    if (read_fault(Fault::stat_hides_error, path)) return Result<FileInfo>::success({false, 0});
    auto it = files.find(path);
    if (it == files.end()) return Result<FileInfo>::success({false, 0});
    size_t size = it->second.size();
    if (read_fault(Fault::size_mismatch, path)) size += 1;
    return Result<FileInfo>::success({true, size});
  }
  Result<size_t> read(const char* path, size_t offset, uint8_t* out, size_t n) override {
    auto it = files.find(path);
    if (it == files.end() || read_fault(Fault::open_fails, path) ||
        read_fault(Fault::read_error, path)) {
      return Result<size_t>::failure(Error::io);
    }
    const std::vector<uint8_t>& bytes = it->second;
    if (offset > bytes.size()) return Result<size_t>::success(0);
    size_t got = std::min(n, bytes.size() - offset);
    if (read_fault(Fault::short_read, path) && got > 0) got -= 1;
    std::copy(bytes.begin() + long(offset), bytes.begin() + long(offset + got), out);
    return Result<size_t>::success(got);
  }
  Result<size_t> write(const char* path, const uint8_t* data, size_t n) override {
    ++writes;
    if (fault == Fault::write_fails) return Result<size_t>::failure(Error::io);
    std::vector<uint8_t>& file = files[path];
    if (fault == Fault::write_uncommitted) {
      file.clear();  // LittleFS: created by open, its data never committed
      return Result<size_t>::success(n);
    }
    file.assign(data, data + n);
    if (fault == Fault::readback_mismatch && n > 0) file[n / 2] ^= 0x10;
    if (fault == Fault::write_short && n > 0) {
      file.resize(n - 1);
      return Result<size_t>::success(n - 1);
    }
    return Result<size_t>::success(n);
  }
  Status rename(const char* from, const char* to) override {
    ++renames;
    if (fault == Fault::rename_fails) return Error::io;
    auto it = files.find(from);
    if (it == files.end()) return Error::io;
    files[to] = it->second;
    files.erase(from);
    if (fault == Fault::after_rename_lost) files[to].push_back(0);
    return Error::none;
  }
  Status remove(const char* path) override { return files.erase(path) == 1 ? Error::none : Error::io; }
  Status check() override {
    ++checks;
    return fault == Fault::stat_hides_error ? Error::io : Error::none;
  }
};

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> list) { return std::vector<uint8_t>(list); }

}  // namespace

TEST_CASE("file storage: what each file-system answer means for a read") {
  struct Row {
    Fault fault;
    bool file_there;
    Error expected;
  };
  const Row rows[] = {
      {Fault::none, true, Error::none},
      {Fault::none, false, Error::not_found},  // absent, and check() proves the file system readable
      {Fault::stat_error, true, Error::io},
      {Fault::stat_error, false, Error::io},
      {Fault::stat_hides_error, true, Error::io},  // LittleFS exists() false on an error: not "absent"
      {Fault::stat_hides_error, false, Error::io},
      {Fault::open_fails, true, Error::io},        // there but cannot be opened: never "not found"
      {Fault::read_error, true, Error::io},        // never success with 0 bytes
      {Fault::short_read, true, Error::io},
      {Fault::size_mismatch, true, Error::io},     // bytes read must equal the file's size
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(fault_name(row.fault)));
    CAPTURE(row.file_there);
    FaultyFileSystem files;
    if (row.file_there) files.files["/identity.bin"] = bytes({1, 2, 3, 4, 5});
    files.fault = row.fault;
    FileStorage storage(files);
    uint8_t out[16] = {};
    const Result<size_t> read = storage.read(Blob::identity, out, sizeof out);
    CHECK(read.error == row.expected);
    if (row.expected == Error::none) {
      CHECK(read.value == 5);
      CHECK(out[4] == 5);
    }
  }
}

TEST_CASE("file storage: empty, too large, and nothing readable while not mounted") {
  FaultyFileSystem files;
  files.files["/settings.bin"] = {};
  files.files["/identity.bin"] = std::vector<uint8_t>(100, 7);
  FileStorage storage(files);
  uint8_t out[64];
  const Result<size_t> empty = storage.read(Blob::settings, out, sizeof out);
  REQUIRE(empty.ok());
  CHECK(empty.value == 0);
  CHECK(storage.read(Blob::identity, out, sizeof out).error == Error::too_large);

  storage.set_mounted(false);
  CHECK(storage.read(Blob::settings, out, sizeof out).error == Error::io);
  CHECK(storage.read(Blob::network, out, sizeof out).error == Error::io);  // absent, but unknowable
  CHECK(storage.write(Blob::settings, out, 4) == Error::io);
  CHECK(files.writes == 0);
}

TEST_CASE("file storage: a write is confirmed only once it reads back, and a failed one keeps the blob") {
  const Fault faults[] = {Fault::none,          Fault::write_short,  Fault::write_fails,
                          Fault::write_uncommitted, Fault::readback_mismatch, Fault::rename_fails,
                          Fault::after_rename_lost};
  for (const Fault fault : faults) {
    CAPTURE(std::string(fault_name(fault)));
    FaultyFileSystem files;
    const std::vector<uint8_t> before(150, 0xAB);  // longer than one read-back piece
    files.files["/settings.bin"] = before;
    files.fault = fault;
    FileStorage storage(files);
    std::vector<uint8_t> after(140);
    for (size_t i = 0; i < after.size(); ++i) after[i] = uint8_t(i * 13);
    const Status written = storage.write(Blob::settings, after.data(), after.size());
    if (fault == Fault::none) {
      CHECK(written == Error::none);
      CHECK(files.files["/settings.bin"] == after);
      CHECK(files.files.count("/settings.bin.tmp") == 0);
    } else {
      CHECK(written == Error::io);
      // Only the temporary file was touched, unless the rename itself went through.
      if (fault != Fault::after_rename_lost) CHECK(files.files["/settings.bin"] == before);
    }
  }
}

TEST_CASE("file storage: one file per blob, temporary names LittleFS accepts") {
  const Blob blobs[] = {Blob::identity, Blob::identity_backup, Blob::settings, Blob::network};
  std::set<std::string> names;
  for (const Blob blob : blobs) {
    const std::string path = blob_path(blob);
    const std::string temp = blob_temp_path(blob);
    CHECK(path[0] == '/');
    CHECK(temp == path + ".tmp");
    CHECK(temp.size() - 1 < 32);  // LittleFS refuses names of LFS_NAME_MAX (32) or more
    names.insert(path);
    names.insert(temp);
  }
  CHECK(names.size() == 8);
}

namespace {

struct FakeVolume final : FlashVolume {
  bool auto_format_off_works = true;
  std::vector<Status> mounts;  // each mount()'s answer in turn; the last repeats
  bool format_works = true;
  bool block_read_works = true;
  uint8_t block_fill[2] = {0xFF, 0xFF};
  std::vector<std::string> calls;

  Status disable_auto_format() override {
    calls.push_back("no-auto-format");
    return auto_format_off_works ? Error::none : Error::io;
  }
  Status mount() override {
    calls.push_back("mount");
    const Status answer = mounts.empty() ? Error::io : mounts.front();
    if (mounts.size() > 1) mounts.erase(mounts.begin());
    return answer;
  }
  Status format() override {
    calls.push_back("format");
    return format_works ? Error::none : Error::io;
  }
  Status read_block_start(uint32_t block, uint8_t* out, size_t n) override {
    calls.push_back("read " + std::to_string(block));
    if (!block_read_works || block > 1) return Error::io;
    std::fill(out, out + n, block_fill[block]);
    return Error::none;
  }
  bool formatted() const { return std::find(calls.begin(), calls.end(), "format") != calls.end(); }
};

}  // namespace

TEST_CASE("mount: only a never-formatted flash is formatted; a file system that fails to mount is left alone") {
  struct Row {
    const char* name;
    bool auto_format_off_works;
    std::vector<Status> mounts;
    bool block_read_works;
    uint8_t block0, block1;
    bool format_works;
    MountOutcome expected;
  };
  const Row rows[] = {
      {"mounts", true, {Error::none}, true, 0x00, 0x00, true, MountOutcome::mounted},
      {"new board: both superblock blocks erased", true, {Error::io, Error::none}, true, 0xFF, 0xFF, true,
       MountOutcome::formatted},
      {"damaged: first block holds data", true, {Error::io}, true, 0x12, 0xFF, true, MountOutcome::damaged},
      {"damaged: second block holds data", true, {Error::io}, true, 0xFF, 0x00, true, MountOutcome::damaged},
      {"another file system (SPIFFS) or garbage", true, {Error::io}, true, 0x5A, 0xA5, true,
       MountOutcome::damaged},
      {"one bit short of erased", true, {Error::io}, true, 0xFF, 0xFE, true, MountOutcome::damaged},
      {"flash cannot be read", true, {Error::io}, false, 0xFF, 0xFF, true, MountOutcome::unreadable},
      {"erased, but format fails", true, {Error::io}, true, 0xFF, 0xFF, false, MountOutcome::format_failed},
      {"erased, formatted, still does not mount", true, {Error::io, Error::io}, true, 0xFF, 0xFF, true,
       MountOutcome::format_failed},
      {"auto-format cannot be turned off", false, {Error::io}, true, 0xFF, 0xFF, true,
       MountOutcome::auto_format_stuck},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.name));
    FakeVolume volume;
    volume.auto_format_off_works = row.auto_format_off_works;
    volume.mounts = row.mounts;
    volume.block_read_works = row.block_read_works;
    volume.block_fill[0] = row.block0;
    volume.block_fill[1] = row.block1;
    volume.format_works = row.format_works;
    const MountOutcome outcome = mount_file_system(volume);
    CHECK(int(outcome) == int(row.expected));
    CHECK(file_system_usable(outcome) ==
          (row.expected == MountOutcome::mounted || row.expected == MountOutcome::formatted));
    // Formatting happens only after both blocks read as erased.
    const bool may_format = row.expected == MountOutcome::formatted || row.expected == MountOutcome::format_failed;
    CHECK(volume.formatted() == (may_format && row.auto_format_off_works));
    if (!row.auto_format_off_works) {
      // Without auto-format off, a failed mount would format inside the library: no mount at all.
      CHECK(volume.calls == std::vector<std::string>{"no-auto-format"});
    } else {
      CHECK(volume.calls.front() == "no-auto-format");
    }
    if (outcome != MountOutcome::mounted) CHECK(std::string(mount_outcome_message(outcome)).size() > 20);
  }
}

namespace {

// A thermostat whose storage is FileStorage over the faulty file system.
struct FlashBench {
  FakeSensor sensor;
  FakeRelay relay;
  FaultyFileSystem files;
  FileStorage storage{files};
  FakeLink link;
  TestRandom random;
  CoreConfig config;
  Millis now = 1000;
  std::unique_ptr<Thermostat> core;

  void boot() {
    core.reset();
    link.sent.clear();
    core = std::make_unique<Thermostat>(sensor, relay, storage, link, random, now, config);
    core->begin(now);
  }
  void run_for(uint32_t ms) {
    for (uint32_t done = 0; done < ms; done += 1000) {
      now += 1000;
      core->tick(now);
    }
  }
  void deliver(const std::string& frame) { core->link_text(frame.data(), frame.size(), now); }
  // A new connection: the ID the thermostat signs its LOG_ON as, or "" when it does not log on.
  std::string logs_on_as() {
    link.sent.clear();
    core->link_opened(now, kBrokerHost);
    deliver(challenge(challenge_nonce(9)));
    core->tick(now);
    std::string transmitter;
    for (const std::string& frame : link.sent) {
      Json packet(frame);
      if (packet.str("packet_type") == "LOG_ON") transmitter = packet.str("transmitter");
    }
    if (!transmitter.empty()) deliver(ack_log_on(transmitter));
    return transmitter;
  }
  // A phone that joins with an invitation (docs/protocol.md "Joining"), online for its WELCOME.
  App member_phone(uint8_t seed) {
    REQUIRE_FALSE(logs_on_as().empty());
    const std::vector<uint8_t> secret = invitation_secret(*core, now);
    App phone(secret.data(), core->identity().id, seed);
    std::vector<std::string> sent;
    REQUIRE(join_thermostat(*this, phone, secret, "Ana's phone", &sent));
    return phone;
  }
  // A phone paired before: does its START get a STATE sealed with its key?
  bool phone_still_paired(App& phone) {
    if (logs_on_as().empty()) return false;
    link.sent.clear();
    deliver(phone.start());
    for (const std::string& frame : link.sent) {
      const std::string plain = phone.open(frame);
      if (!plain.empty() && Json(plain).str("type") == "STATE") return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("identity on flash: no file-system fault replaces it, and paired phones stay paired") {
  struct Row {
    Fault fault;
    const char* copies;  // the read faults' files: "both", "primary", "backup"
    bool ready;          // the identity in use during the fault (from the copy that reads)
  };
  const Row rows[] = {
      {Fault::stat_error, "both", false},
      {Fault::stat_hides_error, "both", false},
      {Fault::open_fails, "both", false},
      {Fault::read_error, "both", false},
      {Fault::short_read, "both", false},
      {Fault::size_mismatch, "both", false},
      {Fault::stat_error, "primary", true},
      {Fault::stat_hides_error, "primary", true},
      {Fault::read_error, "primary", true},
      // A backup that cannot be read may hold a factory reset's mark: waited for.
      {Fault::open_fails, "backup", false},
      {Fault::stat_hides_error, "backup", false},
      {Fault::short_read, "backup", false},
      // Writes failing while the damaged backup is repaired from the primary.
      {Fault::write_short, "both", true},
      {Fault::write_fails, "both", true},
      {Fault::write_uncommitted, "both", true},
      {Fault::readback_mismatch, "both", true},
      {Fault::rename_fails, "both", true},
      {Fault::after_rename_lost, "both", true},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(fault_name(row.fault)));
    CAPTURE(std::string(row.copies));
    FlashBench bench;
    bench.boot();
    REQUIRE(bench.core->identity_ready());
    const std::string id = bench.core->identity().id;
    REQUIRE(bench.logs_on_as() == id);
    App phone = bench.member_phone(1);
    REQUIRE(bench.phone_still_paired(phone));
    const std::vector<uint8_t> primary = bench.files.files["/identity.bin"];
    const std::vector<uint8_t> backup = bench.files.files["/identity-backup.bin"];

    bench.files.fault = row.fault;
    if (std::string(row.copies) != "backup") bench.files.paths.insert("/identity.bin");
    if (std::string(row.copies) != "primary") bench.files.paths.insert("/identity-backup.bin");
    if (is_write_fault(row.fault)) {
      // Writes fail while a copy needs rewriting: the backup is damaged on flash.
      bench.files.files["/identity-backup.bin"][7] ^= 0x01;
    }
    bench.boot();
    bench.run_for(3 * bench.config.storage_retry_ms);  // retries meet the same fault

    // Whatever the fault: the identity in use, if any, is the one phones hold; nothing new was made.
    CHECK(bench.core->identity_ready() == row.ready);
    if (bench.core->identity_ready()) {
      CHECK(bench.core->identity().id == id);
      CHECK(bench.phone_still_paired(phone));
    } else {
      CHECK(bench.core->identity_error() == Error::io);
      CHECK(bench.logs_on_as().empty());
    }
    CHECK(bench.files.files["/identity.bin"] == primary);
    if (!is_write_fault(row.fault)) CHECK(bench.files.files["/identity-backup.bin"] == backup);

    // The fault clears (or the board reboots with it gone): the same identity, the same phones.
    bench.files.fault = Fault::none;
    bench.files.paths.clear();
    bench.run_for(bench.config.storage_retry_ms + 1000);
    REQUIRE(bench.core->identity_ready());
    CHECK(bench.core->identity().id == id);
    CHECK(bench.logs_on_as() == id);
    CHECK(bench.phone_still_paired(phone));
    CHECK(bench.files.files["/identity.bin"] == primary);
    CHECK(bench.files.files["/identity-backup.bin"] == backup);  // a damaged copy repaired to the same bytes
  }
}

TEST_CASE("identity on flash: a file system that did not mount is a fault, never a fresh identity") {
  FlashBench bench;
  bench.boot();
  const std::string id = bench.core->identity().id;
  App phone = bench.member_phone(2);
  const auto before = bench.files.files;
  const int writes = bench.files.writes;

  bench.storage.set_mounted(false);  // mount_file_system said damaged, unreadable or format_failed
  bench.boot();
  bench.run_for(3 * bench.config.storage_retry_ms);
  CHECK_FALSE(bench.core->identity_ready());
  CHECK(bench.core->identity_error() == Error::io);
  CHECK(bench.files.files == before);
  CHECK(bench.files.writes == writes);

  bench.storage.set_mounted(true);
  bench.run_for(bench.config.storage_retry_ms + 1000);
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.core->identity().id == id);
  CHECK(bench.phone_still_paired(phone));
}

TEST_CASE("identity on flash: a fresh device (both files positively absent) makes one, once") {
  FlashBench bench;
  bench.boot();
  REQUIRE(bench.core->identity_ready());
  CHECK(bench.files.files.count("/identity.bin") == 1);
  CHECK(bench.files.files.count("/identity-backup.bin") == 1);
  CHECK(bench.files.files["/identity.bin"] == bench.files.files["/identity-backup.bin"]);
  CHECK(bench.files.files.count("/identity.bin.tmp") == 0);
  CHECK(bench.files.checks >= 2);  // "absent" was believed only after check()
}
