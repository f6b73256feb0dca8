#include "flash.h"

namespace hearth {

namespace {

// Both superblock blocks read, and both erased.
Result<bool> never_formatted(FlashVolume& volume) {
  for (uint32_t block = 0; block < 2; ++block) {
    uint8_t start[kSuperblockProbeBytes];
    if (volume.read_block_start(block, start, sizeof start) != Error::none) {
      return Result<bool>::failure(Error::io);
    }
    if (!is_erased_flash(start, sizeof start)) return Result<bool>::success(false);
  }
  return Result<bool>::success(true);
}

}  // namespace

MountOutcome mount_file_system(FlashVolume& volume) {
  if (volume.disable_auto_format() != Error::none) return MountOutcome::auto_format_stuck;
  if (volume.mount() == Error::none) return MountOutcome::mounted;
  const Result<bool> blank = never_formatted(volume);
  if (!blank.ok()) return MountOutcome::unreadable;
  if (!blank.value) return MountOutcome::damaged;
  if (volume.format() != Error::none || volume.mount() != Error::none) {
    return MountOutcome::format_failed;
  }
  return MountOutcome::formatted;
}

ResetFlashOutcome prepare_flash_for_reset(FileStorage& storage, FlashVolume& volume) {
  if (storage.mounted()) return ResetFlashOutcome::left_as_is;
  if (volume.format() != Error::none) return ResetFlashOutcome::format_failed;
  if (volume.mount() != Error::none) return ResetFlashOutcome::mount_failed;
  storage.set_mounted(true);
  return ResetFlashOutcome::formatted;
}

const char* mount_outcome_message(MountOutcome outcome) {
  // Printed once at boot; kept short, since string constants take RAM on the ESP8266.
  switch (outcome) {
    case MountOutcome::mounted: return "";
    case MountOutcome::formatted:
      return "storage: flash file system never formatted: formatted it (a new device)";
    case MountOutcome::auto_format_stuck:
      return "STORAGE FAULT: LittleFS auto-format cannot be turned off: not mounted (no logon; "
             "factory-reset formats it)";
    case MountOutcome::damaged:
      return "STORAGE FAULT: the flash file system does not mount and is not empty: left as it is "
             "(no logon; factory-reset formats it: a new key, every phone pairs again)";
    case MountOutcome::unreadable:
      return "STORAGE FAULT: the flash file system does not mount and cannot be read: left as it "
             "is (no logon; factory-reset tries to format it)";
    case MountOutcome::format_failed:
      return "STORAGE FAULT: formatting the new flash file system failed (no logon; factory-reset "
             "tries again)";
  }
  return "STORAGE FAULT";
}

}  // namespace hearth
