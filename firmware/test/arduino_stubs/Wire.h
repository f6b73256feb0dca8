// Stand-in for the ESP8266 core's <Wire.h> (libraries/Wire/Wire.h, core 3.1.2).
// endTransmission() answers 0 on success, else 2 (address not acknowledged), 3 (data not
// acknowledged) or 4 (bus busy, SDA held low); requestFrom() answers how many bytes arrived.
// [[nodiscard]] on both is stricter than the real header: an ignored I2C error is how a
// missing sensor read as 0 °C (issue 9, defect 1).
#pragma once
#include "Arduino.h"

#define BUFFER_LENGTH 128
#define I2C_BUFFER_LENGTH BUFFER_LENGTH

class TwoWire : public Stream {
 public:
  TwoWire();
  void begin(int sda, int scl);
  void begin(int sda, int scl, uint8_t address);
  void begin();
  void begin(uint8_t);
  void begin(int);
  void setClock(uint32_t);
  void setClockStretchLimit(uint32_t);
  void beginTransmission(uint8_t);
  void beginTransmission(int);
  [[nodiscard]] uint8_t endTransmission(void);
  [[nodiscard]] uint8_t endTransmission(uint8_t);
  [[nodiscard]] size_t requestFrom(uint8_t address, size_t size, bool sendStop);
  uint8_t status();
  [[nodiscard]] uint8_t requestFrom(uint8_t, uint8_t);
  [[nodiscard]] uint8_t requestFrom(uint8_t, uint8_t, uint8_t);
  [[nodiscard]] uint8_t requestFrom(int, int);
  [[nodiscard]] uint8_t requestFrom(int, int, int);
  virtual size_t write(uint8_t);
  virtual size_t write(const uint8_t*, size_t);
  virtual int available(void);
  virtual int read(void);
  virtual int peek(void);
  virtual void flush(void);
  using Print::write;
};
extern TwoWire Wire;
