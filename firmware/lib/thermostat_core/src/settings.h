// User settings (docs/protocol.md "Messages", SET) and their storage format.
#pragma once
#include "core_types.h"
#include "schedule.h"
#include "time_zone.h"

namespace hearth {

enum class Mode : uint8_t { automatic = 0, home = 1, away = 2 };
enum class Regime : uint8_t { home = 0, away = 1 };

const char* mode_name(Mode m);
const char* regime_name(Regime r);
bool parse_mode(const char* text, Mode* out);

// Limits from the contract, in hundredths of a degree.
constexpr Centi kTargetMin = 500, kTargetMax = 3000;
constexpr Centi kAwayMin = 500, kAwayMax = 2500;
constexpr Centi kHysteresisMin = 10, kHysteresisMax = 200;
// SET's whole-number limits (docs/protocol.md "Messages").
constexpr uint32_t kMinBoostMinutes = 5, kMaxBoostMinutes = 720;
constexpr uint16_t kMaxPreheatMinutes = 720;
constexpr int64_t kMaxAwayAheadS = 366 * 86400;

// What the thermostat keeps across a reboot (docs/protocol.md "What the thermostat does, whatever
// it is told", Settings): the settings, the time zone's text, the schedule and the overrides, whose
// ends are times and so mean the same after a reboot.
struct Settings {
  Centi target = 2000;
  Centi away_target = 1600;
  Centi hysteresis = 30;
  Mode mode = Mode::automatic;
  Regime last_regime = Regime::home;
  bool has_time_zone = false;
  TimeZone time_zone{};  // parsed from its text when set, and again when read back
  WeekSchedule schedule{};
  ManualHold manual{};
  Boost boost{};
  AwayUntil away_until{};

  bool operator==(const Settings& o) const;
  bool operator!=(const Settings& o) const { return !(*this == o); }
  // Every value within the contract's ranges. The zone is not parsed again: only parse_time_zone
  // makes one, from a text "Time zones" allows (SET and decode_settings call it).
  bool valid() const;
};

// Blob version 2, fixed size (289 bytes), every field little-endian, unused bytes zero:
//   "HS" 2 | target, away_target, hysteresis, 3 × int16 | mode, last_regime
//   | zone length, zone text padded to 64 | 7 days × (count, 6 × (minute u16, °C int16))
//   | manual: active, has_until, setpoint int16, until int64 | boost: active, setpoint, until
//   | away_until: active, until int64, preheat_minutes u16 | checksum32 of what precedes.
// Version 1 (the first 11 bytes, then the checksum: 15 bytes) still reads, as version 2 with no
// zone, no schedule and no overrides; it is rewritten as version 2 at the next change only.
constexpr size_t kSettingsV1BlobSize = 2 + 1 + 2 + 2 + 2 + 1 + 1 + 4;
constexpr size_t kSettingsBlobSize = 2 + 1 + 2 + 2 + 2 + 1 + 1 + (1 + kMaxTimeZoneBytes) +
                                     kScheduleDays * (1 + kMaxSwitchPoints * 4) + (1 + 1 + 2 + 8) +
                                     (1 + 2 + 8) + (1 + 8 + 2) + 4;
constexpr uint8_t kSettingsVersion = 2;
size_t encode_settings(const Settings& s, uint8_t out[kSettingsBlobSize]);
// corrupt for a bad magic, version, length, checksum, a value out of range, a stored zone that no
// longer parses, or a schedule "The weekly schedule" does not allow; *out then holds the defaults.
// Decoded in place, into the settings the caller keeps: a Settings is over 500 bytes, and the
// ESP8266 reads them at boot on its 4 KB loop stack (firmware/scripts/size.sh checks the frames).
Status decode_settings(const uint8_t* blob, size_t length, Settings* out);

}  // namespace hearth
