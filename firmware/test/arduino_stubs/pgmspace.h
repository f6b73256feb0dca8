// Stand-in for the ESP8266 core's <pgmspace.h> (3.1.2): on the chip PROGMEM places data in flash.
#pragma once
#define PROGMEM
