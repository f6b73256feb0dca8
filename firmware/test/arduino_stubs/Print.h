// Stand-in for the ESP8266 core's Print and Stream (cores/esp8266/Print.h and Stream.h, 3.1.2).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "WString.h"
#include "pgmspace.h"

#define DEC 10
#define HEX 16
#define OCT 8
#define BIN 2

class Printable;

class Print {
 public:
  Print() {}
  virtual ~Print() {}
  int getWriteError();
  void clearWriteError();
  virtual size_t write(uint8_t) = 0;
  size_t write(const char* str);
  virtual size_t write(const uint8_t* buffer, size_t size);
  size_t write(const char* buffer, size_t size);
  size_t write(short t);
  size_t write(unsigned short t);
  size_t write(int t);
  size_t write(unsigned int t);
  size_t write(long t);
  size_t write(unsigned long t);
  size_t write(long long t);
  size_t write(unsigned long long t);
  size_t write(char c);
  size_t write(int8_t c);
  virtual int availableForWrite() { return 0; }
  size_t printf(const char* format, ...) __attribute__((format(printf, 2, 3)));
  size_t printf_P(PGM_P format, ...) __attribute__((format(printf, 2, 3)));
  size_t print(const __FlashStringHelper*);
  size_t print(const String&);
  size_t print(const char[]);
  size_t print(char);
  size_t print(unsigned char, int = DEC);
  size_t print(int, int = DEC);
  size_t print(unsigned int, int = DEC);
  size_t print(long, int = DEC);
  size_t print(unsigned long, int = DEC);
  size_t print(long long, int = DEC);
  size_t print(unsigned long long, int = DEC);
  size_t print(double, int = 2);
  size_t print(const Printable&);
  size_t println(const __FlashStringHelper*);
  size_t println(const String& s);
  size_t println(const char[]);
  size_t println(char);
  size_t println(unsigned char, int = DEC);
  size_t println(int, int = DEC);
  size_t println(unsigned int, int = DEC);
  size_t println(long, int = DEC);
  size_t println(unsigned long, int = DEC);
  size_t println(long long, int = DEC);
  size_t println(unsigned long long, int = DEC);
  size_t println(double, int = 2);
  size_t println(const Printable&);
  size_t println(void);
  virtual void flush() {}
  virtual bool outputCanTimeout() { return true; }
};

// The real Stream's timed reads wait up to setTimeout() (1 s by default) for each missing
// byte; those marked deprecated here (stricter than the real header) block the loop on Serial.
class Stream : public Print {
 public:
  virtual int available() = 0;
  virtual int read() = 0;
  virtual int peek() = 0;
  Stream() {}
  virtual ~Stream() {}
  void setTimeout(unsigned long timeout);
  unsigned long getTimeout() const;
  [[deprecated("waits for input up to the stream's timeout")]] bool find(const char* target);
  [[deprecated("waits for input up to the stream's timeout")]] long parseInt();
  [[deprecated("waits for input up to the stream's timeout")]] float parseFloat();
  virtual size_t readBytes(char* buffer, size_t length);
  virtual size_t readBytes(uint8_t* buffer, size_t length);
  [[deprecated("waits for input up to the stream's timeout")]]
  size_t readBytesUntil(char terminator, char* buffer, size_t length);
  virtual String readString();
  [[deprecated("waits for input up to the stream's timeout, and allocates")]]
  String readStringUntil(char terminator);
  virtual int read(uint8_t* buffer, size_t len);
  int read(char* buffer, size_t len);
  virtual bool hasPeekBufferAPI() const { return false; }
  virtual size_t peekAvailable() { return 0; }
  virtual const char* peekBuffer() { return nullptr; }
  virtual void peekConsume(size_t consume) { (void)consume; }
  virtual bool inputCanTimeout() { return true; }
  virtual ssize_t streamRemaining() { return -1; }
};
