#include "logon.h"

#include <bearssl/bearssl.h>
#include <string.h>

#include "codec.h"

namespace hearth {

namespace {

// The order n of P-256, big-endian.
const uint8_t kP256Order[kPrivateKeyBytes] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

const char kLogonPrefix[] = "hearth-logon-v2|";

StackRunner g_crypto_stack = nullptr;

void run_crypto(void (*job)(void*), void* context) {
  if (g_crypto_stack != nullptr) {
    g_crypto_stack(job, context);
  } else {
    job(context);
  }
}

struct PublicKeyJob {
  const br_ec_private_key* private_key;
  uint8_t* out;
  size_t length;
};

void compute_public_key(void* context) {
  auto* job = static_cast<PublicKeyJob*>(context);
  job->length = br_ec_compute_pub(&br_ec_p256_m15, nullptr, job->out, job->private_key);
}

struct SignJob {
  const br_ec_private_key* private_key;
  const uint8_t* digest;
  uint8_t* out;
  size_t length;
};

void sign_digest(void* context) {
  auto* job = static_cast<SignJob*>(context);
  job->length = br_ecdsa_i15_sign_raw(&br_ec_p256_m15, &br_sha256_vtable, job->digest,
                                      job->private_key, job->out);
}

br_ec_private_key private_key_of(const uint8_t key[kPrivateKeyBytes]) {
  return br_ec_private_key{BR_EC_secp256r1, const_cast<uint8_t*>(key), kPrivateKeyBytes};
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
         c == '.' || c == '_';
}

// A URL parser reads a host whose last label looks like a number as an IPv4
// address in any of several notations (127.1, 0x7f.0.0.1, 010.0.0.1) and
// rewrites it; only the dotted quad it would write back is taken as it is.
bool ends_in_number(const char* host, size_t length) {
  if (length > 0 && host[length - 1] == '.') --length;
  size_t start = length;
  while (start > 0 && host[start - 1] != '.') --start;
  if (start == length) return false;
  if (length - start >= 2 && host[start] == '0' && lower(host[start + 1]) == 'x') return true;
  for (size_t i = start; i < length; ++i) {
    if (!is_digit(host[i])) return false;
  }
  return true;
}

bool is_canonical_ipv4(const char* host, size_t length) {
  size_t parts = 0;
  size_t i = 0;
  while (i <= length) {
    size_t end = i;
    while (end < length && host[end] != '.') ++end;
    const size_t digits = end - i;
    if (digits == 0 || digits > 3 || (digits > 1 && host[i] == '0')) return false;
    unsigned value = 0;
    for (size_t d = i; d < end; ++d) {
      if (!is_digit(host[d])) return false;
      value = value * 10 + unsigned(host[d] - '0');
    }
    if (value > 255) return false;
    ++parts;
    i = end + 1;
  }
  return parts == 4;
}

}  // namespace

void use_crypto_stack(StackRunner runner) { g_crypto_stack = runner; }

void run_on_crypto_stack(void (*job)(void*), void* context) { run_crypto(job, context); }

bool valid_private_key(const uint8_t key[kPrivateKeyBytes]) {
  bool zero = true;
  for (size_t i = 0; i < kPrivateKeyBytes; ++i) zero = zero && key[i] == 0;
  if (zero) return false;
  return memcmp(key, kP256Order, kPrivateKeyBytes) < 0;  // big-endian: byte order is number order
}

Status make_private_key(Random& random, uint8_t out[kPrivateKeyBytes]) {
  // 64 draws all out of range has probability 2^-2048: it means a broken source.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const Status status = random.fill(out, kPrivateKeyBytes);
    if (status != Error::none) return status;
    if (valid_private_key(out)) return Error::none;
  }
  memset(out, 0, kPrivateKeyBytes);
  return Error::no_random;
}

Status derive_public_key(const uint8_t private_key[kPrivateKeyBytes],
                         uint8_t out[kPublicKeyBytes]) {
  // BearSSL requires a valid key and does not check it.
  if (!valid_private_key(private_key)) return Error::corrupt;
  const br_ec_private_key sk = private_key_of(private_key);
  PublicKeyJob job{&sk, out, 0};
  run_crypto(compute_public_key, &job);
  return job.length == kPublicKeyBytes ? Error::none : Error::corrupt;
}

namespace {

// The parts of a ws:// or wss:// URL that both the signed host and the
// device's connection are made from, validated once.
struct UrlParts {
  bool tls;
  const char* host;
  size_t host_length;
  uint32_t port;
  bool has_credentials;
  const char* rest;  // from the first '/', '\\', '?' or '#' after the authority
};

Status split_url(const char* url, UrlParts* out) {
  size_t scheme = 0;
  while (url[scheme] != '\0' && url[scheme] != ':') ++scheme;
  uint32_t default_port;
  if (scheme == 2 && lower(url[0]) == 'w' && lower(url[1]) == 's') {
    default_port = 80;
  } else if (scheme == 3 && lower(url[0]) == 'w' && lower(url[1]) == 's' && lower(url[2]) == 's') {
    default_port = 443;
  } else {
    return Error::bad_format;
  }
  if (strncmp(url + scheme, "://", 3) != 0) return Error::bad_format;
  const char* authority = url + scheme + 3;
  size_t end = 0;
  while (authority[end] != '\0' && authority[end] != '/' && authority[end] != '\\' &&
         authority[end] != '?' && authority[end] != '#') {
    ++end;
  }
  // Credentials end at the last '@'.
  size_t host_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (authority[i] == '@') host_start = i + 1;
  }
  const char* host = authority + host_start;
  size_t host_length = 0;
  while (host_start + host_length < end && host[host_length] != ':') ++host_length;
  if (host_length == 0) return Error::bad_format;
  for (size_t i = 0; i < host_length; ++i) {
    if (!is_host_char(host[i])) return Error::bad_format;  // also IPv6 literals, '%' escapes and non-ASCII
  }
  if (ends_in_number(host, host_length) && !is_canonical_ipv4(host, host_length)) return Error::bad_format;

  uint32_t port = default_port;
  const char* port_text = host + host_length;
  const size_t port_length = end - host_start - host_length;
  if (port_length > 1) {
    port = 0;
    for (size_t i = 1; i < port_length; ++i) {
      if (!is_digit(port_text[i])) return Error::bad_format;
      port = port * 10 + uint32_t(port_text[i] - '0');
      if (port > 65535) return Error::bad_format;
    }
  }
  *out = UrlParts{default_port == 443, host, host_length, port, host_start != 0, authority + end};
  return Error::none;
}

size_t decimal(uint32_t value, char out[6]) {
  char digits[6];
  size_t n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

// host, then ":port" unless omitted; lowercase, NUL-terminated.
Result<size_t> write_host(const UrlParts& url, bool with_port, char* out, size_t capacity) {
  char port[6];
  const size_t port_length = with_port ? decimal(url.port, port) : 0;
  const size_t length = url.host_length + (with_port ? 1 + port_length : 0);
  if (length + 1 > capacity) return Result<size_t>::failure(Error::too_large);
  for (size_t i = 0; i < url.host_length; ++i) out[i] = lower(url.host[i]);
  if (with_port) {
    out[url.host_length] = ':';
    memcpy(out + url.host_length + 1, port, port_length);
  }
  out[length] = '\0';
  return Result<size_t>::success(length);
}

}  // namespace

Result<size_t> broker_host_from_url(const char* url, char* out, size_t capacity) {
  UrlParts parts;
  if (split_url(url, &parts) != Error::none) return Result<size_t>::failure(Error::bad_format);
  return write_host(parts, parts.port != (parts.tls ? 443u : 80u), out, capacity);
}

Status parse_device_broker_url(const char* url, DeviceBrokerUrl* out) {
  UrlParts parts;
  if (split_url(url, &parts) != Error::none || parts.has_credentials || parts.port == 0) {
    return Error::bad_format;
  }
  const char* rest = parts.rest;
  if (rest[0] == '\\' || strchr(rest, '#') != nullptr || strchr(rest, ' ') != nullptr) return Error::bad_format;
  DeviceBrokerUrl result;
  result.tls = parts.tls;
  result.port = static_cast<uint16_t>(parts.port);
  if (!write_host(parts, false, result.host, sizeof result.host).ok() ||
      !write_host(parts, true, result.host_header, sizeof result.host_header).ok()) {
    return Error::too_large;
  }
  // A URL with no path reaches the broker's WebSocket endpoint (docs/protocol.md "Transport").
  const char* path = rest[0] == '\0' ? "/ws" : rest;
  if (rest[0] == '?') return Error::bad_format;
  if (strlen(path) + 1 > sizeof result.path) return Error::too_large;
  memcpy(result.path, path, strlen(path) + 1);
  *out = result;
  return Error::none;
}
bool is_challenge_nonce(const char* text, size_t length) {
  if (length != base64url_length(kChallengeNonceBytes)) return false;
  uint8_t nonce[kChallengeNonceBytes];
  const Result<size_t> decoded = base64url_decode(text, length, nonce, sizeof nonce);
  return decoded.ok() && decoded.value == kChallengeNonceBytes;
}

Status sign_logon(const uint8_t private_key[kPrivateKeyBytes], const char* nonce,
                  const char* host, uint8_t out[kSignatureBytes]) {
  if (!valid_private_key(private_key)) return Error::corrupt;
  uint8_t digest[32];
  br_sha256_context sha;
  br_sha256_init(&sha);
  br_sha256_update(&sha, kLogonPrefix, sizeof kLogonPrefix - 1);
  br_sha256_update(&sha, nonce, strlen(nonce));
  br_sha256_update(&sha, "|", 1);
  br_sha256_update(&sha, host, strlen(host));
  br_sha256_out(&sha, digest);
  const br_ec_private_key sk = private_key_of(private_key);
  SignJob job{&sk, digest, out, 0};
  run_crypto(sign_digest, &job);
  return job.length == kSignatureBytes ? Error::none : Error::corrupt;
}

}  // namespace hearth
