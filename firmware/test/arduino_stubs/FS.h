// Stand-in for the ESP8266 core's <FS.h> (cores/esp8266/FS.h, 3.1.2): File, FSConfig, FS.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "Arduino.h"

namespace fs {

class File : public Stream {
 public:
  size_t write(uint8_t c) override;
  size_t write(const uint8_t* buf, size_t size) override;
  int available() override;
  int read() override;
  size_t read(uint8_t* buf, size_t size);
  size_t size() const;
  void close();
  operator bool() const;
};

class FSConfig {
 public:
  FSConfig(uint32_t type = 0, bool autoFormat = true);
  FSConfig setAutoFormat(bool val = true);
};

class FS {
 public:
  bool setConfig(const FSConfig& cfg);
  bool begin();
  bool format();
  File open(const char* path, const char* mode);
  File open(const String& path, const char* mode);
  bool exists(const char* path);
  bool exists(const String& path);
  bool remove(const char* path);
  bool remove(const String& path);
  bool rename(const char* pathFrom, const char* pathTo);
  bool rename(const String& pathFrom, const String& pathTo);
};

}  // namespace fs

using fs::File;
using fs::FS;
using fs::FSConfig;
