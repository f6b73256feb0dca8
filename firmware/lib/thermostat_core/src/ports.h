// The small interfaces through which the core touches the world. The ESP8266
// glue, the simulator and the tests each provide their own implementations.
#pragma once
#include "core_types.h"

namespace hearth {

struct Reading {
  float temperature;  // °C
  float humidity;     // %RH
  float pressure;     // hPa
};

// absent: nothing proves a sensor is there (no answer, another chip, blank
// calibration); failed: it is there but this reading is unusable; good: the
// adapter vouches for the reading, and the core still checks its ranges
// (heater_control.h). Zero, as in a zero-initialised sample, is absent.
enum class SensorStatus : uint8_t { absent, failed, good };
const char* sensor_status_name(SensorStatus s);

struct SensorSample {
  SensorStatus status;
  Reading reading;
};

class Sensor {
 public:
  // Returns at once (no waiting for a conversion); `now` paces the adapter's
  // own checks and retries.
  virtual SensorSample read(Millis now) = 0;

 protected:
  ~Sensor() = default;
};

// Byte-wide registers of devices on a bus (I2C): `device` is the 7-bit
// address. io on a missing acknowledge, a bus fault or fewer bytes than asked;
// `out` is only meaningful on success.
class RegisterBus {
 public:
  virtual Status read(uint8_t device, uint8_t first_register, uint8_t* out, size_t count) = 0;
  virtual Status write(uint8_t device, uint8_t register_address, uint8_t value) = 0;
  // Clocks out a device left holding the bus (cut off mid-transfer by a reset
  // or a loose wire); bounded in time like every transfer.
  virtual void recover() = 0;

 protected:
  ~RegisterBus() = default;
};

class Relay {
 public:
  virtual void set(bool on) = 0;

 protected:
  ~Relay() = default;
};

// identity and identity_backup are the two copies of the identity; keep
// them in separate files so that one damaged file cannot take both. network
// is the broker URL, app URL and broker pin (network_config.h); owntracks the
// members' OwnTracks secrets and replay times (owntracks_presence.h), apart
// from the settings so that a damaged one cannot take the other. history_0 to
// history_7 are the days of the thermostat's history (history_log.h), the UTC
// day d in history_0 + d % 8, so that a damaged day costs only that day.
// members is the household's members (members.h), apart from the identity so
// that a damaged one cannot take the other; after the days, which are indexed.
enum class Blob : uint8_t {
  identity,
  identity_backup,
  settings,
  network,
  owntracks,
  history_0,
  history_1,
  history_2,
  history_3,
  history_4,
  history_5,
  history_6,
  history_7,
  members,
};

// Each blob is read and written whole; write() must be atomic: after a power
// loss the old or the new content is found, never a mix.
class Storage {
 public:
  // not_found only when storage positively knows there is no such blob (on
  // a file system that mounted and answers); io when it cannot tell or cannot
  // read it; too_large when it does not fit `capacity`. An empty blob is read
  // as 0 bytes. A fresh identity is made only on not_found, so a port that
  // cannot tell must say io.
  virtual Result<size_t> read(Blob blob, uint8_t* out, size_t capacity) = 0;
  virtual Status write(Blob blob, const uint8_t* data, size_t length) = 0;

 protected:
  ~Storage() = default;
};

// The WebSocket link to the broker. The glue reports open/close/text to the
// core; the core sends text frames and may ask for the link to be dropped
// (for example when the broker never acknowledges the logon).
class Link {
 public:
  virtual Status send_text(const char* text, size_t length) = 0;
  virtual void drop() = 0;

 protected:
  ~Link() = default;
};

// Cryptographic randomness. Returns no_random while the source is not ready.
class Random {
 public:
  virtual Status fill(uint8_t* out, size_t length) = 0;

 protected:
  ~Random() = default;
};

}  // namespace hearth
