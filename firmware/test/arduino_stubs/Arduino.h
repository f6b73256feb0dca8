// Stand-in for the ESP8266 core's <Arduino.h> (3.1.2), with the d1_mini pins_arduino.h and
// the parts of Esp.h and HardwareSerial.h that main.cpp uses.
#pragma once
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "Print.h"
#include "WString.h"

#define HIGH 0x1
#define LOW 0x0
#define OUTPUT 0x01

// variants/d1_mini/pins_arduino.h
static const uint8_t D1 = 5;
static const uint8_t D2 = 4;
static const uint8_t D5 = 14;

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
unsigned long millis(void);

void configTime(int timezone, int daylightOffset_sec, const char* server1, const char* server2 = nullptr,
                const char* server3 = nullptr);

// The chip's newlib <string.h> declares strlcpy; glibc before 2.38 does not.
#if !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 38)
extern "C" size_t strlcpy(char* dst, const char* src, size_t size);
#endif

class EspClass {
 public:
  void restart();
  uint32_t random() const;
  uint8_t* random(uint8_t* resultArray, const size_t outputSizeBytes) const;
  bool flashRead(uint32_t address, uint32_t* data, size_t size);
  bool flashRead(uint32_t address, uint8_t* data, size_t size);
};
extern EspClass ESP;

class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud);
  int available() override;
  int read() override;
  size_t write(uint8_t c) override;
};
extern HardwareSerial Serial;
