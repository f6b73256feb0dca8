// The thermostat's own history (docs/protocol.md "History"): one sample per 10-minute slot of
// UTC for the day in progress and the 7 before it, recorded while the wall clock is known.
//
// Only the UTC day in progress lives in RAM (144 samples of 4 bytes, and the slot being
// accumulated); the days before it live in flash, one blob per day (Blob::history_0 + day % 8),
// and are read into the caller's scratch buffer only when a page asks for them. The day in
// progress is written on every hour of UTC and when the clock leaves it (the day ends, or the clock
// jumps out of it), and at once when the clock jumps back into an earlier slot, so a power cut
// loses at most the last hour. A blob that is damaged, of another day or unreadable counts as
// unrecorded; nothing here touches the heater or the settings.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

constexpr int64_t kHistoryIntervalS = 600;
constexpr size_t kHistorySlotsPerDay = 144;
constexpr size_t kHistoryDays = 8;  // the day in progress and the 7 before it
constexpr size_t kHistoryPageSlots = 72;
constexpr int64_t kSecondsPerDay = 86400;

// A sample as stored, 4 bytes: the mean temperature in hundredths of a degree, the set point
// held at the slot's end in tenths above 5.0 °C, the heater's time on in 10-second units.
constexpr int16_t kHistoryNoTemperature = -32768;  // no good reading in the slot
constexpr uint8_t kHistoryNoSetpoint = 0xFF;       // none was held (no good reading)
constexpr uint8_t kHistoryNotRecorded = 0xFF;      // in heater: the slot was not recorded
constexpr uint8_t kHistoryMaxSetpoint = 250;       // 30.0 °C, SET's target range
constexpr uint8_t kHistoryMaxHeater = 60;          // 600 s
struct HistorySample {
  int16_t temperature = kHistoryNoTemperature;
  uint8_t setpoint = kHistoryNoSetpoint;
  uint8_t heater = kHistoryNotRecorded;
  bool recorded() const { return heater != kHistoryNotRecorded; }
};
static_assert(sizeof(HistorySample) == 4, "4 bytes a slot");

// What a tick saw: a good reading taken in it (its temperature), the set point held (none while
// `held` is false) and whether the heater is on from now until the next tick.
struct HistoryTick {
  bool reading = false;
  Centi temperature = 0;
  bool held = false;
  Centi setpoint = 0;
  bool heater_on = false;
};

// Day blob, version 1, little-endian: "HD" | version | UTC day number u32 (days since
// 1970-01-01) | 144 × (temperature int16, set point u8, heater u8) | checksum32 of what precedes.
// Only one blob encodes a day: an unrecorded slot is stored as all three markers.
constexpr uint8_t kHistoryVersion = 1;
constexpr size_t kHistoryBlobSize = 2 + 1 + 4 + kHistorySlotsPerDay * sizeof(HistorySample) + 4;
static_assert(kHistoryBlobSize < 600, "docs/protocol.md \"History\": under 600 bytes a write");

inline int64_t history_day(int64_t utc) { return utc / kSecondsPerDay; }
inline int64_t history_slot_start(int64_t utc) { return utc - utc % kHistoryIntervalS; }
inline size_t history_slot_index(int64_t utc) { return size_t((utc % kSecondsPerDay) / kHistoryIntervalS); }
Blob history_blob(int64_t day);

// Sample <-> the contract's values: the mean rounded half away from zero, a set point to
// its nearest tenth (what an old firmware stored in hundredths included), the heater's time to
// the nearest 10 s.
int16_t history_temperature(int32_t sum_centi, uint32_t count);
uint8_t history_setpoint(Centi setpoint);
Centi history_setpoint_centi(uint8_t setpoint);
uint8_t history_heater(uint32_t on_ms);

// `samples` nullptr: the day with nothing recorded.
size_t encode_history_day(int64_t day, const HistorySample* samples, uint8_t out[kHistoryBlobSize]);
// none when `blob` is a whole, undamaged blob of `day` (every sample in range); else corrupt.
Status check_history_day(const uint8_t* blob, size_t length, int64_t day);
// Sample `slot` of a blob check_history_day accepted.
HistorySample history_blob_sample(const uint8_t* blob, size_t slot);

class HistoryLog {
 public:
  // Every tick while the wall clock is known, `now` the core's monotonic ms. `scratch` holds
  // kHistoryBlobSize bytes and is used only within the call (a day read when the day in RAM
  // changes, a day written on the hour).
  void record(int64_t utc, uint64_t now, const HistoryTick& tick, Storage& storage, uint8_t* scratch);
  // The clock is no longer known: the slot in progress ends early and keeps what it had; the
  // next record() starts again (reading the day back) as after a reboot.
  void stop();
  // A factory reset: every day is forgotten, in RAM and in storage, so that the next household
  // cannot read this one's (when the heater ran says when people were home). A day whose blob
  // could not be emptied stays to be emptied: retry_forget() tries again.
  void forget(Storage& storage);
  void retry_forget(Storage& storage);
  bool forgetting() const { return unforgotten_ != 0; }

  // HISTORY's lists (docs/protocol.md "Messages"): the slots from `from` (rounded down to a
  // multiple of 600) up to and including the slot `utc` is in, at most kHistoryPageSlots, into
  // `out`; returns how many. The slot in progress shows what it has so far. Past days are read
  // into `scratch` (kHistoryBlobSize bytes, not overlapping `out`), each at most once a page.
  size_t page(int64_t from, int64_t utc, Storage& storage, uint8_t* scratch, HistorySample* out) const;

  // For tests and the simulator's log.
  uint32_t writes() const { return writes_; }
  int64_t day() const { return day_; }
  const HistorySample& stored(size_t slot) const { return samples_[slot]; }

 private:
  void start(int64_t utc, bool read_back, Storage& storage, uint8_t* scratch);
  void land(int64_t utc);
  void jump_back(int64_t utc, Storage& storage, uint8_t* scratch);
  void open(int64_t slot_start);
  void close();
  void drop_from(size_t slot);
  void write_day(Storage& storage, uint8_t* scratch);
  // Still holding the last household's day after a factory reset: never read, so never shown.
  bool unforgotten(Blob blob) const {
    return (unforgotten_ >> (uint8_t(blob) - uint8_t(Blob::history_0))) & 1u;
  }
  HistorySample in_progress() const;

  HistorySample samples_[kHistorySlotsPerDay];
  int64_t day_ = -1;  // the UTC day in samples_, -1 before the first record()
  bool active_ = false;
  int64_t last_utc_ = 0;
  uint64_t last_at_ = 0;
  bool heater_on_ = false;
  // The slot being accumulated.
  int64_t slot_start_ = 0;
  int32_t temperature_sum_ = 0;
  uint16_t readings_ = 0;
  uint32_t heater_ms_ = 0;
  uint8_t setpoint_ = kHistoryNoSetpoint;
  bool keep_ = false;  // the slot kept the sample it had when the clock landed in it
  uint32_t writes_ = 0;
  uint8_t unforgotten_ = 0;  // bit d: history_0 + d is still to be emptied after a factory reset
  static_assert(kHistoryDays <= 8, "one bit a day in unforgotten_");
};

}  // namespace hearth
