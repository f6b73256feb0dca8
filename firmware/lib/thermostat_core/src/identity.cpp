#include "identity.h"

#include <string.h>

namespace hearth {

namespace {

constexpr size_t kBody = 3 + kPrivateKeyBytes + kKeyBytes;

// Derives the public key and the ID from identity.private_key.
Status complete_identity(Identity& identity) {
  const Status status = derive_public_key(identity.private_key, identity.public_key);
  if (status != Error::none) return status;
  id_from_public_key(identity.public_key, kPublicKeyBytes, identity.id);
  return Error::none;
}

// One copy as read: none with the decoded identity, or why not.
Error read_copy(Storage& storage, Blob copy, uint8_t blob[kIdentityBlobSize],
                StoredIdentity* out) {
  uint8_t buffer[kIdentityBlobSize + 1];
  const Result<size_t> stored = storage.read(copy, buffer, sizeof buffer);
  if (!stored.ok()) {
    if (stored.error == Error::not_found) return Error::not_found;
    // A copy larger than any identity is a size mismatch like a short one.
    return stored.error == Error::too_large ? Error::corrupt : Error::io;
  }
  if (decode_identity(buffer, stored.value, out) != Error::none) return Error::corrupt;
  memcpy(blob, buffer, kIdentityBlobSize);
  memset(buffer, 0, sizeof buffer);
  return Error::none;
}

}  // namespace

size_t encode_identity(const Identity& identity, uint8_t out[kIdentityBlobSize]) {
  out[0] = 'H';
  out[1] = 'I';
  out[2] = kIdentityVersion;
  memcpy(out + 3, identity.private_key, kPrivateKeyBytes);
  memcpy(out + 3 + kPrivateKeyBytes, identity.key, kKeyBytes);
  store_le32(out + kBody, checksum32(out, kBody));
  return kIdentityBlobSize;
}

Status decode_identity(const uint8_t* blob, size_t length, StoredIdentity* out) {
  if (length != kIdentityBlobSize || blob[0] != 'H' || blob[1] != 'I') return Error::corrupt;
  if (blob[2] != 1 && blob[2] != kIdentityVersion) return Error::corrupt;
  if (load_le32(blob + kBody) != checksum32(blob, kBody)) return Error::corrupt;
  memset(out, 0, sizeof *out);
  out->version = blob[2];
  memcpy(out->identity.key, blob + 3 + kPrivateKeyBytes, kKeyBytes);
  if (out->version == kIdentityVersion) {
    memcpy(out->identity.private_key, blob + 3, kPrivateKeyBytes);
    if (complete_identity(out->identity) != Error::none) {
      memset(out, 0, sizeof *out);
      return Error::corrupt;
    }
  }
  return Error::none;
}

Status write_identity_copy(Storage& storage, Blob copy, const Identity& identity) {
  uint8_t blob[kIdentityBlobSize];
  encode_identity(identity, blob);
  const Status status = storage.write(copy, blob, sizeof blob);
  memset(blob, 0, sizeof blob);
  return status;
}

Status create_identity(Storage& storage, Random& random, const uint8_t* keep_key,
                       IdentityLoad* out) {
  Identity identity{};
  Status status = make_private_key(random, identity.private_key);
  if (status == Error::none) {
    if (keep_key != nullptr) {
      memcpy(identity.key, keep_key, kKeyBytes);
    } else {
      status = random.fill(identity.key, kKeyBytes);
    }
  }
  if (status == Error::none) status = complete_identity(identity);
  if (status == Error::none) status = write_identity_copy(storage, Blob::identity, identity);
  out->first_copy_written = status == Error::none;
  if (status != Error::none) {
    memset(&identity, 0, sizeof identity);
    return status;
  }
  // The second copy follows at once, whatever the first one reads back as:
  // the less time the copies disagree, the less a copy that is unreadable
  // for a while can bring the previous identity back.
  out->copies.backup = write_identity_copy(storage, Blob::identity_backup, identity);
  // Read back, so that a key is never handed out that would not survive a reboot.
  uint8_t blob[kIdentityBlobSize];
  StoredIdentity again{};
  const Error read = read_copy(storage, Blob::identity, blob, &again);
  if (read != Error::none || again.version != kIdentityVersion ||
      memcmp(&again.identity, &identity, sizeof identity) != 0) {
    out->copies.primary = read == Error::none ? Error::io : read;
    memset(&identity, 0, sizeof identity);
    memset(&again, 0, sizeof again);
    return out->copies.primary;
  }
  // The first copy holds it now: a failed second copy is only behind.
  out->identity = identity;
  out->copies.primary = Error::none;
  out->copy_behind = out->copies.backup != Error::none;
  out->behind = Blob::identity_backup;
  memset(&identity, 0, sizeof identity);
  memset(&again, 0, sizeof again);
  return Error::none;
}

Status load_identity(Storage& storage, Random& random, IdentityLoad* out) {
  *out = IdentityLoad();
  uint8_t primary_blob[kIdentityBlobSize];
  uint8_t backup_blob[kIdentityBlobSize];
  StoredIdentity primary{};
  StoredIdentity backup{};
  out->copies.primary = read_copy(storage, Blob::identity, primary_blob, &primary);
  out->copies.backup = read_copy(storage, Blob::identity_backup, backup_blob, &backup);
  const bool primary_good = out->copies.primary == Error::none;
  const bool backup_good = out->copies.backup == Error::none;

  Status status = Error::none;
  if (primary_good && primary.version == kIdentityVersion) {
    // Both copies are written first-copy-first, so when both decode and
    // differ (power lost between the two writes) the first is the newer.
    out->identity = primary.identity;
    if (!backup_good || memcmp(primary_blob, backup_blob, kIdentityBlobSize) != 0) {
      out->copy_behind = true;
      out->behind = Blob::identity_backup;
    }
  } else if (backup_good && backup.version == kIdentityVersion) {
    out->identity = backup.identity;
    out->copy_behind = true;
    out->behind = Blob::identity;
  } else if (primary_good || backup_good) {
    // A version 1 identity: its AES key stays, so phones stay paired; its
    // logon secret cannot sign, so a new key pair (and with it a new ID) is made.
    status = create_identity(storage, random,
                             primary_good ? primary.identity.key : backup.identity.key, out);
    out->migrated = status == Error::none;
  } else if (out->copies.primary == Error::not_found && out->copies.backup == Error::not_found) {
    status = create_identity(storage, random, nullptr, out);
    out->created = status == Error::none;
  } else {
    // Unreadable or damaged, and no good copy: never re-key silently, a new
    // key would unpair every phone. The caller shows the fault and retries.
    status = out->copies.primary == Error::io || out->copies.backup == Error::io ? Error::io
                                                                                  : Error::corrupt;
  }
  memset(&primary, 0, sizeof primary);
  memset(&backup, 0, sizeof backup);
  memset(primary_blob, 0, sizeof primary_blob);
  memset(backup_blob, 0, sizeof backup_blob);
  if (status != Error::none) return status;

  if (out->copy_behind) {
    const Error written = write_identity_copy(storage, out->behind, out->identity);
    out->copy_behind = written != Error::none;
    (out->behind == Blob::identity ? out->copies.primary : out->copies.backup) = written;
  }
  return Error::none;
}

Result<size_t> pairing_link(const Identity& identity, const char* app_url, char* out,
                            size_t capacity) {
  const size_t url_length = strlen(app_url);
  const size_t needed = url_length + 6 + kIdLength + 1 + base64url_length(kKeyBytes) + 1;
  if (needed > capacity) return Result<size_t>::failure(Error::too_large);
  size_t o = 0;
  memcpy(out + o, app_url, url_length);
  o += url_length;
  memcpy(out + o, "#pair=", 6);
  o += 6;
  memcpy(out + o, identity.id, kIdLength);
  o += kIdLength;
  out[o++] = '.';
  o += base64url_encode(identity.key, kKeyBytes, out + o, capacity - o).value;
  return Result<size_t>::success(o);
}

}  // namespace hearth
