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

// A factory reset under way: "HI", kIdentityResetMark, the ID of the identity
// the reset makes, checksum32 of what precedes. A reset writes it over both
// copies, backup first, before the new identity goes anywhere, so that from
// the first write on no copy can bring the identity before it back: beside a
// mark, only the identity it names is adopted; an unreadable or damaged copy
// beside it is a fault; anything else makes the reset finish.
constexpr uint8_t kIdentityResetMark = 'R';
constexpr size_t kIdentityResetBlobSize = 3 + kIdLength + 4;

size_t encode_identity(const Identity& identity, uint8_t out[kIdentityBlobSize]);
size_t encode_reset_mark(const char* new_id, uint8_t out[kIdentityResetBlobSize]);

struct StoredIdentity {
  uint8_t version;    // 1: only identity.key is meaningful (it is migrated)
  Identity identity;  // version 2: public key and ID derived
  // version kIdentityResetMark (nothing in identity): the one identity that
  // may be adopted beside this copy.
  char reset_to[kIdLength + 1];
};
// corrupt for a wrong length, magic, version or checksum, or a private key
// out of range. Written into *out (not returned) to keep the stack small.
Status decode_identity(const uint8_t* blob, size_t length, StoredIdentity* out);

// What each copy held when last read: none (it read and checked out: an
// identity or a reset's mark), not_found, io (storage could not read it) or
// corrupt (anything that does not decode, also an empty, truncated or
// oversized copy); for a copy rewritten since, how that write went (none or
// the storage's error).
struct IdentityCopies {
  Error primary = Error::not_found;
  Error backup = Error::not_found;
};

struct IdentityLoad {
  Identity identity{};
  IdentityCopies copies;
  bool created = false;   // a fresh device: neither copy existed
  bool migrated = false;  // from a version 1 blob: new key pair, same AES key
  bool reset_finished = false;  // a reset's mark was found and a new identity made
  // A copy that still has to be written from `identity` (a repair or the
  // second copy of a new identity failed); the other copy holds it.
  bool copy_behind = false;
  Blob behind = Blob::identity_backup;
  // reset_identity stored its mark (even if it then failed): the identity
  // stored before it is revoked, and no later load adopts it again.
  bool revoked = false;
};

// Loads the identity and rewrites the other copy from it:
// - a reset's mark in either copy: the identity it names, if the other copy
//   holds it; the other copy unreadable (io) or damaged: a fault; anything
//   else there (the identity the reset revoked, nothing, a version 1 blob):
//   the reset is finished, with a new identity;
// - else the primary, if it is good and the backup reads (an unreadable
//   backup may be a reset's mark written just before power was lost, so the
//   primary may hold a revoked identity: a fault until the backup reads);
// - else the backup, if it is good;
// - a version 1 copy beside another or none at all (not_found): migrated,
//   its AES key kept with a new key pair;
// - both not_found: a new identity (a fresh device);
// - anything else: io or corrupt, and nothing is written.
// out->copies is filled in every case.
Status load_identity(Storage& storage, Random& random, IdentityLoad* out);

// Makes a new identity and stores both copies, primary first (read back
// before anything is handed out). keep_key: the AES key to keep, or null for
// a new one. For a fresh device and for migration.
Status create_identity(Storage& storage, Random& random, const uint8_t* keep_key,
                       IdentityLoad* out);

// A factory reset: makes a new identity (new key pair, new AES key), writes
// the reset's mark over the backup, then over the primary, then the new
// identity as create_identity does. Fails without changing anything
// (out->revoked false) when no identity can be made or storage refuses the
// first mark; once that is stored (out->revoked), the identity before is
// never adopted again, and a failure later on is finished by the next
// load_identity.
Status reset_identity(Storage& storage, Random& random, IdentityLoad* out);

// Writes one copy of the identity (a repair).
Status write_identity_copy(Storage& storage, Blob copy, const Identity& identity);

// "<app_url>#pair=<ID>.<base64url(secret)>", NUL-terminated: an invitation's pairing link
// (docs/protocol.md "Keys and pairing"), or the old shared key's (pairing_link(identity, ...)).
// too_large, and nothing written, when it needs more than `capacity` bytes with its NUL.
Result<size_t> pairing_link(const char* id, const uint8_t secret[kKeyBytes], const char* app_url,
                            char* out, size_t capacity);
constexpr size_t pairing_link_bytes(size_t app_url_length) {
  return app_url_length + 6 + kIdLength + 1 + base64url_length(kKeyBytes) + 1;
}
Result<size_t> pairing_link(const Identity& identity, const char* app_url, char* out,
                            size_t capacity);

}  // namespace hearth
