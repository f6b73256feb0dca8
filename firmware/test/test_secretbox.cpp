#include <doctest/doctest.h>

#include <string.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "secretbox.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// Standard padded base64 (RFC 4648 section 4), which OwnTracks' "data" uses; the core
// only has base64url. Returns false on anything else.
bool decode_base64(const std::string& text, std::vector<uint8_t>& out) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.clear();
  if (text.size() % 4 != 0) return false;
  uint32_t bits = 0;
  int count = 0;
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=') {
      if (i + 2 < text.size()) return false;
      ++padding;
      bits <<= 6;
    } else {
      const size_t value = alphabet.find(text[i]);
      if (value == std::string::npos || padding > 0) return false;
      bits = (bits << 6) | uint32_t(value);
    }
    if (++count == 4) {
      for (int k = 2; k >= 0; --k) out.push_back(uint8_t(bits >> (8 * k)));
      bits = 0;
      count = 0;
    }
  }
  out.resize(out.size() - padding);
  return true;
}

std::vector<uint8_t> key_of(const std::string& secret) {
  std::vector<uint8_t> key(kSecretboxKeyBytes);
  owntracks_key(secret.data(), secret.size(), key.data());
  return key;
}

Result<size_t> open(const std::string& secret, const std::vector<uint8_t>& box,
                    std::vector<uint8_t>& out) {
  out.assign(box.size(), 0);
  return secretbox_open(key_of(secret).data(), box.data(), box.size(), out.data(), out.size());
}

std::string as_text(const std::vector<uint8_t>& bytes, size_t length) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), length);
}

struct SealedCase {
  const char* why;
  const char* secret;
  const char* data;       // base64 of nonce ‖ tag ‖ ciphertext, sealed by libsodium
  const char* plaintext;  // nullptr: must not open
};

// Sealed with libsodium-wrappers' crypto_secretbox_easy (fixed nonces) and, for the
// first, taken from OwnTracks' EncryptionProviderTest.kt (owntracks/android).
const SealedCase kSealed[] = {
    {"OwnTracks' own Android test vector (secret \"123\")", "123",
     "aUiEKyGnskRz383od0mu4uqxTIxeZUddBVxKEmsdv1FFSH2y0NwqLP1tTqOmxaFhGv0bNX1DT7o81FW9Yaxpla6Byvr6CZ"
     "V3t2skQv8nlxiIv1ZpQWM1bqHE0JFHwD3/yRx9bLHRF3j67kWcO6o2D/xn4ma8Fd4u86NPobFkRIzIhJljphEZyDCGugp7"
     "H3FkydGvgEkljb1/P1K91E/ij+m73wFplvTQm8ba5eWSFlQHDdY2B7QwbVPrKarHJLrm1+Y29+HD4Wg6TNhBJZLvdsmek6"
     "AcZLB+bq7Q84tUWoLrKp3aiyJZZX70q4HbVI3skkmDWMuMP2cDmsY9bvBjh1ZWAGlOq5VS1dWIlu6OWgWN9VdDbLzP+s2y"
     "keFXrGs=",
     "{\"_type\":\"location\",\"BSSID\":\"00:13:10:85:fe:01\",\"SSID\":\"AndroidWifi\",\"_id\":"
     "\"0d871a61\",\"acc\":5,\"alt\":5,\"batt\":100,\"bs\":0,\"cog\":0,\"conn\":\"w\",\"created_at\":"
     "1754215100,\"lat\":50.1182933,\"lon\":-5.5407733,\"m\":2,\"tid\":\"xa\",\"tst\":1754215100,"
     "\"vac\":0,\"vel\":0}"},
    {"OwnTracks' vector under another secret", "124",
     "aUiEKyGnskRz383od0mu4uqxTIxeZUddBVxKEmsdv1FFSH2y0NwqLP1tTqOmxaFhGv0bNX1DT7o81FW9Yaxpla6Byvr6CZ"
     "V3t2skQv8nlxiIv1ZpQWM1bqHE0JFHwD3/yRx9bLHRF3j67kWcO6o2D/xn4ma8Fd4u86NPobFkRIzIhJljphEZyDCGugp7"
     "H3FkydGvgEkljb1/P1K91E/ij+m73wFplvTQm8ba5eWSFlQHDdY2B7QwbVPrKarHJLrm1+Y29+HD4Wg6TNhBJZLvdsmek6"
     "AcZLB+bq7Q84tUWoLrKp3aiyJZZX70q4HbVI3skkmDWMuMP2cDmsY9bvBjh1ZWAGlOq5VS1dWIlu6OWgWN9VdDbLzP+s2y"
     "keFXrGs=",
     nullptr},
    {"empty plaintext: the tag alone", "123", "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJui87xkqOW7zqB1Cz4XWZu7Gw==",
     ""},
    {"one byte", "hearth", "ICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rBH1urHBguiRE05tPujRYlcbg=", "x"},
    {"32 bytes end exactly with the first keystream block", "0123456789abcdef0123456789abcdef",
     "P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tng9W5Q5lXfH+oz+4Rc9sYjSOe18FbsHYkiCXoZZjE2L495xKNVtjAKJNRFvB+y49v7",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    {"33 bytes cross into the second keystream block", "short",
     "XmVsc3qBiI+WnaSrsrnAx87V3OPq8fj/O9+SP8TqIptVJomIcat1QDNpwLOX5A8Bk5q9q6hCY4GPjIcCvOoyyr45nLS0cHsECQ==",
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
    {"a secret longer than 32 bytes is cut to 32", "this secret is longer than thirty-two bytes",
     "fYSLkpmgp661vMPK0djf5u30+wIJEBcecJNqKRWQShSmt6tpnK6jecKRY7Wym8IyEVpdumA0OBgx+lyfq6kR1YnNiM1GFo4i"
     "+7Suc+vpXikINjjljf4VZm/wsnoPn1Qe4JMSjD5SiDD8/FAIgoZa7Xf25VbKf4ue/1mbVRllX3q7TOs8S/iyjiP/gWglsCN2"
     "vkpPgbhgW6YFbnIqIeEyaX1JD5KJ8Q==",
     "{\"_type\":\"transition\",\"event\":\"leave\",\"desc\":\"Home\",\"wtst\":1700000000,\"tst\":"
     "1700000500,\"lat\":52.5,\"lon\":13.4,\"acc\":12,\"t\":\"c\"}"},
    {"a multi-byte UTF-8 secret is used as its bytes", "gr\xc3\xbc\xc3\x9f" "e-\xf0\x9f\x98\x80",
     "nKOqsbi/xs3U2+Lp8Pf+BQwTGiEoLzY9190zKiUpD6xeGCPmTYEjhWySnMn/UBny5wNHO++XkUVmqUlnFg==",
     "\xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\xc3\xa9 plaintext"},
};

// 1,000 bytes (j * 13 mod 256) under secret "long", nonce 24 x 0x09: sixteen keystream
// blocks and a Poly1305 tail of 8 bytes.
const char kLongBox[] =
    "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJe7lGe4vtAaGyA8V2XVE8ANcnimMCyCOWU9hO5pGaC3rMqhnDnOzSVeFi2lqDB7eQ"
    "+25ONw0MuhKMacFyvIEHciDN0dEGrYUxhSRep7HqXiP+dCxWUH1HNJQgu7fLgp2tRKWg4RhE9O4bb3FiGf3pY2fZgSRSrSHn"
    "3jVRXXOvejAILXA+0SK8jLfgdVz/tkgjlTObU6pWugXPx00ZQXi/x/zi6j/Y865z93ZN3FaXm/jJELK1PnjdsOv4LlDqj0+r"
    "xCI4kSvBFdWwf/TB1ojni9BWgqipCfhBGPsQ0dpVO3iL7wwEB5mgjRNVoIvKVc4kOVHbSGXwDbbP8mJ2+h9xPlbZy7FqN5ed"
    "g2jJ1gMSiYlwDQFFkdaWFKpOqozu1GiFpjiUBc32E7Wb/T3mESWY+HTGFlPpuElV2enIjVTwvlfyJOn04y/Wwn1FGLkMe3HT"
    "UJOwiNGt6dRdeYydNKho7Ro/SV1JGqnsUz8jTckGdlFIite6OwglXEh/AWmN25NPa1qxrCuP2pHM/lnGbeWiDToDZdHPzIut"
    "YOaWgzhyJi16bXn4JLFkl/0sTyIJmMoSmiLdh4kPi0Cna5pyRqUcS+A7CX1VWE4FuaA+BHsvZZx/rZR8yFYAMnODBBMGjOEX"
    "ezQcR07y469AlS/IDv1UB7SjvG4HpMOoWnyb/fecwfhYw8FJaCqFX2e/kIT6ULMip/yyntx4GlJWPXFuigN5B1Mts/Rc5ole"
    "bQbWBufXp0B4jIE8av6yto90bleSC/YM8psyvM7dUXrHy/Fm8YEIYJdVHREuCfd5/KKHuVSy3C1Et9sKXsa2Do0tX3bwkk5a"
    "v7WSI6n3E30Lw6AjRnN1pVqk9KR3yXbmFB+QuhqNPRtAXjqOI/q1XhXq8X5vxh5/v0vaZCs6b4owscw9Effba65Cdq5prE2a"
    "ljb/904Ion0+zn9Mee64Lfi0PfU0Tx6WyLchiueHZ9Dxshrwu2wfzBOH4B2FYYBnnF9jlpT2hnJ+FE0bSb4HRrXOHTIhKaV4"
    "6aI3wm8T/ddqfsZHlALLVtX9oatFtqXCJWtZpukj5gkmI6OZ3CCKxM8szlvMFKZGAIALKBzPM4YvY79SfJoRWevt0OoDaorz"
    "nxmKPCXD1drdNY5LxhtqMNwcGucKgXBXT684tkXqJi9jrgAc0/JGhP4A14cAFAjhJdWPrHDavZeFZWUimeH7D3WV72MGc82W"
    "9zA1QgcG0Y02+AKfd70/yEzuNGnxqqfAvkKwe6PdoMjsIoEKfVRK4OyGLFpBcLljYnjxuIqZi+NZZRShzi+8zUC1mmzSPcXY"
    "7Cj9ATXy2vQrTW2lG0hgRPYVCDgK7/xC9C3nTYqCn/Y=";

void check_case(const char* why, const std::string& secret, const std::string& data,
                const char* plaintext) {
  const std::string reason = why;
  CAPTURE(reason);
  std::vector<uint8_t> box, out;
  const bool decoded = decode_base64(data, box);
  if (plaintext == nullptr && !decoded) return;  // refused before it reaches the box
  REQUIRE(decoded);
  Result<size_t> opened = open(secret, box, out);
  if (plaintext == nullptr) {
    CHECK(opened.error ==
          (box.size() < kSecretboxOverhead ? Error::bad_format : Error::auth_failed));
    CHECK(std::vector<uint8_t>(out.size(), 0) == out);  // nothing of a forged box is written
  } else {
    REQUIRE(opened.ok());
    CHECK(opened.value == box.size() - kSecretboxOverhead);
    CHECK(as_text(out, opened.value) == plaintext);
  }
}

std::vector<uint8_t> valid_box() {
  std::vector<uint8_t> box;
  decode_base64(kSealed[5].data, box);  // "33 bytes", secret "short"
  return box;
}

}  // namespace

TEST_CASE("poly1305 gives RFC 8439's section 2.5.2 tag") {
  const uint8_t key[32] = {0x85, 0xd6, 0xbe, 0x78, 0x57, 0x55, 0x6d, 0x33, 0x7f, 0x44, 0x52,
                           0xfe, 0x42, 0xd5, 0x06, 0xa8, 0x01, 0x03, 0x80, 0x8a, 0xfb, 0x0d,
                           0xb2, 0xfd, 0x4a, 0xbf, 0xf6, 0xaf, 0x41, 0x49, 0xf5, 0x1b};
  const char message[] = "Cryptographic Forum Research Group";
  const uint8_t expected[16] = {0xa8, 0x06, 0x1d, 0xc1, 0x30, 0x51, 0x36, 0xc6,
                                0xc2, 0x2b, 0x8b, 0xaf, 0x0c, 0x01, 0x27, 0xa9};
  uint8_t tag[16];
  poly1305(key, reinterpret_cast<const uint8_t*>(message), strlen(message), tag);
  CHECK(std::vector<uint8_t>(tag, tag + 16) == std::vector<uint8_t>(expected, expected + 16));
}

TEST_CASE("poly1305 reduces a sum at or above 2^130 - 5 (RFC 8439 appendix A.3, test vector #6)") {
  // r = 2, s = 0, one full block of 0xff: h = (2^129 - 1) * 2 = p + 3, so only the
  // final subtraction of p gives the right tag.
  uint8_t key[32] = {2};
  uint8_t message[16];
  memset(message, 0xff, sizeof message);
  const uint8_t expected[16] = {0x03};
  uint8_t tag[16];
  poly1305(key, message, sizeof message, tag);
  CHECK(std::vector<uint8_t>(tag, tag + 16) == std::vector<uint8_t>(expected, expected + 16));
}

TEST_CASE("the OwnTracks key is the secret's bytes cut or zero-padded to 32") {
  std::vector<uint8_t> expected(32, 0);
  expected[0] = '1';
  expected[1] = '2';
  expected[2] = '3';
  CHECK(key_of("123") == expected);
  const std::string long_secret = "0123456789abcdef0123456789abcdefTAIL";
  CHECK(key_of(long_secret) == std::vector<uint8_t>(long_secret.begin(), long_secret.begin() + 32));
  CHECK(key_of("") == std::vector<uint8_t>(32, 0));
}

TEST_CASE("secretbox_open opens every box libsodium sealed and refuses the wrong key") {
  for (const SealedCase& c : kSealed) check_case(c.why, c.secret, c.data, c.plaintext);

  std::vector<uint8_t> box, out;
  REQUIRE(decode_base64(kLongBox, box));
  Result<size_t> opened = open("long", box, out);
  REQUIRE(opened.ok());
  REQUIRE(opened.value == 1000);
  for (size_t j = 0; j < 1000; ++j) {
    CAPTURE(j);
    REQUIRE(out[j] == uint8_t(j * 13));
  }
}

TEST_CASE("secretbox_open runs every case of protocol/vectors/secretbox.json") {
  const std::string text = read_vector_file("secretbox.json");
  REQUIRE_MESSAGE(!text.empty(), "protocol/vectors/secretbox.json is missing");
  Json vectors(text);
  REQUIRE(vectors.root != nullptr);
  int cases = 0;
  cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("cases")) {
    cJSON* why = cJSON_GetObjectItemCaseSensitive(c, "why");
    cJSON* secret = cJSON_GetObjectItemCaseSensitive(c, "secret");
    cJSON* data = cJSON_GetObjectItemCaseSensitive(c, "data");
    cJSON* plaintext = cJSON_GetObjectItemCaseSensitive(c, "plaintext");
    REQUIRE(cJSON_IsString(why));
    REQUIRE(cJSON_IsString(secret));
    REQUIRE(cJSON_IsString(data));
    REQUIRE((cJSON_IsString(plaintext) || cJSON_IsNull(plaintext)));
    check_case(why->valuestring, secret->valuestring, data->valuestring,
               cJSON_IsString(plaintext) ? plaintext->valuestring : nullptr);
    ++cases;
  }
  CHECK(cases > 0);
}

TEST_CASE("a box shorter than nonce and tag is bad_format") {
  const std::vector<uint8_t> key = key_of("short");
  const std::vector<uint8_t> box = valid_box();
  uint8_t out[64];
  for (size_t length = 0; length < kSecretboxOverhead; ++length) {
    CAPTURE(length);
    CHECK(secretbox_open(key.data(), box.data(), length, out, sizeof out).error ==
          Error::bad_format);
  }
  CHECK(secretbox_open(key.data(), nullptr, 0, out, sizeof out).error == Error::bad_format);
}

TEST_CASE("every single-bit flip of a valid box is auth_failed") {
  const std::vector<uint8_t> key = key_of("short");
  std::vector<uint8_t> box = valid_box();
  uint8_t out[64];
  REQUIRE(secretbox_open(key.data(), box.data(), box.size(), out, sizeof out).ok());
  for (size_t bit = 0; bit < box.size() * 8; ++bit) {
    CAPTURE(bit);
    box[bit / 8] ^= uint8_t(1u << (bit % 8));
    CHECK(secretbox_open(key.data(), box.data(), box.size(), out, sizeof out).error ==
          Error::auth_failed);
    box[bit / 8] ^= uint8_t(1u << (bit % 8));
  }
}

TEST_CASE("an output buffer smaller than the plaintext is too_large, one of exactly its size fits") {
  const std::vector<uint8_t> key = key_of("short");
  const std::vector<uint8_t> box = valid_box();
  const size_t length = box.size() - kSecretboxOverhead;  // 33
  std::vector<uint8_t> out(length, 0xee);
  CHECK(secretbox_open(key.data(), box.data(), box.size(), out.data(), length - 1).error ==
        Error::too_large);
  CHECK(out == std::vector<uint8_t>(length, 0xee));
  Result<size_t> opened = secretbox_open(key.data(), box.data(), box.size(), out.data(), length);
  REQUIRE(opened.ok());
  CHECK(as_text(out, opened.value) == std::string(33, 'b'));
}

TEST_CASE("secretbox_open can open in place, over the ciphertext") {
  const std::vector<uint8_t> key = key_of("short");
  std::vector<uint8_t> box = valid_box();
  const size_t length = box.size() - kSecretboxOverhead;
  Result<size_t> opened = secretbox_open(key.data(), box.data(), box.size(),
                                         box.data() + kSecretboxOverhead, length);
  REQUIRE(opened.ok());
  CHECK(std::string(reinterpret_cast<const char*>(box.data()) + kSecretboxOverhead, length) ==
        std::string(33, 'b'));
}
