// Encodings and cryptography of the wire contract: base64url, IDs, checksums
// and the AES-256-GCM envelope (docs/protocol.md "Identity" and "The envelope").
#pragma once
#include "core_types.h"
#include "ports.h"

namespace hearth {

constexpr size_t kIdLength = 22;
constexpr size_t kKeyBytes = 32;
constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;

constexpr size_t base64url_length(size_t bytes) { return (bytes * 4 + 2) / 3; }

// Writes base64url without padding plus a terminating NUL.
Result<size_t> base64url_encode(const uint8_t* data, size_t length, char* out, size_t capacity);
// Strict decoder: only the URL alphabet, no padding, canonical trailing bits.
Result<size_t> base64url_decode(const char* text, size_t length, uint8_t* out, size_t capacity);
// Standard base64 (RFC 4648 section 4) with its '=' padding, as OwnTracks' data
// is: the length a multiple of 4, and as strict as base64url_decode otherwise.
Result<size_t> base64_decode(const char* text, size_t length, uint8_t* out, size_t capacity);

// ID = first 22 characters of base64url(SHA-256(public key)); out gets 23 bytes.
void id_from_public_key(const uint8_t* public_key, size_t length, char out[kIdLength + 1]);
bool is_valid_id(const char* text, size_t length);

// First four bytes of SHA-256, used as the storage checksum.
uint32_t checksum32(const uint8_t* data, size_t length);

// 32-bit little-endian, the byte order of every stored blob's checksum,
// written byte by byte so that it does not depend on the CPU's order.
inline void store_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// The three parts of AAD = packet_type "|" transmitter "|" receiver.
struct EnvelopeAddress {
  const char* packet_type;
  const char* transmitter;
  const char* receiver;
};

// Opens "v1.<iv>.<ciphertext||tag>" into out. Nothing is returned (and out is
// wiped) unless the tag checks out: callers cannot act on unauthenticated data.
Result<size_t> envelope_open(const uint8_t key[kKeyBytes], const EnvelopeAddress& address,
                             const char* envelope, size_t envelope_length, uint8_t* out,
                             size_t capacity);

// Seals plaintext[0..length) with a fresh random IV. plaintext must have room
// for kTagBytes more; it is encrypted in place. Writes a NUL-terminated string.
Result<size_t> envelope_seal(const uint8_t key[kKeyBytes], const EnvelopeAddress& address,
                             Random& random, uint8_t* plaintext, size_t length, size_t capacity,
                             char* out, size_t out_capacity);

}  // namespace hearth
