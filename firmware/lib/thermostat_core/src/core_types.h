// Shared vocabulary of the thermostat core: errors as values and time.
// The core is built for the ESP8266 without a C++ standard library, so only
// C headers are used anywhere in it.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hearth {

enum class Error : uint8_t {
  none = 0,
  not_found,     // storage has no such blob
  io,            // storage or link refused the operation
  too_large,     // does not fit the buffer given
  corrupt,       // checksum, magic, version or range check failed
  no_random,     // the random source is not ready (radio off on the ESP8266)
  bad_format,    // input is not what the contract describes
  auth_failed,   // AES-GCM or Poly1305 tag did not check out
};

const char* error_name(Error e);

template <typename T>
struct Result {
  T value;
  Error error;
  bool ok() const { return error == Error::none; }
  static Result success(T v) { return Result{v, Error::none}; }
  static Result failure(Error e) { return Result{T{}, e}; }
};

using Status = Error;

// Milliseconds since boot as the caller's clock gives them: 32 bits that wrap
// every 49.7 days, exactly like Arduino's millis().
using Millis = uint32_t;

// A 64-bit monotonic clock built from wrapping 32-bit readings. Every call
// advances by the wrap-safe difference (now - last), so ages of hours, days or
// months stay correct across wraps; all internal deadlines use it.
class MonotonicClock {
 public:
  explicit MonotonicClock(Millis now) : last_(now) {}
  uint64_t advance(Millis now) {
    elapsed_ += static_cast<uint32_t>(now - last_);
    last_ = now;
    return elapsed_;
  }
  uint64_t elapsed() const { return elapsed_; }
  // What advance(now) would give, without advancing: for const readers handed the time.
  uint64_t peek(Millis now) const { return elapsed_ + static_cast<uint32_t>(now - last_); }

 private:
  Millis last_;
  uint64_t elapsed_ = 0;
};

// Temperatures are handled in hundredths of a degree so that comparisons
// against set points are exact and table tests are deterministic.
using Centi = int32_t;
// Converting NaN or a huge float to an integer is undefined behaviour, so
// anything outside ±1e6 °C (or NaN) is clamped first.
inline Centi to_centi(double celsius) {
  if (!(celsius > -1e6)) celsius = celsius < 0 ? -1e6 : 0;  // -inf or NaN
  if (celsius > 1e6) celsius = 1e6;
  return static_cast<Centi>(celsius * 100.0 + (celsius >= 0 ? 0.5 : -0.5));
}

}  // namespace hearth
