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
  memset(blob, 0, kIdentityBlobSize);
  memcpy(blob, buffer, stored.value);  // a reset's mark is shorter than an identity
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

size_t encode_reset_mark(const char* new_id, uint8_t out[kIdentityResetBlobSize]) {
  out[0] = 'H';
  out[1] = 'I';
  out[2] = kIdentityResetMark;
  memcpy(out + 3, new_id, kIdLength);
  store_le32(out + 3 + kIdLength, checksum32(out, 3 + kIdLength));
  return kIdentityResetBlobSize;
}

Status decode_identity(const uint8_t* blob, size_t length, StoredIdentity* out) {
  if (length == kIdentityResetBlobSize && blob[0] == 'H' && blob[1] == 'I' &&
      blob[2] == kIdentityResetMark) {
    if (load_le32(blob + 3 + kIdLength) != checksum32(blob, 3 + kIdLength)) return Error::corrupt;
    memset(out, 0, sizeof *out);
    out->version = kIdentityResetMark;
    memcpy(out->reset_to, blob + 3, kIdLength);
    return Error::none;
  }
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

namespace {

// A new key pair, with keep_key as its AES key or a new one.
Status make_identity(Random& random, const uint8_t* keep_key, Identity* out) {
  Status status = make_private_key(random, out->private_key);
  if (status == Error::none) {
    if (keep_key != nullptr) {
      memcpy(out->key, keep_key, kKeyBytes);
    } else {
      status = random.fill(out->key, kKeyBytes);
    }
  }
  if (status == Error::none) status = complete_identity(*out);
  return status;
}

// Writes both copies of a new identity, primary first, and reads the primary
// back. Wipes *identity.
Status store_identity(Storage& storage, Identity* identity, IdentityLoad* out) {
  const Status first = write_identity_copy(storage, Blob::identity, *identity);
  if (first != Error::none) {
    out->copies.primary = first;
    memset(identity, 0, sizeof *identity);
    return first;
  }
  // The second copy follows at once, whatever the first one reads back as:
  // the less time the copies disagree, the less a copy that is unreadable
  // for a while can hold up the new identity.
  out->copies.backup = write_identity_copy(storage, Blob::identity_backup, *identity);
  // Read back, so that a key is never handed out that would not survive a reboot.
  uint8_t blob[kIdentityBlobSize];
  StoredIdentity again{};
  const Error read = read_copy(storage, Blob::identity, blob, &again);
  const bool same = read == Error::none && again.version == kIdentityVersion &&
                    memcmp(&again.identity, identity, sizeof *identity) == 0;
  memset(&again, 0, sizeof again);
  memset(blob, 0, sizeof blob);
  if (!same) {
    out->copies.primary = read == Error::none ? Error::io : read;
    memset(identity, 0, sizeof *identity);
    return out->copies.primary;
  }
  // The first copy holds it now: a failed second copy is only behind.
  out->identity = *identity;
  out->copies.primary = Error::none;
  out->copy_behind = out->copies.backup != Error::none;
  out->behind = Blob::identity_backup;
  memset(identity, 0, sizeof *identity);
  return Error::none;
}

}  // namespace

Status create_identity(Storage& storage, Random& random, const uint8_t* keep_key,
                       IdentityLoad* out) {
  Identity identity{};
  const Status status = make_identity(random, keep_key, &identity);
  if (status != Error::none) {
    memset(&identity, 0, sizeof identity);
    return status;
  }
  return store_identity(storage, &identity, out);
}

Status reset_identity(Storage& storage, Random& random, IdentityLoad* out) {
  Identity identity{};
  Status status = make_identity(random, nullptr, &identity);
  uint8_t mark[kIdentityResetBlobSize];
  if (status == Error::none) {
    // The revocation comes first: until the mark is stored the backup still
    // holds the identity before, which one unreadable primary would bring back.
    encode_reset_mark(identity.id, mark);
    status = storage.write(Blob::identity_backup, mark, sizeof mark);
    out->copies.backup = status;
  }
  if (status != Error::none) {
    memset(&identity, 0, sizeof identity);
    return status;
  }
  out->revoked = true;
  // Then over the primary too: from then on the old identity is in neither
  // copy, so not even a damaged mark could let it be read again.
  status = storage.write(Blob::identity, mark, sizeof mark);
  out->copies.primary = status;
  if (status != Error::none) {
    memset(&identity, 0, sizeof identity);
    return status;
  }
  return store_identity(storage, &identity, out);
}

Status load_identity(Storage& storage, Random& random, IdentityLoad* out) {
  *out = IdentityLoad();
  uint8_t primary_blob[kIdentityBlobSize];
  uint8_t backup_blob[kIdentityBlobSize];
  StoredIdentity primary{};
  StoredIdentity backup{};
  out->copies.primary = read_copy(storage, Blob::identity, primary_blob, &primary);
  out->copies.backup = read_copy(storage, Blob::identity_backup, backup_blob, &backup);
  const Error primary_read = out->copies.primary;
  const Error backup_read = out->copies.backup;
  const auto holds = [](Error read, const StoredIdentity& copy, uint8_t version) {
    return read == Error::none && copy.version == version;
  };
  const bool primary_current = holds(primary_read, primary, kIdentityVersion);
  const bool backup_current = holds(backup_read, backup, kIdentityVersion);
  const bool primary_v1 = holds(primary_read, primary, 1);
  const bool backup_v1 = holds(backup_read, backup, 1);
  const bool primary_mark = holds(primary_read, primary, kIdentityResetMark);
  const bool backup_mark = holds(backup_read, backup, kIdentityResetMark);

  enum class Next { adopt, fault, finish_reset, migrate, create } next = Next::fault;
  if (primary_mark || backup_mark) {
    // A reset under way: beside its mark only the identity it made is adopted.
    const bool other_is_primary = backup_mark;
    const StoredIdentity& mark = other_is_primary ? backup : primary;
    const StoredIdentity& other = other_is_primary ? primary : backup;
    const Error other_read = other_is_primary ? primary_read : backup_read;
    if (holds(other_read, other, kIdentityVersion) && strcmp(other.identity.id, mark.reset_to) == 0) {
      out->identity = other.identity;
      out->copy_behind = true;
      out->behind = other_is_primary ? Blob::identity_backup : Blob::identity;
      next = Next::adopt;
    } else if (other_read == Error::io || other_read == Error::corrupt) {
      // Perhaps the reset's new identity, perhaps the revoked one: wait for it.
    } else {
      next = Next::finish_reset;
    }
  } else if (primary_current && backup_read != Error::io) {
    // Both copies are written first-copy-first, so when both decode and
    // differ (power lost between the two writes) the first is the newer.
    out->identity = primary.identity;
    if (!backup_current || memcmp(primary_blob, backup_blob, kIdentityBlobSize) != 0) {
      out->copy_behind = true;
      out->behind = Blob::identity_backup;
    }
    next = Next::adopt;
  } else if (primary_current) {
    // An unreadable backup may be the mark of a reset that power cut short
    // before the primary was rewritten: this primary may be revoked.
  } else if (backup_current) {
    out->identity = backup.identity;
    out->copy_behind = true;
    out->behind = Blob::identity;
    next = Next::adopt;
  } else if ((primary_v1 || backup_v1) && (primary_v1 || primary_read == Error::not_found) &&
             (backup_v1 || backup_read == Error::not_found)) {
    // Only beside another version 1 copy or none: beside one that cannot be
    // read or is damaged, a version 1 copy is no proof that nothing newer exists.
    next = Next::migrate;
  } else if (primary_read == Error::not_found && backup_read == Error::not_found) {
    next = Next::create;
  }

  Status status = Error::none;
  switch (next) {
    case Next::adopt:
      break;
    case Next::finish_reset:
      // The user asked for a new identity and the mark says so: a new reset,
      // with a mark of its own, since the one found names an identity that
      // can no longer be made.
      status = reset_identity(storage, random, out);
      out->reset_finished = status == Error::none;
      break;
    case Next::migrate:
      // A version 1 identity: its AES key stays, so phones stay paired; its
      // logon secret cannot sign, so a new key pair (and with it a new ID) is made.
      status = create_identity(storage, random,
                               primary_v1 ? primary.identity.key : backup.identity.key, out);
      out->migrated = status == Error::none;
      break;
    case Next::create:
      status = create_identity(storage, random, nullptr, out);
      out->created = status == Error::none;
      break;
    case Next::fault:
      // Unreadable or damaged, and no good copy: never re-key silently, a new
      // key would unpair every phone. The caller shows the fault and retries.
      status = primary_read == Error::io || backup_read == Error::io ? Error::io : Error::corrupt;
      break;
  }
  memset(&primary, 0, sizeof primary);
  memset(&backup, 0, sizeof backup);
  memset(primary_blob, 0, sizeof primary_blob);
  memset(backup_blob, 0, sizeof backup_blob);
  if (status != Error::none) return status;

  if (out->copy_behind && next == Next::adopt) {
    const Error written = write_identity_copy(storage, out->behind, out->identity);
    out->copy_behind = written != Error::none;
    (out->behind == Blob::identity ? out->copies.primary : out->copies.backup) = written;
  }
  return Error::none;
}

Result<size_t> pairing_link(const char* id, const uint8_t secret[kKeyBytes], const char* app_url,
                            char* out, size_t capacity) {
  const size_t url_length = strlen(app_url);
  if (pairing_link_bytes(url_length) > capacity) return Result<size_t>::failure(Error::too_large);
  size_t o = 0;
  memcpy(out + o, app_url, url_length);
  o += url_length;
  memcpy(out + o, "#pair=", 6);
  o += 6;
  memcpy(out + o, id, kIdLength);
  o += kIdLength;
  out[o++] = '.';
  o += base64url_encode(secret, kKeyBytes, out + o, capacity - o).value;
  return Result<size_t>::success(o);
}

Result<size_t> pairing_link(const Identity& identity, const char* app_url, char* out,
                            size_t capacity) {
  return pairing_link(identity.id, identity.key, app_url, out, capacity);
}

}  // namespace hearth
