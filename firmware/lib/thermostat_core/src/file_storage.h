// Blobs kept as files (docs/protocol.md "What the thermostat does, whatever
// it is told"): the core decides what a file system's answers mean, so that
// the ESP8266 (LittleFS), the simulator (POSIX) and the tests share one set of
// rules, and the adapters only pass each library call's result on.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

struct FileInfo {
  bool exists;
  size_t size;  // 0 when !exists
};

// A mounted file system, as small as the blob rules need. Every call reports
// the library's own result, unjudged:
// - stat: exists false when the library said there is no such file. Some
//   libraries cannot tell that from failing to look (LittleFS's exists()
//   is false for both), so the core believes "absent" only when check()
//   succeeds right after. A path that is there but is not a plain file: io.
// - read: opens path, reads at most n bytes from offset, and returns how many
//   it got (fewer than asked only at the end of the file); io when it could
//   not open, seek or read.
// - write: creates or truncates path and writes n bytes; returns how many the
//   library accepted (a library may accept bytes it then fails to commit:
//   the core reads every write back).
// - rename: replaces `to` with `from` atomically (LittleFS and POSIX both do).
// - check: none when the file system can prove its whole structure reads
//   right now (LittleFS: a traversal of every directory and file; POSIX: the
//   directory is there); io otherwise.
class FileSystem {
 public:
  virtual Result<FileInfo> stat(const char* path) = 0;
  virtual Result<size_t> read(const char* path, size_t offset, uint8_t* out, size_t n) = 0;
  virtual Result<size_t> write(const char* path, const uint8_t* data, size_t n) = 0;
  virtual Status rename(const char* from, const char* to) = 0;
  virtual Status remove(const char* path) = 0;
  virtual Status check() = 0;

 protected:
  ~FileSystem() = default;
};

// The file of each blob and the temporary file its writes go through. Names
// are kept short: LittleFS refuses names of 32 characters or more.
const char* blob_path(Blob blob);
const char* blob_temp_path(Blob blob);

// One file per blob, with the Storage port's promises:
// - read: not_found only when the file system is mounted, stat says absent
//   and check() then proves the file system readable; too_large when the file
//   is larger than capacity; io for everything else (not mounted, stat or
//   check failing, a read that fails or returns fewer bytes than the file's
//   size);
// - write: the data go to the blob's temporary file, which is read back and
//   compared byte for byte (its size too) before it is renamed over the blob;
//   the blob is then stat'ed for its new size. Any failure is io and leaves
//   the previous blob in place (the rename is atomic), so a write is never
//   confirmed that did not reach the flash.
class FileStorage final : public Storage {
 public:
  explicit FileStorage(FileSystem& files, bool mounted = true) : files_(files), mounted_(mounted) {}
  Result<size_t> read(Blob blob, uint8_t* out, size_t capacity) override;
  Status write(Blob blob, const uint8_t* data, size_t length) override;
  // The glue's mount outcome (mount_file_system in flash.h): while false,
  // every read and write is io, whatever the file system says.
  void set_mounted(bool mounted) { mounted_ = mounted; }
  bool mounted() const { return mounted_; }

 private:
  bool same_as_stored(const char* path, const uint8_t* data, size_t length);
  FileSystem& files_;
  bool mounted_;
};

}  // namespace hearth
