// Host implementations of the core's ports for the simulated thermostat.
#pragma once
#include <string>

#include "ports.h"

namespace hearth {

// One file per blob under a state directory (identity.bin,
// identity-backup.bin, settings.bin). Writes go to a temporary file that is
// flushed and then renamed over the old one, so a crash leaves the old or
// the new blob, never a torn one (the same scheme as LittleFS glue). A blob
// is not_found only when its file does not exist in a directory that does.
class FileStorage final : public Storage {
 public:
  explicit FileStorage(std::string dir) : dir_(std::move(dir)) {}
  Result<size_t> read(Blob blob, uint8_t* out, size_t capacity) override;
  Status write(Blob blob, const uint8_t* data, size_t length) override;
  bool crash_before_rename = false;  // tests: power lost after the temp file
  bool full = false;                 // every write fails as on a full disk

 private:
  std::string path(Blob blob) const;
  std::string dir_;
};

class OsRandom final : public Random {
 public:
  Status fill(uint8_t* out, size_t length) override;
};

}  // namespace hearth
