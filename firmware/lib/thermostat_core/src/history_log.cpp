#include "history_log.h"

#include <string.h>

#include "codec.h"

namespace hearth {

namespace {

constexpr size_t kHeaderBytes = 2 + 1 + 4;
constexpr int16_t kLowestCenti = -2000;  // the plausible readings (heater_control.h)
constexpr int16_t kHighestCenti = 6000;

}  // namespace

Blob history_blob(int64_t day) {
  return static_cast<Blob>(static_cast<uint8_t>(Blob::history_0) + uint8_t(day % int64_t(kHistoryDays)));
}

int16_t history_temperature(int32_t sum_centi, uint32_t count) {
  if (count == 0) return kHistoryNoTemperature;
  // Half away from zero: (|sum| + count/2) / count, truncated, with the sum's sign.
  const int64_t magnitude = sum_centi < 0 ? -int64_t(sum_centi) : int64_t(sum_centi);
  const int64_t rounded = (2 * magnitude + int64_t(count)) / (2 * int64_t(count));
  int64_t mean = sum_centi < 0 ? -rounded : rounded;
  if (mean < kLowestCenti) mean = kLowestCenti;
  if (mean > kHighestCenti) mean = kHighestCenti;
  return int16_t(mean);
}

uint8_t history_setpoint(Centi setpoint) {
  Centi tenths = (setpoint - 500 + 5) / 10;
  if (setpoint < 500) tenths = 0;
  if (tenths > kHistoryMaxSetpoint) tenths = kHistoryMaxSetpoint;
  return uint8_t(tenths);
}

Centi history_setpoint_centi(uint8_t setpoint) { return 500 + Centi(setpoint) * 10; }

uint8_t history_heater(uint32_t on_ms) {
  const uint32_t tens = (on_ms + 5000) / 10000;
  return uint8_t(tens < kHistoryMaxHeater ? tens : kHistoryMaxHeater);
}

size_t encode_history_day(int64_t day, const HistorySample* samples, uint8_t out[kHistoryBlobSize]) {
  const HistorySample unrecorded;
  out[0] = 'H';
  out[1] = 'D';
  out[2] = kHistoryVersion;
  store_le32(out + 3, uint32_t(day));
  uint8_t* p = out + kHeaderBytes;
  for (size_t i = 0; i < kHistorySlotsPerDay; ++i) {
    // Unrecorded is stored one way only.
    const HistorySample s = samples != nullptr && samples[i].recorded() ? samples[i] : unrecorded;
    const uint16_t t = uint16_t(s.temperature);
    *p++ = uint8_t(t & 0xff);
    *p++ = uint8_t(t >> 8);
    *p++ = s.setpoint;
    *p++ = s.heater;
  }
  store_le32(p, checksum32(out, kHistoryBlobSize - 4));
  return kHistoryBlobSize;
}

HistorySample history_blob_sample(const uint8_t* blob, size_t slot) {
  const uint8_t* p = blob + kHeaderBytes + slot * sizeof(HistorySample);
  HistorySample s;
  s.temperature = int16_t(uint16_t(p[0] | (uint16_t(p[1]) << 8)));
  s.setpoint = p[2];
  s.heater = p[3];
  return s;
}

// A stored blob is as hostile as a frame: whole, this day's, its checksum, and every sample one
// the log could have written.
Status check_history_day(const uint8_t* blob, size_t length, int64_t day) {
  if (length != kHistoryBlobSize || blob[0] != 'H' || blob[1] != 'D' || blob[2] != kHistoryVersion ||
      load_le32(blob + 3) != uint32_t(day) ||
      load_le32(blob + kHistoryBlobSize - 4) != checksum32(blob, kHistoryBlobSize - 4)) {
    return Error::corrupt;
  }
  for (size_t i = 0; i < kHistorySlotsPerDay; ++i) {
    const HistorySample s = history_blob_sample(blob, i);
    const bool fits =
        s.recorded() ? s.heater <= kHistoryMaxHeater &&
                           (s.setpoint <= kHistoryMaxSetpoint || s.setpoint == kHistoryNoSetpoint) &&
                           (s.temperature == kHistoryNoTemperature ||
                            (s.temperature >= kLowestCenti && s.temperature <= kHighestCenti))
                     : s.setpoint == kHistoryNoSetpoint && s.temperature == kHistoryNoTemperature;
    if (!fits) return Error::corrupt;
  }
  return Error::none;
}

// docs/protocol.md "History": a slot that ends early (the clock jumps, the thermostat restarts)
// keeps what it had; the clock jumping back drops the samples of the slots after the new time;
// jumping forward leaves the slots in between unrecorded.
void HistoryLog::record(int64_t utc, uint64_t now, const HistoryTick& tick, Storage& storage,
                        uint8_t* scratch) {
  const int64_t slot = history_slot_start(utc);
  if (!active_) {
    start(utc, true, storage, scratch);
  } else if (utc < last_utc_ && slot != slot_start_) {
    jump_back(utc, storage, scratch);
  } else {
    // The heater's time on since the last tick, as it really passed (a jump of the clock takes
    // none), counts in the slot that tick was in. A jump back within the slot changes nothing.
    if (heater_on_) {
      const uint64_t elapsed = now - last_at_;
      heater_ms_ += uint32_t(elapsed < 600000 ? elapsed : 600000);
      if (heater_ms_ > 600000) heater_ms_ = 600000;
    }
    if (slot != slot_start_) {
      close();
      if (history_day(slot) != day_) {
        write_day(storage, scratch);  // the day has ended, or the clock jumped out of it
        // A day the clock enters has nothing recorded yet: whatever its blob still holds is from a
        // time the clock has since gone back over, or 8 days old.
        start(utc, false, storage, scratch);
      } else {
        if (slot / 3600 != slot_start_ / 3600) write_day(storage, scratch);  // on the hour
        open(slot);
      }
    }
  }
  if (tick.reading && readings_ < 0xFFFF) {
    Centi t = tick.temperature;
    if (t < kLowestCenti) t = kLowestCenti;
    if (t > kHighestCenti) t = kHighestCenti;
    temperature_sum_ += t;
    ++readings_;
  }
  setpoint_ = tick.held ? history_setpoint(tick.setpoint) : kHistoryNoSetpoint;
  heater_on_ = tick.heater_on;
  last_utc_ = utc;
  last_at_ = now;
}

void HistoryLog::stop() {
  if (!active_) return;
  close();
  active_ = false;
}

void HistoryLog::forget(Storage& storage) {
  const uint32_t writes = writes_;
  *this = HistoryLog();
  writes_ = writes;
  unforgotten_ = uint8_t((1u << kHistoryDays) - 1);
  retry_forget(storage);
}

void HistoryLog::retry_forget(Storage& storage) {
  // An empty blob reads as no day at all (check_history_day refuses it): nothing is left to read.
  static const uint8_t kNothing = 0;
  for (size_t d = 0; d < kHistoryDays; ++d) {
    const uint8_t bit = uint8_t(1u << d);
    if (!(unforgotten_ & bit)) continue;
    if (storage.write(Blob(uint8_t(Blob::history_0) + d), &kNothing, 0) != Error::none) continue;
    unforgotten_ = uint8_t(unforgotten_ & ~bit);
    ++writes_;
  }
}

// The day of `utc`, read back from storage when asked (after a boot: what its last write kept),
// else empty. A blob that is missing, damaged, of another day or unreadable leaves the day
// unrecorded; the day's own write replaces it at the next hour.
void HistoryLog::start(int64_t utc, bool read_back, Storage& storage, uint8_t* scratch) {
  day_ = history_day(utc);
  bool good = false;
  if (read_back && !unforgotten(history_blob(day_))) {
    const Result<size_t> read = storage.read(history_blob(day_), scratch, kHistoryBlobSize);
    good = read.ok() && check_history_day(scratch, read.value, day_) == Error::none;
  }
  for (size_t i = 0; i < kHistorySlotsPerDay; ++i) {
    samples_[i] = good ? history_blob_sample(scratch, i) : HistorySample();
  }
  land(utc);
  active_ = true;
}

// The slot the clock lands in (set after a boot, or jumped back to): the slots after it are
// dropped; it keeps a sample it has and takes nothing more (that sample covers the slot's 600 s
// already), or, with none, is recorded from now.
void HistoryLog::land(int64_t utc) {
  const size_t index = history_slot_index(utc);
  drop_from(index + 1);
  open(history_slot_start(utc));
  keep_ = samples_[index].recorded();
}

// The clock jumped back into an earlier slot: every slot after the one it lands in is dropped, in
// RAM and in storage, so that none comes back after a reboot or when the clock comes forward again
// (docs/protocol.md "History"); the day in RAM is written at once. Back into an earlier day, every
// blob that holds a day after the landing one is written empty under that day's own number (a
// blob of any other day, the real days before the landing among them, is left alone), and the day
// landed in is read back and cut. A rare event (an SNTP correction within the slot in progress
// never gets here): at most 8 reads and 9 writes, once.
void HistoryLog::jump_back(int64_t utc, Storage& storage, uint8_t* scratch) {
  const int64_t day = history_day(utc);
  if (day == day_) {
    land(utc);
  } else {
    for (size_t i = 0; i < kHistoryDays; ++i) {
      const Blob blob = static_cast<Blob>(uint8_t(Blob::history_0) + uint8_t(i));
      if (unforgotten(blob)) continue;
      const Result<size_t> read = storage.read(blob, scratch, kHistoryBlobSize);
      if (!read.ok() || read.value != kHistoryBlobSize) continue;
      const int64_t held = int64_t(load_le32(scratch + 3));
      if (held <= day || check_history_day(scratch, read.value, held) != Error::none) continue;
      bool recorded = false;
      for (size_t slot = 0; slot < kHistorySlotsPerDay && !recorded; ++slot) {
        recorded = history_blob_sample(scratch, slot).recorded();
      }
      if (!recorded) continue;  // emptied already
      encode_history_day(held, nullptr, scratch);
      storage.write(blob, scratch, kHistoryBlobSize);
      ++writes_;
    }
    start(utc, true, storage, scratch);
  }
  write_day(storage, scratch);
}

void HistoryLog::open(int64_t slot_start) {
  slot_start_ = slot_start;
  temperature_sum_ = 0;
  readings_ = 0;
  heater_ms_ = 0;
  setpoint_ = kHistoryNoSetpoint;
  keep_ = false;
}

void HistoryLog::close() {
  if (!keep_ && history_day(slot_start_) == day_) samples_[history_slot_index(slot_start_)] = in_progress();
}

void HistoryLog::drop_from(size_t slot) {
  for (size_t i = slot; i < kHistorySlotsPerDay; ++i) samples_[i] = HistorySample();
}

// Failures are not retried: the next hour's write carries everything, and a failed write at the
// day's end costs that day's last hour. History never stands in the way of heating.
void HistoryLog::write_day(Storage& storage, uint8_t* scratch) {
  encode_history_day(day_, samples_, scratch);
  // Once this household's day is in the blob, nothing of the last one is left there to empty.
  if (storage.write(history_blob(day_), scratch, kHistoryBlobSize) == Error::none) {
    unforgotten_ = uint8_t(unforgotten_ & ~(1u << (uint8_t(history_blob(day_)) - uint8_t(Blob::history_0))));
  }
  ++writes_;
}

HistorySample HistoryLog::in_progress() const {
  if (keep_) return samples_[history_slot_index(slot_start_)];
  HistorySample s;
  s.temperature = history_temperature(temperature_sum_, readings_);
  s.setpoint = setpoint_;
  s.heater = history_heater(heater_ms_);
  return s;
}

size_t HistoryLog::page(int64_t from, int64_t utc, Storage& storage, uint8_t* scratch,
                        HistorySample* out) const {
  const int64_t first = history_slot_start(from);
  const int64_t last = history_slot_start(utc);
  if (first > last) return 0;
  const int64_t span = (last - first) / kHistoryIntervalS + 1;
  const size_t count = span < int64_t(kHistoryPageSlots) ? size_t(span) : kHistoryPageSlots;
  const int64_t today = history_day(utc);
  int64_t loaded_day = -1;
  bool loaded = false;
  for (size_t i = 0; i < count; ++i) {
    const int64_t slot = first + int64_t(i) * kHistoryIntervalS;
    const int64_t day = history_day(slot);
    const size_t index = history_slot_index(slot);
    HistorySample sample;
    if (day > today || day <= today - int64_t(kHistoryDays)) {
      // Older than the 8 days kept: unrecorded.
    } else if (day == day_) {
      sample = active_ && slot == slot_start_ ? in_progress() : samples_[index];
    } else {
      if (day != loaded_day) {
        loaded_day = day;
        const Result<size_t> read = unforgotten(history_blob(day))
                                        ? Result<size_t>::failure(Error::not_found)
                                        : storage.read(history_blob(day), scratch, kHistoryBlobSize);
        loaded = read.ok() && check_history_day(scratch, read.value, day) == Error::none;
      }
      if (loaded) sample = history_blob_sample(scratch, index);
    }
    out[i] = sample;
  }
  return count;
}

}  // namespace hearth
