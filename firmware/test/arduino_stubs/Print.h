// Stand-in for the ESP8266 core's Print and Stream (cores/esp8266/Print.h, Stream.h, 3.1.2).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "WString.h"

class Print {
 public:
  virtual ~Print();
  virtual size_t write(uint8_t c) = 0;
  virtual size_t write(const uint8_t* buffer, size_t size);
  size_t printf(const char* format, ...) __attribute__((format(printf, 2, 3)));
  size_t println(const char* text);
  size_t println(const String& text);
};

class Stream : public Print {
 public:
  virtual int available() = 0;
  virtual int read() = 0;
  String readStringUntil(char terminator);
};
