// Stand-in for the ESP8266 core's <LittleFS.h> (libraries/LittleFS, core 3.1.2).
#pragma once
#include "FS.h"

namespace littlefs_impl {
class LittleFSConfig : public fs::FSConfig {
 public:
  LittleFSConfig(bool autoFormat = true);
};
}  // namespace littlefs_impl

using littlefs_impl::LittleFSConfig;
extern fs::FS LittleFS;
