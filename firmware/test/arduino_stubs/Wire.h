// Stand-in for the ESP8266 core's <Wire.h> (libraries/Wire, core 3.1.2).
#pragma once
#include "Arduino.h"

class TwoWire {
 public:
  void begin(int sda, int scl);
};
extern TwoWire Wire;
