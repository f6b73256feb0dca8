// Stand-in for the ESP8266 core's <pgmspace.h> (3.1.2, from its newlib): on the chip PROGMEM
// places data in flash and PSTR keeps a string literal there.
#pragma once
#define PROGMEM
#define PGM_P const char*
#define PSTR(s) (s)
