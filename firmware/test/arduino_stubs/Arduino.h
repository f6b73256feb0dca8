// Stand-in for <Arduino.h> of the ESP8266 Arduino core 3.1.2: cores/esp8266/Arduino.h,
// core_esp8266_features.h (millis, delay), Esp.h (EspClass), HardwareSerial.h and
// variants/d1_mini/pins_arduino.h. Signatures copied from those headers; see README.md for
// where this is stricter than the real header on purpose.
#pragma once
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "Print.h"
#include "WString.h"
#include "pgmspace.h"

#define HIGH 0x1
#define LOW 0x0

#define INPUT 0x00
#define INPUT_PULLUP 0x02
#define INPUT_PULLDOWN_16 0x04
#define OUTPUT 0x01
#define OUTPUT_OPEN_DRAIN 0x03

typedef bool boolean;
typedef uint8_t byte;

extern "C" {
// core_esp8266_features.h. unsigned long is 32 bits on the chip and 64 on this host:
// -Wconversion here catches a millis() that reaches a 32-bit hearth::Millis uncast.
unsigned long millis(void);
unsigned long micros(void);
uint64_t micros64(void);
// Stricter than the real header: the glue never blocks the loop (issue 9, "No loop blocks").
[[deprecated("delay() blocks the loop: keep time with millis() and let the core decide")]]
void delay(unsigned long);
void delayMicroseconds(unsigned int us);

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);

void yield(void);
void optimistic_yield(uint32_t interval_us);
}

using std::isinf;
using std::isnan;
using std::max;
using std::min;

// Both configTime overloads: server pointers must stay valid for the program's life.
void configTime(const char* tz, const char* server1, const char* server2 = nullptr,
                const char* server3 = nullptr);
void configTime(int timezone, int daylightOffset_sec, const char* server1, const char* server2 = nullptr,
                const char* server3 = nullptr);
// Stricter than the real header: waits up to `ms` for SNTP.
[[deprecated("getLocalTime() waits for SNTP: read time(nullptr) instead")]]
bool getLocalTime(struct tm* info, uint32_t ms = 5000);

// The chip's newlib <string.h> declares strlcpy; glibc before 2.38 does not.
#if !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 38)
extern "C" size_t strlcpy(char* dst, const char* src, size_t size);
#endif

// variants/d1_mini/pins_arduino.h
#define PIN_WIRE_SDA (4)
#define PIN_WIRE_SCL (5)
static const uint8_t SDA = PIN_WIRE_SDA;
static const uint8_t SCL = PIN_WIRE_SCL;
#define LED_BUILTIN 2
static const uint8_t D0 = 16;
static const uint8_t D1 = 5;
static const uint8_t D2 = 4;
static const uint8_t D3 = 0;
static const uint8_t D4 = 2;
static const uint8_t D5 = 14;
static const uint8_t D6 = 12;
static const uint8_t D7 = 13;
static const uint8_t D8 = 15;
static const uint8_t RX = 3;
static const uint8_t TX = 1;

// tools/sdk/include/user_interface.h: why the chip last started (ESP.getResetInfoPtr()).
enum rst_reason {
  REASON_DEFAULT_RST = 0,       // power on
  REASON_WDT_RST = 1,           // hardware watchdog
  REASON_EXCEPTION_RST = 2,     // exception; GPIO levels are kept through it
  REASON_SOFT_WDT_RST = 3,      // software watchdog; GPIO levels are kept through it
  REASON_SOFT_RESTART = 4,      // ESP.restart(); GPIO levels are kept through it
  REASON_DEEP_SLEEP_AWAKE = 5,
  REASON_EXT_SYS_RST = 6        // the RST pin
};
struct rst_info {
  uint32_t reason;
  uint32_t exccause;
  uint32_t epc1;
  uint32_t epc2;
  uint32_t epc3;
  uint32_t excvaddr;
  uint32_t depc;
};

// Esp.h (UMM_INFO is on in 3.1.2). Every member is static in the real class too.
class EspClass {
 public:
  static void wdtFeed();
  static void reset();
  static void restart();
  static uint32_t getChipId();
  static uint32_t getFreeHeap();
  static uint32_t getMaxFreeBlockSize();
  static uint8_t getHeapFragmentation();
  static void getHeapStats(uint32_t* free = nullptr, uint16_t* max = nullptr, uint8_t* frag = nullptr)
      __attribute__((deprecated("Use 'uint32_t*' on max, 2nd argument")));
  static void getHeapStats(uint32_t* free = nullptr, uint32_t* max = nullptr, uint8_t* frag = nullptr);
  static uint32_t getFreeContStack();
  static const char* getSdkVersion();
  static String getCoreVersion();
  static uint32_t getFlashChipSize();
  static uint32_t getFlashChipRealSize();
  // [[nodiscard]]: stricter than the real header (a failed read must not pass as erased flash).
  [[nodiscard]] static bool flashRead(uint32_t address, uint32_t* data, size_t size);
  [[nodiscard]] static bool flashRead(uint32_t address, uint8_t* data, size_t size);
  static uint32_t getSketchSize();
  static uint32_t getFreeSketchSpace();
  static String getResetReason();
  static String getResetInfo();
  static struct rst_info* getResetInfoPtr();
  static bool eraseConfig();
  static uint8_t* random(uint8_t* resultArray, const size_t outputSizeBytes);
  static uint32_t random();
  static uint32_t getCycleCount();
};
extern EspClass ESP;

// HardwareSerial.h with uart.h's values.
enum SerialConfig { SERIAL_8N1 = 0x1c };
enum SerialMode { SERIAL_FULL = 0, SERIAL_RX_ONLY = 1, SERIAL_TX_ONLY = 2 };

class HardwareSerial : public Stream {
 public:
  HardwareSerial(int uart_nr);
  virtual ~HardwareSerial() {}
  void begin(unsigned long baud);
  void begin(unsigned long baud, SerialConfig config);
  void begin(unsigned long baud, SerialConfig config, SerialMode mode);
  void begin(unsigned long baud, SerialConfig config, SerialMode mode, uint8_t tx_pin);
  void begin(unsigned long baud, SerialConfig config, SerialMode mode, uint8_t tx_pin, bool invert);
  void end();
  size_t setRxBufferSize(size_t size);
  size_t getRxBufferSize();
  int available(void) override;
  int peek(void) override;
  int read(void) override;
  int read(char* buffer, size_t size);
  int read(uint8_t* buffer, size_t size) override;
  // Stricter than the real header: these wait up to the stream's timeout (1 s) for missing bytes.
  [[deprecated("waits up to 1 s for input: use read(buffer, size), which takes what is there")]]
  size_t readBytes(char* buffer, size_t size) override;
  [[deprecated("waits up to 1 s for input: use read(buffer, size), which takes what is there")]]
  size_t readBytes(uint8_t* buffer, size_t size) override;
  int availableForWrite(void) override;
  void flush(void) override;  // waits until every byte has left
  size_t write(uint8_t c) override;
  size_t write(const uint8_t* buffer, size_t size) override;
  using Print::write;
  operator bool() const;
  void setDebugOutput(bool);
  bool hasOverrun(void);
  bool hasRxError(void);
};
extern HardwareSerial Serial;
extern HardwareSerial Serial1;
