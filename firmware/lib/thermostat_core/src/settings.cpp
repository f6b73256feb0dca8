#include "settings.h"

#include <string.h>

#include "codec.h"
#include "wall_clock.h"

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

namespace {

bool target_in_range(Centi c) { return c >= kTargetMin && c <= kTargetMax; }

}  // namespace

bool Settings::operator==(const Settings& o) const {
  return target == o.target && away_target == o.away_target && hysteresis == o.hysteresis &&
         mode == o.mode && last_regime == o.last_regime && has_time_zone == o.has_time_zone &&
         (!has_time_zone || time_zone == o.time_zone) && schedule == o.schedule &&
         manual.active == o.manual.active &&
         (!manual.active || (manual.setpoint == o.manual.setpoint &&
                             manual.has_until == o.manual.has_until &&
                             (!manual.has_until || manual.until == o.manual.until))) &&
         boost.active == o.boost.active &&
         (!boost.active || (boost.setpoint == o.boost.setpoint && boost.until == o.boost.until)) &&
         away_until.active == o.away_until.active &&
         (!away_until.active || (away_until.until == o.away_until.until &&
                                 away_until.preheat_minutes == o.away_until.preheat_minutes));
}

bool Settings::valid() const {
  return target_in_range(target) && away_target >= kAwayMin && away_target <= kAwayMax &&
         hysteresis >= kHysteresisMin && hysteresis <= kHysteresisMax &&
         static_cast<uint8_t>(mode) <= 2 && static_cast<uint8_t>(last_regime) <= 1 &&
         schedule.valid() &&
         (!manual.active ||
          (target_in_range(manual.setpoint) && (!manual.has_until || wall_time_in_range(manual.until)))) &&
         (!boost.active || (target_in_range(boost.setpoint) && wall_time_in_range(boost.until))) &&
         (!away_until.active ||
          (wall_time_in_range(away_until.until) && away_until.preheat_minutes <= kMaxPreheatMinutes));
}

namespace {

// Little-endian fields written and read in order; the reader remembers whether a flag byte was
// anything but 0 or 1, or padding anything but 0, so that only one blob encodes given settings.
struct BlobWriter {
  uint8_t* p;
  void u8(uint32_t v) { *p++ = uint8_t(v); }
  void u16(uint32_t v) {
    u8(v & 0xff);
    u8((v >> 8) & 0xff);
  }
  void u64(int64_t v) {
    for (int i = 0; i < 8; ++i) u8(uint8_t(uint64_t(v) >> (8 * i)));
  }
  void zeros(size_t n) {
    memset(p, 0, n);
    p += n;
  }
};

struct BlobReader {
  const uint8_t* p;
  bool canonical = true;
  uint8_t u8() { return *p++; }
  bool flag() {
    const uint8_t v = u8();
    canonical &= v <= 1;
    return v == 1;
  }
  uint16_t u16() {
    const uint16_t lo = u8();
    return uint16_t(lo | (uint16_t(u8()) << 8));
  }
  int16_t i16() { return int16_t(u16()); }
  int64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(u8()) << (8 * i);
    return int64_t(v);
  }
  void zeros(size_t n) {
    for (size_t i = 0; i < n; ++i) canonical &= u8() == 0;
  }
};

constexpr size_t kV1Fields = kSettingsV1BlobSize - 4;

}  // namespace

size_t encode_settings(const Settings& s, uint8_t out[kSettingsBlobSize]) {
  BlobWriter w{out};
  w.u8('H');
  w.u8('S');
  w.u8(kSettingsVersion);
  w.u16(uint32_t(s.target));
  w.u16(uint32_t(s.away_target));
  w.u16(uint32_t(s.hysteresis));
  w.u8(static_cast<uint8_t>(s.mode));
  w.u8(static_cast<uint8_t>(s.last_regime));
  const size_t zone_length = s.has_time_zone ? strnlen(s.time_zone.text, kMaxTimeZoneBytes) : 0;
  w.u8(uint32_t(zone_length));
  memcpy(w.p, s.time_zone.text, zone_length);
  w.p += zone_length;
  w.zeros(kMaxTimeZoneBytes - zone_length);
  for (size_t day = 0; day < kScheduleDays; ++day) {
    const size_t count = s.schedule.count[day] <= kMaxSwitchPoints ? s.schedule.count[day] : 0;
    w.u8(uint32_t(count));
    for (size_t i = 0; i < count; ++i) {
      w.u16(s.schedule.points[day][i].minute);
      w.u16(uint32_t(s.schedule.points[day][i].setpoint));
    }
    w.zeros((kMaxSwitchPoints - count) * 4);
  }
  const bool manual_until = s.manual.active && s.manual.has_until;
  w.u8(s.manual.active);
  w.u8(manual_until);
  w.u16(s.manual.active ? uint32_t(s.manual.setpoint) : 0);
  w.u64(manual_until ? s.manual.until : 0);
  w.u8(s.boost.active);
  w.u16(s.boost.active ? uint32_t(s.boost.setpoint) : 0);
  w.u64(s.boost.active ? s.boost.until : 0);
  w.u8(s.away_until.active);
  w.u64(s.away_until.active ? s.away_until.until : 0);
  w.u16(s.away_until.active ? s.away_until.preheat_minutes : 0);
  store_le32(w.p, checksum32(out, kSettingsBlobSize - 4));
  return kSettingsBlobSize;
}

namespace {

// Reads the blob's fields into s, which holds the defaults on entry, so that a v1 blob leaves the
// zone, schedule and overrides as none.
Status read_settings_fields(const uint8_t* blob, size_t length, Settings& s) {
  constexpr Status corrupt = Error::corrupt;
  const bool v1 = length == kSettingsV1BlobSize && length >= 3 && blob[2] == 1;
  if ((length != kSettingsBlobSize && !v1) || blob[0] != 'H' || blob[1] != 'S' ||
      (!v1 && blob[2] != kSettingsVersion) ||
      load_le32(blob + length - 4) != checksum32(blob, length - 4)) {
    return corrupt;
  }
  BlobReader r{blob + 3};
  s.target = r.i16();
  s.away_target = r.i16();
  s.hysteresis = r.i16();
  // Both enums are uint8_t-based, so any byte converts; valid() refuses the
  // values that name no mode or regime.
  s.mode = static_cast<Mode>(r.u8());
  s.last_regime = static_cast<Regime>(r.u8());
  if (!v1) {
    // An empty text is no zone; a stored one that no longer parses (a NUL inside it included) is
    // damage, never a zone quietly dropped.
    const size_t zone_length = r.u8();
    if (zone_length > kMaxTimeZoneBytes) return corrupt;
    s.has_time_zone = zone_length > 0;
    if (s.has_time_zone && !parse_time_zone(reinterpret_cast<const char*>(r.p), zone_length, &s.time_zone)) {
      return corrupt;
    }
    r.p += zone_length;
    r.zeros(kMaxTimeZoneBytes - zone_length);
    for (size_t day = 0; day < kScheduleDays; ++day) {
      const size_t count = r.u8();
      if (count > kMaxSwitchPoints) return corrupt;
      s.schedule.count[day] = uint8_t(count);
      for (size_t i = 0; i < count; ++i) {
        s.schedule.points[day][i].minute = r.u16();
        s.schedule.points[day][i].setpoint = r.i16();
      }
      r.zeros((kMaxSwitchPoints - count) * 4);
    }
    s.manual.active = r.flag();
    s.manual.has_until = r.flag();
    s.manual.setpoint = r.i16();
    s.manual.until = r.u64();
    s.boost.active = r.flag();
    s.boost.setpoint = r.i16();
    s.boost.until = r.u64();
    s.away_until.active = r.flag();
    s.away_until.until = r.u64();
    s.away_until.preheat_minutes = r.u16();
    // What an inactive override or a missing end leaves is stored as zeros.
    r.canonical &= (s.manual.active || (!s.manual.has_until && s.manual.setpoint == 0)) &&
                   (s.manual.has_until || s.manual.until == 0) &&
                   (s.boost.active || (s.boost.setpoint == 0 && s.boost.until == 0)) &&
                   (s.away_until.active || (s.away_until.until == 0 && s.away_until.preheat_minutes == 0));
    if (!r.canonical || r.p != blob + kSettingsBlobSize - 4) return corrupt;
  } else if (r.p != blob + kV1Fields) {
    return corrupt;
  }
  return s.valid() ? Error::none : corrupt;
}

}  // namespace

Status decode_settings(const uint8_t* blob, size_t length, Settings* out) {
  *out = Settings();
  const Status status = read_settings_fields(blob, length, *out);
  if (status != Error::none) *out = Settings();
  return status;
}

}  // namespace hearth
