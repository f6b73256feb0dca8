// Logon v2 (docs/protocol.md "Identity", "Logging on"): every case of
// protocol/vectors/logon.json, which the TypeScript tests run too, against
// the core's key derivation and signer and BearSSL's verifier.
#include <doctest/doctest.h>

#include "fakes.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

std::string field(cJSON* object, const char* name) {
  cJSON* item = cJSON_GetObjectItem(object, name);
  return cJSON_IsString(item) ? item->valuestring : "";
}

std::string signed_text(const uint8_t private_key[kPrivateKeyBytes], const std::string& nonce,
                        const std::string& host) {
  uint8_t signature[kSignatureBytes];
  REQUIRE(sign_logon(private_key, nonce.c_str(), host.c_str(), signature) == Error::none);
  return b64e(signature, sizeof signature);
}

// Random bytes served from a script, then zeros.
struct ScriptedRandom final : Random {
  std::vector<std::vector<uint8_t>> draws;
  size_t next = 0;
  Status fill(uint8_t* out, size_t length) override {
    std::vector<uint8_t> draw = next < draws.size() ? draws[next] : std::vector<uint8_t>();
    ++next;
    draw.resize(length, 0);
    std::copy(draw.begin(), draw.end(), out);
    return Error::none;
  }
};

const char kOrder[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const char kOrderMinus1[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550";

}  // namespace

TEST_CASE("every ID vector: ID is the first 22 chars of base64url(SHA-256(public key))") {
  Json vectors(read_vector_file("logon.json"));
  REQUIRE(vectors.root != nullptr);
  int count = 0;
  cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItem(vectors.root, "ids")) {
    auto public_key = b64d(field(c, "public_key"));
    REQUIRE(public_key.size() == kPublicKeyBytes);
    char id[kIdLength + 1];
    id_from_public_key(public_key.data(), public_key.size(), id);
    CHECK(std::string(id) == field(c, "id"));
    CHECK(is_valid_id(id, strlen(id)));
    ++count;
  }
  CHECK(count >= 3);
}

TEST_CASE("every key vector: public key and ID derived from the private key; own signatures verify") {
  Json vectors(read_vector_file("logon.json"));
  int count = 0;
  cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItem(vectors.root, "keys")) {
    CAPTURE(field(c, "id"));
    auto private_key = b64d(field(c, "private_key"));
    REQUIRE(private_key.size() == kPrivateKeyBytes);
    CHECK(valid_private_key(private_key.data()));
    uint8_t public_key[kPublicKeyBytes];
    REQUIRE(derive_public_key(private_key.data(), public_key) == Error::none);
    CHECK(b64e(public_key, sizeof public_key) == field(c, "public_key"));
    char id[kIdLength + 1];
    id_from_public_key(public_key, sizeof public_key, id);
    CHECK(std::string(id) == field(c, "id"));

    const std::string nonce = challenge_nonce(uint8_t(count));
    const std::string signature = signed_text(private_key.data(), nonce, "hearth.example");
    CHECK(logon_verifies(id, field(c, "public_key"), signature, nonce, "hearth.example"));
    CHECK_FALSE(logon_verifies(id, field(c, "public_key"), signature, nonce, "hearth.example:443"));
    CHECK_FALSE(logon_verifies(id, field(c, "public_key"), signature, challenge_nonce(99),
                               "hearth.example"));
    // RFC 6979: the same key and text give the same signature, no randomness used.
    CHECK(signed_text(private_key.data(), nonce, "hearth.example") == signature);
    ++count;
  }
  CHECK(count >= 2);
}

TEST_CASE("every verify vector: BearSSL gives the listed answer") {
  Json vectors(read_vector_file("logon.json"));
  int valid = 0, invalid = 0;
  cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItem(vectors.root, "verify")) {
    CAPTURE(field(c, "why"));
    const bool expected = cJSON_IsTrue(cJSON_GetObjectItem(c, "valid"));
    CHECK(logon_verifies(field(c, "transmitter"), field(c, "public_key"), field(c, "signature"),
                         field(c, "nonce"), field(c, "host")) == expected);
    (expected ? valid : invalid) += 1;
  }
  CHECK(valid >= 2);
  CHECK(invalid >= 10);
}

TEST_CASE("private keys: exactly 1 <= k < n; new ones drawn again until they are") {
  auto order = hex(kOrder);
  auto below = hex(kOrderMinus1);
  std::vector<uint8_t> zero(32, 0), one(32, 0), all_ones(32, 0xff);
  one[31] = 1;
  CHECK_FALSE(valid_private_key(zero.data()));
  CHECK(valid_private_key(one.data()));
  CHECK(valid_private_key(below.data()));
  CHECK_FALSE(valid_private_key(order.data()));
  CHECK_FALSE(valid_private_key(all_ones.data()));
  uint8_t public_key[kPublicKeyBytes];
  CHECK(derive_public_key(order.data(), public_key) == Error::corrupt);

  ScriptedRandom random;
  random.draws = {all_ones, order, zero, below};
  uint8_t key[kPrivateKeyBytes];
  REQUIRE(make_private_key(random, key) == Error::none);
  CHECK(std::vector<uint8_t>(key, key + 32) == below);
  CHECK(random.next == 4);

  TestRandom broken;
  broken.fail = true;
  CHECK(make_private_key(broken, key) == Error::no_random);
}

TEST_CASE("the broker host is what new URL(url).host gives, or refused") {
  struct Case {
    const char* url;
    const char* host;  // nullptr: refused
  };
  // Expected values from Node's WHATWG URL.
  const Case cases[] = {
      {"ws://127.0.0.1:8080/ws", "127.0.0.1:8080"},
      {"WS://Example.COM:80/ws", "example.com"},
      {"wss://Broker.example.org:443/ws", "broker.example.org"},
      {"wss://broker.example.org:8443", "broker.example.org:8443"},
      {"wss://host:80/", "host:80"},
      {"ws://host:443/", "host:443"},
      {"ws://localhost", "localhost"},
      {"ws://user:pw@Host:0080/x?y#z", "host"},
      {"ws://@host/", "host"},
      {"ws://host:/ws", "host"},
      {"ws://host.:8080/", "host.:8080"},
      {"ws://a_b.example/", "a_b.example"},
      {"ws://host?x", "host"},
      {"ws://host#frag", "host"},
      {"ws://HOST\\path", "host"},
      {"ws://host:00000000443/", "host:443"},
      {"ws://10.0.0.255:1/", "10.0.0.255:1"},
      {"wss://example.com:65536/", nullptr},
      {"ws://host:80:80/", nullptr},
      {"ws://host:8o/", nullptr},
      {"ws://1.2.3.4.5/", nullptr},
      {"ws://256.0.0.1/", nullptr},
      {"ws://foo.123/", nullptr},
      {"ws://ex ample/", nullptr},
      {"ws:///ws", nullptr},
      {"ws://", nullptr},
      {"http://host/", nullptr},
      {"host:8080", nullptr},
      // Rewritten by URL parsers; refused rather than risk a different text.
      {"ws://127.1/", nullptr},
      {"ws://0x7f.0.0.1/", nullptr},
      {"ws://01.2.3.4/", nullptr},
      {"ws://1.2.3.4./", nullptr},
      {"ws://[::1]:8080/", nullptr},
      {"ws://exa%41mple.com/", nullptr},
      {"ws://b\xc3\xbc" "cher.example/", nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    char host[kMaxBrokerHostLength + 1];
    const Result<size_t> r = broker_host_from_url(c.url, host, sizeof host);
    if (c.host == nullptr) {
      CHECK(r.error == Error::bad_format);
    } else {
      REQUIRE(r.ok());
      CHECK(std::string(host) == c.host);
      CHECK(r.value == strlen(c.host));
    }
  }
  char small[8];
  CHECK(broker_host_from_url("ws://example.com/", small, sizeof small).error == Error::too_large);
}

TEST_CASE("a CHALLENGE nonce is strict base64url of 32 bytes") {
  const std::string good = challenge_nonce(1);
  CHECK(is_challenge_nonce(good.data(), good.size()));
  for (const std::string& bad : {std::string(), good.substr(1), good + "A", good + "=",
                                 good.substr(0, 42) + "/", good.substr(0, 42) + "B"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_challenge_nonce(bad.data(), bad.size()));
  }
}
