#include "improv.h"

#include <string.h>

namespace hearth {

size_t write_improv_packet(ImprovType type, const uint8_t* data, size_t length, uint8_t* out,
                           size_t capacity) {
  const size_t total = kImprovHeaderBytes + 2 + length + 2;
  if (length > kImprovMaxData || total > capacity) return 0;
  size_t at = 0;
  memcpy(out, kImprovHeader, kImprovHeaderBytes);
  at += kImprovHeaderBytes;
  out[at++] = static_cast<uint8_t>(type);
  out[at++] = static_cast<uint8_t>(length);
  if (length > 0) memcpy(out + at, data, length);
  at += length;
  uint8_t sum = 0;
  for (size_t i = 0; i < at; ++i) sum = static_cast<uint8_t>(sum + out[i]);
  out[at++] = sum;
  out[at++] = '\n';
  return at;
}

size_t write_improv_state(ImprovState state, uint8_t* out, size_t capacity) {
  const uint8_t data = static_cast<uint8_t>(state);
  return write_improv_packet(ImprovType::current_state, &data, 1, out, capacity);
}

size_t write_improv_error(ImprovError error, uint8_t* out, size_t capacity) {
  const uint8_t data = static_cast<uint8_t>(error);
  return write_improv_packet(ImprovType::error_state, &data, 1, out, capacity);
}

namespace {

// Copies a length-prefixed string at data[*at] into out (capacity max + 1),
// advancing *at; false when it runs past the end, is longer than max or
// holds a NUL.
bool take_string(const uint8_t* data, size_t end, size_t* at, size_t min, size_t max, char* out) {
  if (*at >= end) return false;
  const size_t length = data[*at];
  *at += 1;
  if (length < min || length > max || length > end - *at) return false;
  if (memchr(data + *at, 0, length) != nullptr) return false;
  memcpy(out, data + *at, length);
  out[length] = '\0';
  *at += length;
  return true;
}

}  // namespace

ImprovError parse_improv_rpc(const uint8_t* data, size_t length, ImprovRpc* out) {
  out->command = 0;
  out->wifi.ssid[0] = '\0';
  out->wifi.password[0] = '\0';
  if (length < 2 || data[1] != length - 2) return ImprovError::invalid_rpc;
  out->command = data[0];
  if (out->command != static_cast<uint8_t>(ImprovCommand::wifi_settings)) return ImprovError::none;
  size_t at = 2;
  if (!take_string(data, length, &at, 1, kMaxSsidBytes, out->wifi.ssid) ||
      !take_string(data, length, &at, 0, kMaxWifiPasswordBytes, out->wifi.password) || at != length) {
    out->wifi.ssid[0] = '\0';
    out->wifi.password[0] = '\0';
    return ImprovError::invalid_rpc;
  }
  return ImprovError::none;
}

ImprovResult::ImprovResult(ImprovCommand command) {
  data_[0] = static_cast<uint8_t>(command);
  data_[1] = 0;
}

bool ImprovResult::add(const char* text, size_t length) {
  // A string's length is one byte, and so is the total after the command.
  if (length > 255 || length_ + 1 + length > kImprovMaxData) return false;
  data_[length_++] = static_cast<uint8_t>(length);
  if (length > 0) memcpy(data_ + length_, text, length);
  length_ += length;
  data_[1] = static_cast<uint8_t>(length_ - 2);
  ++strings_;
  return true;
}

bool ImprovResult::add(const char* text) { return add(text, strlen(text)); }

size_t ImprovResult::write_packet(uint8_t* out, size_t capacity) const {
  if (length_ != '\n') return write_improv_packet(ImprovType::rpc_result, data_, length_, out, capacity);
  ImprovResult padded = *this;
  padded.add("", 0);
  return write_improv_packet(ImprovType::rpc_result, padded.data_, padded.length_, out, capacity);
}

}  // namespace hearth
