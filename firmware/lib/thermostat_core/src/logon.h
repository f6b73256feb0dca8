// Logon v2 (docs/protocol.md "Identity" and "Logging on"): the thermostat's
// ECDSA P-256 key pair, the broker host it signs for, the CHALLENGE nonce and
// the signature over "hearth-logon-v2|<nonce>|<host>". BearSSL's i15 code
// with br_ec_p256_m15 is used: the ESP8266 has no 32x32->64 multiplier, and
// it is BearSSL's smallest P-256 code.
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

constexpr size_t kPrivateKeyBytes = 32;
constexpr size_t kPublicKeyBytes = 65;   // uncompressed: 0x04 || X || Y
constexpr size_t kSignatureBytes = 64;   // r || s
constexpr size_t kChallengeNonceBytes = 32;
// A DNS name is at most 253 characters, plus ":65535".
constexpr size_t kMaxBrokerHostLength = 253 + 6;

// BearSSL's P-256 code needs about 4.4 KB of stack on the ESP8266 (measured
// with -fstack-usage: ECDSA signing through mul20), more than the Arduino
// loop's 4 KB stack leaves. The ESP8266 core runs BearSSL on a second stack
// for this (StackThunk); the glue gives the core a runner that does the
// same: it calls job(context) on that stack and returns. Without one (the
// host) jobs run on the caller's stack. Set it once, before Thermostat::begin.
using StackRunner = void (*)(void (*job)(void*), void* context);
void use_crypto_stack(StackRunner runner);
// Runs job(context) on that stack (members.h's ECDH and HKDF use it too).
void run_on_crypto_stack(void (*job)(void*), void* context);

// 1 <= k < n, the order of P-256: the only valid private keys.
bool valid_private_key(const uint8_t key[kPrivateKeyBytes]);

// Draws 32 random bytes until they form a valid private key (a retry is
// needed with probability about 2^-32). Fails with the Random port's error.
Status make_private_key(Random& random, uint8_t out[kPrivateKeyBytes]);

// The uncompressed public key of a valid private key.
Status derive_public_key(const uint8_t private_key[kPrivateKeyBytes],
                         uint8_t out[kPublicKeyBytes]);

// What WHATWG `new URL(url).host` gives for a ws:// or wss:// URL: the host
// in lowercase, with ":port" only when the port is not the scheme's default
// (80, 443). NUL-terminated. bad_format for anything else, including hosts
// that URL parsers rewrite (IPv6 literals, non-ASCII names, numeric hosts
// other than a plain dotted quad), so that both ends always agree.
Result<size_t> broker_host_from_url(const char* url, char* out, size_t capacity);

// The broker URL as the ESP8266 glue dials it. The device's WebSocket
// library (links2004/WebSockets) always sends "Host: <host>:<port>", port
// included, and the broker checks the logon signature against the Host it
// received: so the device signs host_header, not the URL().host form above.
// Refuses credentials, fragments, port 0 and hosts broker_host_from_url
// refuses; a URL without a path gets "/ws".
struct DeviceBrokerUrl {
  bool tls;
  uint16_t port;
  char host[254];
  char host_header[254 + 6];
  char path[128];
};
Status parse_device_broker_url(const char* url, DeviceBrokerUrl* out);

// A CHALLENGE nonce: strict base64url of exactly 32 bytes.
bool is_challenge_nonce(const char* text, size_t length);

// ECDSA P-256 with SHA-256 over "hearth-logon-v2|<nonce>|<host>", r || s.
// BearSSL derives k from the key and the hash (RFC 6979): no randomness.
Status sign_logon(const uint8_t private_key[kPrivateKeyBytes], const char* nonce,
                  const char* host, uint8_t out[kSignatureBytes]);

}  // namespace hearth
