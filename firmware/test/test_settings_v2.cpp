// Settings blob version 2 (settings.h): the time zone, the schedule and the overrides stored with
// the settings, atomically, written only on change and checked when read back (docs/protocol.md
// "What the thermostat does, whatever it is told", Settings): the same corruption tests as the
// settings had (magic, version, length, checksum, each value out of range, truncated), and a
// version 1 blob still read, as version 2 with none of the new data, and rewritten at the next
// change only.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// Offsets in the version 2 blob (settings.h).
constexpr size_t kZoneLengthAt = 11, kZoneTextAt = 12, kScheduleAt = 76, kDayBytes = 25;
constexpr size_t kManualAt = 251, kBoostAt = 263, kAwayUntilAt = 274, kChecksumAt = 285;

TimeZone zone(const char* text) {
  TimeZone z{};
  REQUIRE(parse_time_zone(text, strlen(text), &z));
  return z;
}

// Every field set, at values far from the defaults.
Settings everything() {
  Settings s;
  s.target = 2150;
  s.away_target = 1700;
  s.hysteresis = 45;
  s.mode = Mode::away;
  s.last_regime = Regime::away;
  s.has_time_zone = true;
  s.time_zone = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  for (uint8_t day = 0; day < kScheduleDays; ++day) {
    s.schedule.count[day] = kMaxSwitchPoints;
    for (uint8_t i = 0; i < kMaxSwitchPoints; ++i) {
      s.schedule.points[day][i] = SwitchPoint{uint16_t(i * 239 + day), Centi(1500 + 10 * i + day)};
    }
  }
  s.manual = ManualHold{true, 2210, true, 1796112000};
  s.boost = Boost{true, 2300, 1796115600};
  s.away_until = AwayUntil{true, 1796713200, 90};
  return s;
}

std::vector<uint8_t> blob_of(const Settings& s) {
  std::vector<uint8_t> blob(kSettingsBlobSize);
  encode_settings(s, blob.data());
  return blob;
}

void reseal(std::vector<uint8_t>& blob) {
  store_le32(blob.data() + blob.size() - 4, checksum32(blob.data(), blob.size() - 4));
}

// A version 1 blob as the firmware before issue 11 wrote it.
std::vector<uint8_t> v1_blob(Centi target, Centi away, Centi hysteresis, Mode mode, Regime regime) {
  std::vector<uint8_t> blob = {'H', 'S', 1,
                               uint8_t(target), uint8_t(target >> 8),
                               uint8_t(away), uint8_t(away >> 8),
                               uint8_t(hysteresis), uint8_t(hysteresis >> 8),
                               uint8_t(mode), uint8_t(regime), 0, 0, 0, 0};
  reseal(blob);
  return blob;
}

struct Damage {
  const char* what;
  std::function<void(std::vector<uint8_t>&)> apply;  // the checksum is made right afterwards
};

void put16(std::vector<uint8_t>& b, size_t at, int v) {
  b[at] = uint8_t(v);
  b[at + 1] = uint8_t(v >> 8);
}
void put64(std::vector<uint8_t>& b, size_t at, int64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = uint8_t(uint64_t(v) >> (8 * i));
}
void put_zone(std::vector<uint8_t>& b, const std::string& text) {
  b[kZoneLengthAt] = uint8_t(text.size());
  for (size_t i = 0; i < 64; ++i) b[kZoneTextAt + i] = i < text.size() ? uint8_t(text[i]) : 0;
}

// Each value out of its range, or bytes no encoder writes, under a good checksum.
const std::vector<Damage> kValueDamage = {
    {"target above 30.0", [](auto& b) { put16(b, 3, 3001); }},
    {"target below 5.0", [](auto& b) { put16(b, 3, 499); }},
    {"away_target above 25.0", [](auto& b) { put16(b, 5, 2501); }},
    {"hysteresis below 0.1", [](auto& b) { put16(b, 7, 9); }},
    {"hysteresis above 2.0", [](auto& b) { put16(b, 7, 201); }},
    {"a mode that names none", [](auto& b) { b[9] = 3; }},
    {"a regime that names none", [](auto& b) { b[10] = 2; }},
    {"a zone longer than 64 bytes", [](auto& b) { b[kZoneLengthAt] = 65; }},
    {"a stored zone that does not parse", [](auto& b) { put_zone(b, "Mars"); }},
    {"a zone the rules refuse (Jn form)", [](auto& b) { put_zone(b, "CET-1CEST,J60,J300"); }},
    {"a NUL inside the zone", [](auto& b) { put_zone(b, "UTC0"); b[kZoneTextAt + 1] = 0; }},
    {"bytes after the zone's text", [](auto& b) { b[kZoneTextAt + 63] = 'x'; }},
    {"a day of 7 switch points", [](auto& b) { b[kScheduleAt] = 7; }},
    {"a minute of 1440", [](auto& b) { put16(b, kScheduleAt + 1, 1440); }},
    {"two switch points at one minute", [](auto& b) { put16(b, kScheduleAt + 5, 0); put16(b, kScheduleAt + 1, 0); }},
    {"switch points out of order", [](auto& b) { put16(b, kScheduleAt + 1, 300); put16(b, kScheduleAt + 5, 200); }},
    {"a switch point above 30.0", [](auto& b) { put16(b, kScheduleAt + 3, 3001); }},
    {"a switch point below 5.0", [](auto& b) { put16(b, kScheduleAt + 3, 499); }},
    {"bytes after a day's switch points", [](auto& b) { b[kScheduleAt] = 5; }},
    {"a manual flag of 2", [](auto& b) { b[kManualAt] = 2; }},
    {"a manual set point above 30.0", [](auto& b) { put16(b, kManualAt + 2, 3001); }},
    {"a manual end before 2024", [](auto& b) { put64(b, kManualAt + 4, 1704067199); }},
    {"a manual end with has_until false", [](auto& b) { b[kManualAt + 1] = 0; }},
    {"a boost flag of 2", [](auto& b) { b[kBoostAt] = 2; }},
    {"a boost set point below 5.0", [](auto& b) { put16(b, kBoostAt + 1, 499); }},
    {"a boost end of 0", [](auto& b) { put64(b, kBoostAt + 3, 0); }},
    {"a boost end past 2099", [](auto& b) { put64(b, kBoostAt + 3, 4102444800); }},
    {"an away-until flag of 2", [](auto& b) { b[kAwayUntilAt] = 2; }},
    {"an away-until end before 2024", [](auto& b) { put64(b, kAwayUntilAt + 1, 1); }},
    {"a pre-heat of 721 minutes", [](auto& b) { put16(b, kAwayUntilAt + 9, 721); }},
    {"an ended boost that left its set point", [](auto& b) { b[kBoostAt] = 0; put64(b, kBoostAt + 3, 0); }},
};

}  // namespace

TEST_CASE("settings v2: every field round-trips through the blob, whose size is fixed") {
  CHECK(kSettingsBlobSize == 289);
  for (const Settings& s : {Settings(), everything()}) {
    const std::vector<uint8_t> blob = blob_of(s);
    const Result<Settings> back = decode_settings(blob.data(), blob.size());
    REQUIRE(back.ok());
    CHECK(back.value == s);
    CHECK(back.value.has_time_zone == s.has_time_zone);
    CHECK(std::string(back.value.time_zone.text) == s.time_zone.text);
  }
  Settings no_until = everything();
  no_until.manual = ManualHold{true, 1800, false, 0};
  const std::vector<uint8_t> blob = blob_of(no_until);
  CHECK(decode_settings(blob.data(), blob.size()).value == no_until);
}

TEST_CASE("settings v2: any single corrupted byte, a bad magic or version, or a wrong length is detected") {
  const std::vector<uint8_t> blob = blob_of(everything());
  for (size_t i = 0; i < blob.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> bad = blob;
      bad[i] ^= flip;
      CAPTURE(i);
      CHECK(decode_settings(bad.data(), bad.size()).error == Error::corrupt);
    }
  }
  for (size_t length = 0; length < blob.size(); ++length) {
    CAPTURE(length);
    CHECK(decode_settings(blob.data(), length).error == Error::corrupt);
  }
  std::vector<uint8_t> longer = blob;
  longer.push_back(0);
  reseal(longer);
  CHECK(decode_settings(longer.data(), longer.size()).error == Error::corrupt);
  for (size_t at : {size_t(0), size_t(1), size_t(2)}) {
    for (uint8_t value : {uint8_t(0), uint8_t(1), uint8_t(3), uint8_t('h')}) {
      std::vector<uint8_t> bad = blob;
      if (bad[at] == value) continue;
      bad[at] = value;
      reseal(bad);  // a good checksum over a wrong magic or version
      CAPTURE(at);
      CAPTURE(int(value));
      CHECK(decode_settings(bad.data(), bad.size()).error == Error::corrupt);
    }
  }
}

TEST_CASE("settings v2: a checksummed blob with a value out of range is refused") {
  for (const Damage& d : kValueDamage) {
    CAPTURE(d.what);
    std::vector<uint8_t> blob = blob_of(everything());
    d.apply(blob);
    reseal(blob);
    CHECK(decode_settings(blob.data(), blob.size()).error == Error::corrupt);
  }
}

TEST_CASE("settings v2: a version 1 blob reads as version 2 with no zone, schedule or overrides") {
  const std::vector<uint8_t> v1 = v1_blob(2250, 1500, 40, Mode::home, Regime::away);
  const Result<Settings> read = decode_settings(v1.data(), v1.size());
  REQUIRE(read.ok());
  CHECK(read.value.target == 2250);
  CHECK(read.value.away_target == 1500);
  CHECK(read.value.hysteresis == 40);
  CHECK(read.value.mode == Mode::home);
  CHECK(read.value.last_regime == Regime::away);
  CHECK_FALSE(read.value.has_time_zone);
  CHECK(read.value.schedule.empty());
  CHECK_FALSE(read.value.manual.active);
  CHECK_FALSE(read.value.boost.active);
  CHECK_FALSE(read.value.away_until.active);
  // Version 1's own checks still hold.
  std::vector<uint8_t> bad = v1;
  bad[4] ^= 0x10;
  CHECK(decode_settings(bad.data(), bad.size()).error == Error::corrupt);
  const std::vector<uint8_t> out_of_range = v1_blob(3100, 1500, 40, Mode::home, Regime::away);
  CHECK(decode_settings(out_of_range.data(), out_of_range.size()).error == Error::corrupt);
  std::vector<uint8_t> v2_length_v1 = v1;
  v2_length_v1[2] = 2;
  reseal(v2_length_v1);
  CHECK(decode_settings(v2_length_v1.data(), v2_length_v1.size()).error == Error::corrupt);
}

TEST_CASE("settings v2: a thermostat booted on a version 1 blob keeps it until the next change, then writes version 2") {
  Bench bench;
  const std::vector<uint8_t> v1 = v1_blob(2250, 1500, 40, Mode::home, Regime::home);
  bench.storage.blobs[Blob::settings] = v1;
  REQUIRE(bench.boot() == Error::none);
  CHECK(bench.core->settings().target == 2250);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.run_for(120000);
  CHECK(bench.storage.blobs[Blob::settings] == v1);  // read, not rewritten
  bench.deliver(app.command("SET", "\"schedule\":[[[390,21]],[],[],[],[],[],[]]"));
  const std::vector<uint8_t>& stored = bench.storage.blobs[Blob::settings];
  REQUIRE(stored.size() == kSettingsBlobSize);
  CHECK(stored[2] == 2);
  const Result<Settings> read = decode_settings(stored.data(), stored.size());
  REQUIRE(read.ok());
  CHECK(read.value.target == 2250);
  CHECK(read.value.schedule.count[0] == 1);
}

TEST_CASE("settings v2: the zone, schedule and overrides survive a reboot; damage falls back to defaults, written back") {
  Bench bench;
  bench.seed_settings(everything());
  REQUIRE(bench.boot() == Error::none);
  CHECK(bench.core->settings() == everything());
  REQUIRE(bench.core->time_zone() != nullptr);
  CHECK(std::string(bench.core->time_zone()->text) == "CET-1CEST,M3.5.0,M10.5.0/3");
  for (const Damage& d : kValueDamage) {
    CAPTURE(d.what);
    std::vector<uint8_t> blob = blob_of(everything());
    d.apply(blob);
    reseal(blob);
    bench.storage.blobs[Blob::settings] = blob;
    bench.reboot();
    CHECK(bench.core->settings() == Settings());
    CHECK(bench.core->time_zone() == nullptr);
    CHECK(bench.storage.blobs[Blob::settings] == blob_of(Settings()));
  }
}

TEST_CASE("settings v2: power lost mid-write keeps nothing half-written") {
  Bench bench;
  bench.seed_settings(everything());
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  bench.storage.tear_next_write = true;
  bench.deliver(app.command("SET", "\"schedule\":[[],[],[],[],[],[],[]]"));
  bench.reboot();
  // The torn blob fails its checksum: defaults, never a mix of old and new.
  CHECK(bench.core->settings() == Settings());
}
