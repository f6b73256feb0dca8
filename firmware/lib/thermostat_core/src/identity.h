// The thermostat's identity (docs/protocol.md "Identity", "Keys and pairing"):
// an ECDSA P-256 key pair whose public key names its ID, and the AES key the
// phones are paired with. Kept in two copies so that one bad copy never
// costs the identity, and made anew only on a fresh device or a factory reset
// (docs/protocol.md "What the thermostat does, whatever it is told").
#pragma once
#include "codec.h"
#include "core_types.h"
#include "logon.h"
#include "ports.h"

namespace hearth {

struct Identity {
  uint8_t private_key[kPrivateKeyBytes];
  uint8_t public_key[kPublicKeyBytes];  // derived
  uint8_t key[kKeyBytes];               // AES-256 pairing key
  char id[kIdLength + 1];               // derived
};

// Blob, each copy: "HI", version, private key, AES key, checksum32 of what
// precedes. Version 1 held the 32-byte logon secret where the private key is.
constexpr uint8_t kIdentityVersion = 2;
constexpr size_t kIdentityBlobSize = 3 + kPrivateKeyBytes + kKeyBytes + 4;

size_t encode_identity(const Identity& identity, uint8_t out[kIdentityBlobSize]);

struct StoredIdentity {
  uint8_t version;    // 1: only identity.key is meaningful (it is migrated)
  Identity identity;  // version 2: public key and ID derived
};
// corrupt for a wrong length, magic, version or checksum, or a private key
// out of range. Written into *out (not returned) to keep the stack small.
Status decode_identity(const uint8_t* blob, size_t length, StoredIdentity* out);

// What each copy held when last read: none (a good copy), not_found, io
// (storage could not read it) or corrupt (anything that does not decode,
// also an empty, truncated or oversized copy); for a copy rewritten since,
// how that write went (none or the storage's error).
struct IdentityCopies {
  Error primary = Error::not_found;
  Error backup = Error::not_found;
};

struct IdentityLoad {
  Identity identity{};
  IdentityCopies copies;
  bool created = false;   // a fresh device: neither copy existed
  bool migrated = false;  // from a version 1 blob: new key pair, same AES key
  // A copy that still has to be written from `identity` (a repair or the
  // second copy of a new identity failed); the other copy holds it.
  bool copy_behind = false;
  Blob behind = Blob::identity_backup;
  // create_identity wrote the first copy (even if it then failed): the
  // identity stored before is no longer the one a reboot finds first.
  bool first_copy_written = false;
};

// Loads the identity from whichever copy decodes and rewrites the other one
// from it. A new identity is made only when both copies are not_found; a
// version 1 copy keeps its AES key and gets a new key pair. Anything else
// (io, corrupt, in either combination) fails with io or corrupt, and nothing
// is written. out->copies is filled in every case.
Status load_identity(Storage& storage, Random& random, IdentityLoad* out);

// Makes a new identity and stores both copies (the first one read back
// before anything is handed out). keep_key: the AES key to keep, or null for
// a new one. Used on a fresh device, for migration and for a factory reset.
// When it fails, out->first_copy_written says whether storage changed.
Status create_identity(Storage& storage, Random& random, const uint8_t* keep_key,
                       IdentityLoad* out);

// Writes one copy of the identity (a repair).
Status write_identity_copy(Storage& storage, Blob copy, const Identity& identity);

// "<app_url>#pair=<ID>.<base64url(K)>", NUL-terminated.
Result<size_t> pairing_link(const Identity& identity, const char* app_url, char* out,
                            size_t capacity);

}  // namespace hearth
