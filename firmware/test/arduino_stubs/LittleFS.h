// Stand-in for the ESP8266 core's <LittleFS.h> (libraries/LittleFS/src/LittleFS.h, core 3.1.2).
#pragma once
#include "FS.h"

namespace littlefs_impl {
class LittleFSConfig : public fs::FSConfig {
 public:
  static constexpr uint32_t FSId = 0x4c495454;
  LittleFSConfig(bool autoFormat = true);
};
}  // namespace littlefs_impl

extern fs::FS LittleFS;
using littlefs_impl::LittleFSConfig;
