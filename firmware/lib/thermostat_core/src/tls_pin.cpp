#include "tls_pin.h"

namespace hearth {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Status parse_certificate_fingerprint(const char* text, size_t length,
                                     uint8_t out[kFingerprintBytes]) {
  uint8_t bytes[kFingerprintBytes];
  size_t count = 0;
  size_t i = 0;
  while (i < length) {
    if (count > 0 && (text[i] == ':' || text[i] == ' ')) {
      ++i;  // one separator between pairs, never leading
      if (i >= length) return Error::bad_format;
    }
    if (count == kFingerprintBytes || i + 1 >= length) return Error::bad_format;
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return Error::bad_format;
    bytes[count++] = static_cast<uint8_t>(high << 4 | low);
    i += 2;
  }
  if (count != kFingerprintBytes) return Error::bad_format;
  for (size_t b = 0; b < kFingerprintBytes; ++b) out[b] = bytes[b];
  return Error::none;
}

}  // namespace hearth
