#include "settings.h"

#include <string.h>

#include "codec.h"

namespace hearth {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::home: return "home";
    case Mode::away: return "away";
    case Mode::automatic: break;
  }
  return "auto";
}

const char* regime_name(Regime r) { return r == Regime::away ? "away" : "home"; }

bool parse_mode(const char* text, Mode* out) {
  if (strcmp(text, "auto") == 0) { *out = Mode::automatic; return true; }
  if (strcmp(text, "home") == 0) { *out = Mode::home; return true; }
  if (strcmp(text, "away") == 0) { *out = Mode::away; return true; }
  return false;
}

bool Settings::valid() const {
  return target >= kTargetMin && target <= kTargetMax && away_target >= kAwayMin &&
         away_target <= kAwayMax && hysteresis >= kHysteresisMin && hysteresis <= kHysteresisMax &&
         static_cast<uint8_t>(mode) <= 2 && static_cast<uint8_t>(last_regime) <= 1;
}

namespace {
void put16(uint8_t* p, int32_t v) {
  p[0] = uint8_t(v & 0xff);
  p[1] = uint8_t((v >> 8) & 0xff);
}
int16_t get16(const uint8_t* p) { return int16_t(uint16_t(p[0]) | (uint16_t(p[1]) << 8)); }
}  // namespace

size_t encode_settings(const Settings& s, uint8_t out[kSettingsBlobSize]) {
  out[0] = 'H';
  out[1] = 'S';
  out[2] = kSettingsVersion;
  put16(out + 3, s.target);
  put16(out + 5, s.away_target);
  put16(out + 7, s.hysteresis);
  out[9] = static_cast<uint8_t>(s.mode);
  out[10] = static_cast<uint8_t>(s.last_regime);
  store_le32(out + 11, checksum32(out, 11));
  return kSettingsBlobSize;
}

Result<Settings> decode_settings(const uint8_t* blob, size_t length) {
  if (length != kSettingsBlobSize || blob[0] != 'H' || blob[1] != 'S' ||
      blob[2] != kSettingsVersion || load_le32(blob + 11) != checksum32(blob, 11)) {
    return Result<Settings>::failure(Error::corrupt);
  }
  Settings s;
  s.target = get16(blob + 3);
  s.away_target = get16(blob + 5);
  s.hysteresis = get16(blob + 7);
  // Both enums are uint8_t-based, so any byte converts; valid() refuses the
  // values that name no mode or regime.
  s.mode = static_cast<Mode>(blob[9]);
  s.last_regime = static_cast<Regime>(blob[10]);
  if (!s.valid()) return Result<Settings>::failure(Error::corrupt);
  return Result<Settings>::success(s);
}

}  // namespace hearth
