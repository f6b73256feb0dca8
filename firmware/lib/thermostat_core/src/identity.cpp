#include "identity.h"

#include <string.h>

namespace hearth {

size_t encode_identity(const Identity& identity, uint8_t out[kIdentityBlobSize]) {
  out[0] = 'H';
  out[1] = 'I';
  out[2] = 1;
  memcpy(out + 3, identity.secret, kSecretBytes);
  memcpy(out + 3 + kSecretBytes, identity.key, kKeyBytes);
  const size_t body = 3 + kSecretBytes + kKeyBytes;
  store_le32(out + body, checksum32(out, body));
  return kIdentityBlobSize;
}

Result<Identity> decode_identity(const uint8_t* blob, size_t length) {
  const size_t body = 3 + kSecretBytes + kKeyBytes;
  if (length != kIdentityBlobSize || blob[0] != 'H' || blob[1] != 'I' || blob[2] != 1) {
    return Result<Identity>::failure(Error::corrupt);
  }
  if (load_le32(blob + body) != checksum32(blob, body)) {
    return Result<Identity>::failure(Error::corrupt);
  }
  Identity identity;
  memcpy(identity.secret, blob + 3, kSecretBytes);
  memcpy(identity.key, blob + 3 + kSecretBytes, kKeyBytes);
  id_from_secret(identity.secret, kSecretBytes, identity.id);
  return Result<Identity>::success(identity);
}

Result<Identity> load_or_create_identity(Storage& storage, Random& random) {
  uint8_t blob[kIdentityBlobSize + 1];
  const Result<size_t> stored = storage.read(Blob::identity, blob, sizeof blob);
  if (stored.ok()) {
    const Result<Identity> decoded = decode_identity(blob, stored.value);
    if (decoded.ok()) return decoded;
  } else if (stored.error != Error::not_found && stored.error != Error::too_large) {
    // An unreadable flash must not silently re-key the thermostat: a new key
    // would unpair every phone. Report it and let the glue retry.
    return Result<Identity>::failure(stored.error);
  }
  Identity identity;
  Status status = random.fill(identity.secret, kSecretBytes);
  if (status == Error::none) status = random.fill(identity.key, kKeyBytes);
  if (status != Error::none) return Result<Identity>::failure(status);
  id_from_secret(identity.secret, kSecretBytes, identity.id);
  encode_identity(identity, blob);
  status = storage.write(Blob::identity, blob, kIdentityBlobSize);
  if (status != Error::none) return Result<Identity>::failure(status);
  // Read back, so that a key is never handed out that would not survive a reboot.
  const Result<size_t> again = storage.read(Blob::identity, blob, sizeof blob);
  if (!again.ok()) return Result<Identity>::failure(again.error);
  const Result<Identity> check = decode_identity(blob, again.value);
  if (!check.ok() || memcmp(check.value.key, identity.key, kKeyBytes) != 0) {
    return Result<Identity>::failure(Error::io);
  }
  return check;
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
