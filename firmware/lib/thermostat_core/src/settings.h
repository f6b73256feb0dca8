// User settings (docs/protocol.md "Messages", SET) and their storage format.
#pragma once
#include "core_types.h"

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

struct Settings {
  Centi target = 2000;
  Centi away_target = 1600;
  Centi hysteresis = 30;
  Mode mode = Mode::automatic;
  Regime last_regime = Regime::home;

  bool operator==(const Settings& o) const {
    return target == o.target && away_target == o.away_target && hysteresis == o.hysteresis &&
           mode == o.mode && last_regime == o.last_regime;
  }
  bool operator!=(const Settings& o) const { return !(*this == o); }
  bool valid() const;
};

// Blob: "HS", version, five fields little-endian, checksum32 of what precedes.
constexpr size_t kSettingsBlobSize = 2 + 1 + 2 + 2 + 2 + 1 + 1 + 4;
constexpr uint8_t kSettingsVersion = 1;
size_t encode_settings(const Settings& s, uint8_t out[kSettingsBlobSize]);
// corrupt for a bad magic, version, length, checksum or a value out of range.
Result<Settings> decode_settings(const uint8_t* blob, size_t length);

}  // namespace hearth
