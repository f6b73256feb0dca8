// XSalsa20-Poly1305 secret boxes as OwnTracks seals its HTTP payloads (libsodium's
// crypto_secretbox_easy, laid out nonce(24) ‖ tag(16) ‖ ciphertext). Only opening
// is needed: the thermostat never seals for a phone. Written from the public
// specifications (Bernstein, "Extending the Salsa20 nonce" and "Cryptography in
// NaCl"; Poly1305 as in RFC 8439 section 2.5), with no heap and no tables.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core_types.h"

namespace hearth {

constexpr size_t kSecretboxKeyBytes = 32;
constexpr size_t kSecretboxNonceBytes = 24;
constexpr size_t kSecretboxTagBytes = 16;
constexpr size_t kSecretboxOverhead = kSecretboxNonceBytes + kSecretboxTagBytes;

// Opens box = nonce ‖ tag ‖ ciphertext into out and returns the plaintext length
// (box_len - 40). bad_format: box shorter than 40 bytes; too_large: out_capacity is
// smaller than the plaintext; auth_failed: the tag does not verify (out is then
// left untouched, so callers cannot act on forged bytes). out may equal box + 40
// (opening in place) but must not overlap the box otherwise.
Result<size_t> secretbox_open(const uint8_t key[kSecretboxKeyBytes], const uint8_t* box,
                              size_t box_len, uint8_t* out, size_t out_capacity);

// OwnTracks' key: the secret's UTF-8 bytes cut or zero-padded to 32 bytes, no key
// derivation (so the secret itself must carry the entropy).
void owntracks_key(const char* secret, size_t length, uint8_t key[kSecretboxKeyBytes]);

// Poly1305 one-time authenticator (RFC 8439 section 2.5): tag of message under a
// 32-byte one-time key r ‖ s. Exposed for its RFC test vector.
void poly1305(const uint8_t one_time_key[32], const uint8_t* message, size_t length,
              uint8_t tag[16]);

}  // namespace hearth
