// Stand-in for the ESP8266 core's <FS.h> (cores/esp8266/FS.h, 3.1.2): File, FSInfo, FSConfig, FS.
// [[nodiscard]] on results that report failure is stricter than the real header: the storage
// adapter must look at each (issue 9, "Storage errors are errors").
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "Arduino.h"

namespace fs {

enum SeekMode { SeekSet = 0, SeekCur = 1, SeekEnd = 2 };

class File : public Stream {
 public:
  size_t write(uint8_t) override;
  [[nodiscard]] size_t write(const uint8_t* buf, size_t size) override;
  int availableForWrite() override;
  int available() override;
  int read() override;
  int peek() override;
  void flush() override;
  size_t readBytes(char* buffer, size_t length) override;
  // Returns int, not size_t: -1 on an error (littlefs's negative codes), else the bytes read.
  [[nodiscard]] int read(uint8_t* buf, size_t size) override;
  [[nodiscard]] bool seek(uint32_t pos, SeekMode mode);
  [[nodiscard]] bool seek(uint32_t pos);
  size_t position() const;
  size_t size() const;
  void close();
  operator bool() const;
  const char* name() const;
  const char* fullName() const;
  [[nodiscard]] bool truncate(uint32_t size);
  bool isFile() const;
  bool isDirectory() const;
  using Print::write;
  String readString() override;
};

struct FSInfo {
  size_t totalBytes;
  size_t usedBytes;
  size_t blockSize;
  size_t pageSize;
  size_t maxOpenFiles;
  size_t maxPathLength;
};

class FSConfig {
 public:
  static constexpr uint32_t FSId = 0x00000000;
  FSConfig(uint32_t type = FSId, bool autoFormat = true);
  FSConfig setAutoFormat(bool val = true);
  uint32_t _type;
  bool _autoFormat;
};

class FS {
 public:
  [[nodiscard]] bool setConfig(const FSConfig& cfg);
  [[nodiscard]] bool begin();
  void end();
  [[nodiscard]] bool format();
  [[nodiscard]] bool info(FSInfo& info);
  File open(const char* path, const char* mode);
  File open(const String& path, const char* mode);
  bool exists(const char* path);
  bool exists(const String& path);
  [[nodiscard]] bool remove(const char* path);
  [[nodiscard]] bool remove(const String& path);
  [[nodiscard]] bool rename(const char* pathFrom, const char* pathTo);
  [[nodiscard]] bool rename(const String& pathFrom, const String& pathTo);
  [[nodiscard]] bool mkdir(const char* path);
  [[nodiscard]] bool rmdir(const char* path);
  [[nodiscard]] bool gc();
  [[nodiscard]] bool check();
};

}  // namespace fs

using fs::File;
using fs::FS;
using fs::FSConfig;
using fs::FSInfo;
using fs::SeekCur;
using fs::SeekEnd;
using fs::SeekMode;
using fs::SeekSet;
