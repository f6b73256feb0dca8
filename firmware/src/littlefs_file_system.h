// The core's file-system and flash-volume ports (file_storage.h, flash.h)
// over LittleFS of the ESP8266 Arduino core 3.1.2. Each call passes one
// library result on; what the results mean (absent, error, too large, a
// write that did not land, whether to format) is decided by the core.
//
// What LittleFS's Arduino API can tell, read in libraries/LittleFS/src and
// cores/esp8266/FS.h at 3.1.2, and how each gap is closed:
// - FS::exists() is `lfs_stat() == 0`: false for "no such file" and for a
//   metadata read error alike. stat() passes it on as "absent", and the core
//   believes that only after check(): FS::info() computes usedBytes from
//   lfs_fs_size(), a traversal of every directory and file, and a failed
//   traversal's negative code comes back as a usedBytes beyond totalBytes.
//   Still indistinguishable: an error that hits the lfs_stat() and is gone
//   by the traversal just after (a transient flash read failure): read as
//   absent.
// - FS::open() returns a falsy File for a missing file and for any error, and
//   a truthy one for a directory: stat() opens only what exists() found, and
//   calls anything that is not a plain file an error.
// - File::read() returns 0 both at the end of the file and on an error
//   (LittleFSFileImpl::read turns lfs_file_read's negative codes into 0): the
//   core asks for exactly the file's size and calls fewer bytes an error.
// - File::close() and flush() return nothing, and a failed commit (flash full
//   or worn) only shows when the file is read again: the core reads every
//   write back before the rename that makes it the blob.
// - Dir::next() is false at the end of a listing and on an error alike, so
//   listings prove nothing and are not used. FS::check() is FSImpl's default
//   `return true` for LittleFS: not used either.
// - FS::begin() is false for every mount failure (damaged, never formatted,
//   another file system, a read error): the core reads the superblock blocks
//   raw (read_block_start) to tell a never-formatted flash from the rest.
//   setConfig() refuses while mounted; if it fails, LittleFS would format on
//   a failed mount by itself, so the core then does not mount at all.
// - FS::format() works on a file system that is not mounted (lfs_format, and
//   no mount after unless one was mounted before) and is false when
//   lfs_format fails; the core formats only at boot on erased flash and on a
//   factory-reset asked for while the file system does not mount, and mounts
//   with begin() after each.
#pragma once
#include <Arduino.h>
#include <LittleFS.h>
#include <flash_hal.h>

#include "file_storage.h"
#include "flash.h"

class LittleFsFileSystem final : public hearth::FileSystem, public hearth::FlashVolume {
 public:
  hearth::Result<hearth::FileInfo> stat(const char* path) override {
    if (!LittleFS.exists(path)) return hearth::Result<hearth::FileInfo>::success({false, 0});
    File file = LittleFS.open(path, "r");
    if (!file || !file.isFile()) return hearth::Result<hearth::FileInfo>::failure(hearth::Error::io);
    return hearth::Result<hearth::FileInfo>::success({true, file.size()});
  }

  hearth::Result<size_t> read(const char* path, size_t offset, uint8_t* out, size_t n) override {
    File file = LittleFS.open(path, "r");
    if (!file) return hearth::Result<size_t>::failure(hearth::Error::io);
    // Blobs are a few hundred bytes: an offset always fits seek()'s uint32_t.
    if (offset > 0 && !file.seek(static_cast<uint32_t>(offset), SeekSet)) {
      return hearth::Result<size_t>::failure(hearth::Error::io);
    }
    const int got = file.read(out, n);
    if (got < 0) return hearth::Result<size_t>::failure(hearth::Error::io);
    return hearth::Result<size_t>::success(static_cast<size_t>(got));
  }

  hearth::Result<size_t> write(const char* path, const uint8_t* data, size_t n) override {
    File file = LittleFS.open(path, "w");
    if (!file) return hearth::Result<size_t>::failure(hearth::Error::io);
    const size_t accepted = file.write(data, n);
    file.close();  // commits the file, and says nothing about it: the core reads it back
    return hearth::Result<size_t>::success(accepted);
  }

  hearth::Status rename(const char* from, const char* to) override {
    return LittleFS.rename(from, to) ? hearth::Error::none : hearth::Error::io;
  }

  hearth::Status remove(const char* path) override {
    return LittleFS.remove(path) ? hearth::Error::none : hearth::Error::io;
  }

  hearth::Status check() override {
    FSInfo info;
    if (!LittleFS.info(info)) return hearth::Error::io;  // not mounted
    return info.usedBytes <= info.totalBytes ? hearth::Error::none : hearth::Error::io;
  }

  hearth::Status disable_auto_format() override {
    return LittleFS.setConfig(LittleFSConfig(false)) ? hearth::Error::none : hearth::Error::io;
  }

  hearth::Status mount() override { return LittleFS.begin() ? hearth::Error::none : hearth::Error::io; }

  hearth::Status format() override { return LittleFS.format() ? hearth::Error::none : hearth::Error::io; }

  hearth::Status read_block_start(uint32_t block, uint8_t* out, size_t n) override {
    return ESP.flashRead(FS_PHYS_ADDR + block * FS_PHYS_BLOCK, out, n) ? hearth::Error::none
                                                                       : hearth::Error::io;
  }
};
