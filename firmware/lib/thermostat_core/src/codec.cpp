#include "codec.h"

#include <bearssl/bearssl.h>
#include <string.h>

namespace hearth {

const char* error_name(Error e) {
  switch (e) {
    case Error::none: return "none";
    case Error::not_found: return "not_found";
    case Error::io: return "io";
    case Error::too_large: return "too_large";
    case Error::corrupt: return "corrupt";
    case Error::no_random: return "no_random";
    case Error::bad_format: return "bad_format";
    case Error::auth_failed: return "auth_failed";
  }
  return "unknown";
}

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648's two alphabets differ only in their last two characters.
int decode_char(char c, bool standard = false) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (standard ? '+' : '-')) return 62;
  if (c == (standard ? '/' : '_')) return 63;
  return -1;
}

// Unpadded base64 of either alphabet, strictly: no foreign characters, and
// the bits after the last byte zero, so that every byte string has one text.
Result<size_t> decode_base64_text(const char* text, size_t length, uint8_t* out, size_t capacity,
                                  bool standard) {
  if (length % 4 == 1) return Result<size_t>::failure(Error::bad_format);
  const size_t needed = length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1);
  if (needed > capacity) return Result<size_t>::failure(Error::too_large);
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < length; ++i) {
    const int v = decode_char(text[i], standard);
    if (v < 0) return Result<size_t>::failure(Error::bad_format);
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = uint8_t(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return Result<size_t>::failure(Error::bad_format);
  return Result<size_t>::success(o);
}

void gcm_start(br_gcm_context& gcm, br_aes_ct_ctr_keys& aes, const uint8_t key[kKeyBytes],
               const uint8_t iv[kIvBytes], const EnvelopeAddress& address) {
  br_aes_ct_ctr_init(&aes, key, kKeyBytes);
  br_gcm_init(&gcm, &aes.vtable, br_ghash_ctmul32);
  br_gcm_reset(&gcm, iv, kIvBytes);
  br_gcm_aad_inject(&gcm, address.packet_type, strlen(address.packet_type));
  br_gcm_aad_inject(&gcm, "|", 1);
  br_gcm_aad_inject(&gcm, address.transmitter, strlen(address.transmitter));
  br_gcm_aad_inject(&gcm, "|", 1);
  br_gcm_aad_inject(&gcm, address.receiver, strlen(address.receiver));
  br_gcm_flip(&gcm);
}

}  // namespace

Result<size_t> base64url_encode(const uint8_t* data, size_t length, char* out, size_t capacity) {
  const size_t needed = base64url_length(length);
  if (needed + 1 > capacity) return Result<size_t>::failure(Error::too_large);
  size_t o = 0;
  size_t i = 0;
  for (; i + 3 <= length; i += 3) {
    const uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
    out[o++] = kAlphabet[v & 63];
  }
  const size_t rest = length - i;
  if (rest == 1) {
    const uint32_t v = uint32_t(data[i]) << 16;
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8);
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
  }
  out[o] = '\0';
  return Result<size_t>::success(o);
}

Result<size_t> base64url_decode(const char* text, size_t length, uint8_t* out, size_t capacity) {
  return decode_base64_text(text, length, out, capacity, false);
}

Result<size_t> base64_decode(const char* text, size_t length, uint8_t* out, size_t capacity) {
  if (length % 4 != 0) return Result<size_t>::failure(Error::bad_format);
  size_t padding = 0;
  while (padding < 2 && padding < length && text[length - 1 - padding] == '=') ++padding;
  return decode_base64_text(text, length - padding, out, capacity, true);
}

void id_from_public_key(const uint8_t* public_key, size_t length, char out[kIdLength + 1]) {
  uint8_t digest[32];
  br_sha256_context sha;
  br_sha256_init(&sha);
  br_sha256_update(&sha, public_key, length);
  br_sha256_out(&sha, digest);
  char full[base64url_length(32) + 1];
  base64url_encode(digest, sizeof digest, full, sizeof full);
  memcpy(out, full, kIdLength);
  out[kIdLength] = '\0';
}

bool is_valid_id(const char* text, size_t length) {
  if (length != kIdLength) return false;
  for (size_t i = 0; i < length; ++i) {
    if (decode_char(text[i]) < 0) return false;
  }
  return true;
}

uint32_t checksum32(const uint8_t* data, size_t length) {
  uint8_t digest[32];
  br_sha256_context sha;
  br_sha256_init(&sha);
  br_sha256_update(&sha, data, length);
  br_sha256_out(&sha, digest);
  return (uint32_t(digest[0]) << 24) | (uint32_t(digest[1]) << 16) | (uint32_t(digest[2]) << 8) |
         digest[3];
}

Result<size_t> envelope_open(const uint8_t key[kKeyBytes], const EnvelopeAddress& address,
                             const char* envelope, size_t envelope_length, uint8_t* out,
                             size_t capacity) {
  static const char kPrefix[] = "v1.";
  constexpr size_t kIvChars = base64url_length(kIvBytes);
  if (envelope_length < 3 || memcmp(envelope, kPrefix, 3) != 0) {
    return Result<size_t>::failure(Error::bad_format);
  }
  const char* iv_text = envelope + 3;
  const size_t after_prefix = envelope_length - 3;
  if (after_prefix < kIvChars + 1 || iv_text[kIvChars] != '.') {
    return Result<size_t>::failure(Error::bad_format);
  }
  uint8_t iv[kIvBytes];
  const Result<size_t> iv_length = base64url_decode(iv_text, kIvChars, iv, sizeof iv);
  if (!iv_length.ok() || iv_length.value != kIvBytes) return Result<size_t>::failure(Error::bad_format);

  const char* body = iv_text + kIvChars + 1;
  const size_t body_length = after_prefix - kIvChars - 1;
  const Result<size_t> sealed = base64url_decode(body, body_length, out, capacity);
  if (!sealed.ok()) return sealed;
  if (sealed.value < kTagBytes) return Result<size_t>::failure(Error::bad_format);
  const size_t plain_length = sealed.value - kTagBytes;

  br_aes_ct_ctr_keys aes;
  br_gcm_context gcm;
  gcm_start(gcm, aes, key, iv, address);
  // BearSSL decrypts in place before the tag check; the plaintext is wiped
  // below unless the tag is good, so nobody can act on it.
  br_gcm_run(&gcm, 0, out, plain_length);
  if (!br_gcm_check_tag(&gcm, out + plain_length)) {
    memset(out, 0, sealed.value);
    return Result<size_t>::failure(Error::auth_failed);
  }
  memset(out + plain_length, 0, kTagBytes);
  return Result<size_t>::success(plain_length);
}

Result<size_t> envelope_seal(const uint8_t key[kKeyBytes], const EnvelopeAddress& address,
                             Random& random, uint8_t* plaintext, size_t length, size_t capacity,
                             char* out, size_t out_capacity) {
  if (length + kTagBytes > capacity) return Result<size_t>::failure(Error::too_large);
  const size_t needed = 3 + base64url_length(kIvBytes) + 1 + base64url_length(length + kTagBytes) + 1;
  if (needed > out_capacity) return Result<size_t>::failure(Error::too_large);
  uint8_t iv[kIvBytes];
  const Status random_status = random.fill(iv, sizeof iv);
  if (random_status != Error::none) return Result<size_t>::failure(random_status);

  br_aes_ct_ctr_keys aes;
  br_gcm_context gcm;
  gcm_start(gcm, aes, key, iv, address);
  br_gcm_run(&gcm, 1, plaintext, length);
  br_gcm_get_tag(&gcm, plaintext + length);

  memcpy(out, "v1.", 3);
  size_t o = 3;
  o += base64url_encode(iv, sizeof iv, out + o, out_capacity - o).value;
  out[o++] = '.';
  o += base64url_encode(plaintext, length + kTagBytes, out + o, out_capacity - o).value;
  return Result<size_t>::success(o);
}

}  // namespace hearth
