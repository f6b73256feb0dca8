// Stand-in for Adafruit BME280 Library 2.2.4 <Adafruit_BME280.h>: what main.cpp uses.
#pragma once
#include "Wire.h"

#define BME280_ADDRESS (0x77)

class Adafruit_BME280 {
 public:
  Adafruit_BME280();
  bool begin(uint8_t addr = BME280_ADDRESS, TwoWire* theWire = &Wire);
  float readTemperature(void);
  float readPressure(void);
  float readHumidity(void);
};
