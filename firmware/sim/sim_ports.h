// Host implementations of the core's ports for the simulated thermostat.
#pragma once
#include <string>

#include "file_storage.h"
#include "flash.h"
#include "ports.h"

namespace hearth {

// The state directory as a file system for the core's FileStorage (the same
// blob rules as on the device): each path is a file directly under it.
// "Absent" is told apart from errors by errno (ENOENT) and check() (the
// directory is there). Writes are fsync'ed, renames too (the directory).
// As a flash volume it mounts while the directory is there, and formatting
// removes the blob files (not the saved Wi-Fi network, which the ESP8266 SDK
// keeps outside the file system too).
class PosixFileSystem final : public FileSystem, public FlashVolume {
 public:
  explicit PosixFileSystem(std::string dir) : dir_(std::move(dir)) {}
  Result<FileInfo> stat(const char* path) override;
  Result<size_t> read(const char* path, size_t offset, uint8_t* out, size_t n) override;
  Result<size_t> write(const char* path, const uint8_t* data, size_t n) override;
  Status rename(const char* from, const char* to) override;
  Status remove(const char* path) override;
  Status check() override;
  Status disable_auto_format() override { return Error::none; }  // nothing here formats on its own
  Status mount() override;
  Status format() override;
  // No raw flash under a directory: mount_file_system is not run on it.
  Status read_block_start(uint32_t, uint8_t*, size_t) override { return Error::io; }
  bool crash_before_rename = false;  // tests: power lost after the temp file, before the rename
  bool full = false;                 // every write fails as on a full disk
  bool unmountable = false;          // `storage broken`: does not mount until formatted

 private:
  std::string full_path(const char* path) const { return dir_ + path; }
  std::string dir_;
};

// One file per blob under a state directory (identity.bin,
// identity-backup.bin, settings.bin, network.bin), kept by the core's
// FileStorage: temporary file, read back, rename. The simulator's
// `storage full|broken|ok` command and the tests set the hooks.
class DirectoryStorage final : public Storage {
  PosixFileSystem files_;  // first: the members below refer to it
  FileStorage blobs_;

 public:
  explicit DirectoryStorage(std::string dir) : files_(std::move(dir)), blobs_(files_) {}
  DirectoryStorage(const DirectoryStorage&) = delete;
  Result<size_t> read(Blob blob, uint8_t* out, size_t capacity) override {
    return blobs_.read(blob, out, capacity);
  }
  Status write(Blob blob, const uint8_t* data, size_t length) override {
    return blobs_.write(blob, data, length);
  }
  bool& crash_before_rename = files_.crash_before_rename;
  bool& full = files_.full;
  // As a file system that did not mount at boot: every read and write fails
  // until factory-reset formats it (or set_broken(false)).
  void set_broken(bool broken) {
    files_.unmountable = broken;
    blobs_.set_mounted(!broken);
  }
  FileStorage& blobs() { return blobs_; }
  FlashVolume& volume() { return files_; }
};

class OsRandom final : public Random {
 public:
  Status fill(uint8_t* out, size_t length) override;
};

}  // namespace hearth
