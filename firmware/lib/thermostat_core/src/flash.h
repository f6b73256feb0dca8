// Mounting the flash file system: telling a never-formatted flash from a
// damaged one, and formatting only the first.
#pragma once
#include "core_types.h"
#include "file_storage.h"

namespace hearth {

// Erased NOR flash reads 0xFF. Only a file-system area whose first bytes of
// both superblock copies are all erased positively holds nothing, and may be
// formatted; anything else that fails to mount is a fault to report, since
// formatting it would erase the identity and unpair every phone.
inline bool is_erased_flash(const uint8_t* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (data[i] != 0xFF) return false;
  }
  return length > 0;
}

// How many bytes at the start of each superblock block are looked at.
constexpr size_t kSuperblockProbeBytes = 64;

// The flash area of a file system, before and around mounting. Each call
// passes one library call's result on (the ESP8266 adapter:
// firmware/src/littlefs_file_system.h):
// - disable_auto_format: tells the library never to format on its own when a
//   mount fails (LittleFS formats by default);
// - mount, format: the library's own;
// - read_block_start: the first n bytes of the file system's block `block`,
//   straight from flash (blocks 0 and 1 hold LittleFS's superblock pair).
class FlashVolume {
 public:
  virtual Status disable_auto_format() = 0;
  virtual Status mount() = 0;
  virtual Status format() = 0;
  virtual Status read_block_start(uint32_t block, uint8_t* out, size_t n) = 0;

 protected:
  ~FlashVolume() = default;
};

enum class MountOutcome : uint8_t {
  mounted,            // the file system mounted
  formatted,          // it was never formatted (both superblock blocks erased): formatted, mounted
  auto_format_stuck,  // the library's auto-format could not be turned off: nothing tried
  damaged,            // it did not mount and is not erased: left as it is
  unreadable,         // it did not mount and its superblock blocks cannot be read: left as it is
  format_failed,      // never formatted, but formatting it or mounting it after failed
};

// The boot sequence: auto-format off (else nothing is tried, since a failed
// mount would format), mount; if that fails, format only when both
// superblock blocks read as erased, and mount again. Never formats a file
// system that exists but does not mount: that is the identity.
MountOutcome mount_file_system(FlashVolume& volume);

// Whether blobs can be read and written after this outcome (FileStorage::set_mounted).
inline bool file_system_usable(MountOutcome outcome) {
  return outcome == MountOutcome::mounted || outcome == MountOutcome::formatted;
}

// One console line saying what happened and, for a fault, what it means and
// what the user can do. Empty for a plain mount.
const char* mount_outcome_message(MountOutcome outcome);

enum class ResetFlashOutcome : uint8_t {
  left_as_is,     // the storage was usable: nothing formatted
  formatted,      // it was not: formatted, mounted, and the storage marked usable
  format_failed,  // formatting failed: the storage stays unusable
  mount_failed,   // formatted, but it still does not mount: the storage stays unusable
};

// The first step of a factory reset asked for on the serial console. The user
// asked for everything to go, so a file system that is not usable (it did not
// mount at boot) is formatted and mounted again: without that the reset could
// store nothing, and erasing and reflashing would be the only way out. A usable
// one is never formatted: the reset then revokes the old identity in storage
// before it stores the new one (identity.h), so that no fault brings it back.
ResetFlashOutcome prepare_flash_for_reset(FileStorage& storage, FlashVolume& volume);

}  // namespace hearth
