// The thermostat's logon secret, ID and AES key (docs/protocol.md "Identity",
// "Keys and pairing"), made once from the random source and kept in storage.
#pragma once
#include "codec.h"
#include "core_types.h"
#include "ports.h"

namespace hearth {

struct Identity {
  uint8_t secret[kSecretBytes];
  uint8_t key[kKeyBytes];
  char id[kIdLength + 1];
};

constexpr size_t kIdentityBlobSize = 2 + 1 + kSecretBytes + kKeyBytes + 4;

size_t encode_identity(const Identity& identity, uint8_t out[kIdentityBlobSize]);
Result<Identity> decode_identity(const uint8_t* blob, size_t length);

// Loads the identity, or makes and stores a new one when there is none or it
// is corrupt. Fails (no_random, io) without inventing weak keys.
Result<Identity> load_or_create_identity(Storage& storage, Random& random);

// "<app_url>#pair=<ID>.<base64url(K)>", NUL-terminated.
Result<size_t> pairing_link(const Identity& identity, const char* app_url, char* out,
                            size_t capacity);

}  // namespace hearth
