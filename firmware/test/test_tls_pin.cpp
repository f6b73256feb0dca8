// The broker certificate pin typed on the serial console.
#include <doctest/doctest.h>
#include <string.h>

#include <initializer_list>

#include "tls_pin.h"

using namespace hearth;

namespace {
Status parse(const char* text, uint8_t out[kFingerprintBytes]) {
  return parse_certificate_fingerprint(text, strlen(text), out);
}
}  // namespace

TEST_CASE("a certificate fingerprint is read as openssl prints it, or as bare hex") {
  const uint8_t expected[kFingerprintBytes] = {0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F, 0x60, 0x71, 0x82, 0x93,
                                               0xA4, 0xB5, 0xC6, 0xD7, 0xE8, 0xF9, 0x00, 0xFF, 0x10, 0x01};
  for (const char* text : {"0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:00:FF:10:01",
                           "0a1b2c3d4e5f60718293a4b5c6d7e8f900ff1001",
                           "0a 1b 2c 3d 4e 5f 60 71 82 93 a4 b5 c6 d7 e8 f9 00 ff 10 01"}) {
    CAPTURE(text);
    uint8_t out[kFingerprintBytes] = {};
    REQUIRE(parse(text, out) == Error::none);
    CHECK(memcmp(out, expected, sizeof out) == 0);
  }
}

TEST_CASE("anything but exactly 20 bytes of hex is refused and leaves the old pin alone") {
  for (const char* text : {"", "0A", "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:00:FF:10",
                           "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:00:FF:10:01:02",
                           ":0A1B2C3D4E5F60718293A4B5C6D7E8F900FF1001",
                           "0A1B2C3D4E5F60718293A4B5C6D7E8F900FF1001:",
                           "0A::1B2C3D4E5F60718293A4B5C6D7E8F900FF1001",
                           "0G1B2C3D4E5F60718293A4B5C6D7E8F900FF1001",
                           "0A1B2C3D4E5F60718293A4B5C6D7E8F900FF100",
                           "none"}) {
    CAPTURE(text);
    uint8_t out[kFingerprintBytes];
    memset(out, 0x5A, sizeof out);
    CHECK(parse(text, out) == Error::bad_format);
    for (uint8_t byte : out) CHECK(byte == 0x5A);
  }
}
