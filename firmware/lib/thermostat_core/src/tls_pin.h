// How the thermostat trusts a wss:// broker (README.md "Broker over TLS"):
// by the built-in roots, or by the one certificate the user pinned. The
// WebSockets library on the ESP8266 pins a certificate by its SHA-1
// fingerprint, so that is what the user types on the serial console.
#pragma once
#include "core_types.h"

namespace hearth {

constexpr size_t kFingerprintBytes = 20;

// 40 hex digits, either case, optionally in pairs separated by ':' or ' '
// (as `openssl x509 -fingerprint -sha1` prints them). bad_format otherwise;
// out is written only on success.
Status parse_certificate_fingerprint(const char* text, size_t length,
                                     uint8_t out[kFingerprintBytes]);

}  // namespace hearth
