// Telling a never-formatted flash file system from a damaged one.
#pragma once
#include "core_types.h"

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

}  // namespace hearth
