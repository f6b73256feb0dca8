// An OwnTracks phone for the tests: seals bodies as libsodium's crypto_secretbox_easy does
// (XSalsa20-Poly1305, nonce ‖ tag ‖ ciphertext, standard padded base64), written here from the
// Salsa20 specification independently of the core's opener, plus bench helpers that register a
// member (OWNTRACKS_set) and deliver RELAYs.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "secretbox.h"

namespace hearth::testing {

namespace salsa {

inline uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

inline void quarter(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d) {
  b ^= rotl(a + d, 7);
  c ^= rotl(b + a, 9);
  d ^= rotl(c + b, 13);
  a ^= rotl(d + c, 18);
}

inline uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// The Salsa20 core over key and 16 input bytes; `add` false gives HSalsa20's words.
inline void core(uint32_t out[16], const uint8_t key[32], const uint8_t input[16], bool add) {
  uint32_t in[16] = {0x61707865, le32(key), le32(key + 4), le32(key + 8), le32(key + 12),
                     0x3320646e, le32(input), le32(input + 4), le32(input + 8), le32(input + 12),
                     0x79622d32, le32(key + 16), le32(key + 20), le32(key + 24), le32(key + 28),
                     0x6b206574};
  uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = in[i];
  for (int i = 0; i < 10; ++i) {
    quarter(x[0], x[4], x[8], x[12]);
    quarter(x[5], x[9], x[13], x[1]);
    quarter(x[10], x[14], x[2], x[6]);
    quarter(x[15], x[3], x[7], x[11]);
    quarter(x[0], x[1], x[2], x[3]);
    quarter(x[5], x[6], x[7], x[4]);
    quarter(x[10], x[11], x[8], x[9]);
    quarter(x[15], x[12], x[13], x[14]);
  }
  for (int i = 0; i < 16; ++i) out[i] = add ? x[i] + in[i] : x[i];
}

}  // namespace salsa

// nonce ‖ tag ‖ ciphertext of plaintext under key, as crypto_secretbox_easy makes it.
inline std::vector<uint8_t> secretbox_seal(const uint8_t key[32], const uint8_t nonce[24],
                                           const std::string& plaintext) {
  uint32_t words[16];
  salsa::core(words, key, nonce, false);
  uint8_t subkey[32];
  const int picks[8] = {0, 5, 10, 15, 6, 7, 8, 9};
  for (int i = 0; i < 8; ++i) store_le32(subkey + 4 * i, words[picks[i]]);
  std::vector<uint8_t> stream;
  for (uint64_t block = 0; stream.size() < plaintext.size() + 32; ++block) {
    uint8_t input[16];
    std::copy(nonce + 16, nonce + 24, input);
    store_le32(input + 8, uint32_t(block));
    store_le32(input + 12, uint32_t(block >> 32));
    salsa::core(words, subkey, input, true);
    for (int i = 0; i < 16; ++i) {
      uint8_t bytes[4];
      store_le32(bytes, words[i]);
      stream.insert(stream.end(), bytes, bytes + 4);
    }
  }
  std::vector<uint8_t> box(nonce, nonce + 24);
  box.resize(kSecretboxOverhead);
  for (size_t i = 0; i < plaintext.size(); ++i) box.push_back(uint8_t(plaintext[i]) ^ stream[32 + i]);
  poly1305(stream.data(), box.data() + kSecretboxOverhead, plaintext.size(), box.data() + 24);
  return box;
}

// Standard base64 with '=' padding (RFC 4648 section 4).
inline std::string base64(const std::vector<uint8_t>& bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = uint32_t(bytes[i]) << 16;
    if (n > 1) v |= uint32_t(bytes[i + 1]) << 8;
    if (n > 2) v |= bytes[i + 2];
    for (size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// A phone's `data`: plaintext sealed under the OwnTracks key of secret, with a nonce from seed.
inline std::string owntracks_data(const std::string& secret, const std::string& plaintext,
                                  uint8_t seed = 1) {
  uint8_t key[kSecretboxKeyBytes];
  owntracks_key(secret.data(), secret.size(), key);
  uint8_t nonce[24];
  for (size_t i = 0; i < sizeof nonce; ++i) nonce[i] = uint8_t(seed * 29 + i);
  return base64(secretbox_seal(key, nonce, plaintext));
}

inline std::string relay_frame(const std::string& receiver, const std::string& member,
                               const std::string& data, const std::string& transmitter = "BROKER") {
  return "{\"packet_type\":\"RELAY\",\"transmitter\":\"" + transmitter + "\",\"receiver\":\"" +
         receiver + "\",\"member\":\"" + member + "\",\"data\":\"" + data + "\"}";
}

constexpr const char* kSecret = "q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA";
constexpr const char* kOtherSecret = "c2AbINs2CgRt4Wbnh7mTpsOGDVW98Sut";
constexpr uint64_t kWtst = 1764633600;

// An OWNTRACKS_set from app (which has a session); returns the STATE it got.
inline std::string register_owntracks(Bench& bench, App& app, const std::string& secret = kSecret,
                                      uint64_t wtst = kWtst) {
  bench.link.sent.clear();
  bench.deliver(app.command("OWNTRACKS_set", "\"secret\":\"" + secret +
                                                 "\",\"wtst\":" + std::to_string(wtst)));
  return bench.last_for(app);
}

// Boots the bench's thermostat, brings it online, and gives it app `seed` (named `name`) in a
// session with kSecret registered: a member whose phone reports through OwnTracks.
inline App registered_member(Bench& bench, uint8_t seed, const char* name) {
  bench.boot();
  bench.online();
  App app = bench.app(seed);
  bench.start(app, name);
  REQUIRE(Json(register_owntracks(bench, app)).is_null("error"));
  return app;
}

// The same on a thermostat updated from before member keys, for a phone on the old shared key
// (docs/protocol.md "The old shared key"): for rigs with more phones than there may be members.
inline App registered_legacy_phone(Bench& bench, uint8_t seed, const char* name) {
  bench.boot_updated();
  bench.online();
  App app = bench.legacy_app(seed);
  bench.start(app, name);
  REQUIRE(Json(register_owntracks(bench, app)).is_null("error"));
  return app;
}

inline std::string transition(const char* event, uint64_t time, uint64_t wtst = kWtst) {
  return "{\"_type\":\"transition\",\"event\":\"" + std::string(event) +
         "\",\"desc\":\"Hearth\",\"wtst\":" + std::to_string(wtst) + ",\"tst\":" +
         std::to_string(time) + ",\"lat\":52.09,\"lon\":5.12,\"acc\":12,\"t\":\"c\"}";
}

inline std::string location(uint64_t time, const char* inregions = "[\"Hearth\"]") {
  return "{\"_type\":\"location\",\"tst\":" + std::to_string(time) +
         ",\"lat\":52.09,\"lon\":5.12,\"acc\":15" +
         (inregions[0] != '\0' ? std::string(",\"inregions\":") + inregions : std::string()) + "}";
}

inline const Peer* member_of(const Bench& bench, const std::string& id) {
  for (const Peer& peer : bench.core->peers()) {
    if (peer.used && id == peer.id) return &peer;
  }
  return nullptr;
}

// "home", "away" or "none", as the member's presence stands on the thermostat.
inline std::string where_is(const Bench& bench, const std::string& id) {
  const Peer* p = member_of(bench, id);
  if (p == nullptr || !p->has_presence) return "none";
  return p->home ? "home" : "away";
}

}  // namespace hearth::testing
