#include <doctest/doctest.h>

#include "fakes.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {
struct EnvelopeCase {
  std::string packet_type, transmitter, receiver, iv, plaintext, envelope, why;
};
std::vector<EnvelopeCase> load_cases(cJSON* root, const char* group) {
  std::vector<EnvelopeCase> out;
  cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, group)) {
    auto s = [&](const char* k) {
      cJSON* i = cJSON_GetObjectItem(c, k);
      return std::string(cJSON_IsString(i) ? i->valuestring : "");
    };
    out.push_back({s("packet_type"), s("transmitter"), s("receiver"), s("iv"), s("plaintext"),
                   s("envelope"), s("why")});
  }
  return out;
}
}  // namespace

TEST_CASE("every envelope vector opens or is rejected exactly as listed") {
  Json vectors(read_vector_file("envelope.json"));
  REQUIRE(vectors.root != nullptr);
  auto key = b64d(vectors.str("key"));
  REQUIRE(key.size() == 32);
  auto opens = load_cases(vectors.root, "open");
  auto rejects = load_cases(vectors.root, "reject");
  REQUIRE(opens.size() == 4);
  REQUIRE(rejects.size() == 6);
  for (auto& v : opens) {
    CAPTURE(v.plaintext);
    std::vector<uint8_t> out(v.envelope.size());
    EnvelopeAddress a{v.packet_type.c_str(), v.transmitter.c_str(), v.receiver.c_str()};
    auto r = envelope_open(key.data(), a, v.envelope.data(), v.envelope.size(), out.data(),
                           out.size());
    REQUIRE(r.ok());
    CHECK(std::string(reinterpret_cast<char*>(out.data()), r.value) == v.plaintext);
  }
  for (auto& v : rejects) {
    CAPTURE(v.why);
    std::vector<uint8_t> out(v.envelope.size());
    EnvelopeAddress a{v.packet_type.c_str(), v.transmitter.c_str(), v.receiver.c_str()};
    auto r = envelope_open(key.data(), a, v.envelope.data(), v.envelope.size(), out.data(),
                           out.size());
    CHECK_FALSE(r.ok());
    CHECK(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; }));
  }
}

TEST_CASE("sealing with a chosen IV reproduces the vector byte for byte") {
  Json vectors(read_vector_file("envelope.json"));
  auto key = b64d(vectors.str("key"));
  for (auto& v : load_cases(vectors.root, "open")) {
    struct FixedIv final : Random {
      std::vector<uint8_t> iv;
      Status fill(uint8_t* out, size_t n) override {
        std::copy(iv.begin(), iv.begin() + n, out);
        return Error::none;
      }
    } fixed;
    fixed.iv = b64d(v.iv);
    std::vector<uint8_t> buffer(v.plaintext.begin(), v.plaintext.end());
    buffer.resize(buffer.size() + kTagBytes);
    std::string out(4096, '\0');
    EnvelopeAddress a{v.packet_type.c_str(), v.transmitter.c_str(), v.receiver.c_str()};
    auto r = envelope_seal(key.data(), a, fixed, buffer.data(), v.plaintext.size(), buffer.size(),
                           out.data(), out.size());
    REQUIRE(r.ok());
    CHECK(out.substr(0, r.value) == v.envelope);
  }
}

TEST_CASE("sealed envelopes carry a fresh IV each time") {
  uint8_t key[32] = {1};
  TestRandom random;
  EnvelopeAddress a{"MSG", "GGXACDHnP37iP8E8stD1iL", "Yw3NKWbEM2aRElRIu7JbT_"};
  std::string first, second;
  for (std::string* out : {&first, &second}) {
    uint8_t buffer[2 + kTagBytes] = {'{', '}'};
    out->assign(200, '\0');
    auto r = envelope_seal(key, a, random, buffer, 2, sizeof buffer, out->data(), out->size());
    REQUIRE(r.ok());
    out->resize(r.value);
  }
  CHECK(first.substr(0, 19) != second.substr(0, 19));
  random.fail = true;
  uint8_t buffer[2 + kTagBytes] = {'{', '}'};
  char out[200];
  CHECK(envelope_seal(key, a, random, buffer, 2, sizeof buffer, out, sizeof out).error ==
        Error::no_random);
}

TEST_CASE("base64url is strict: no padding, URL alphabet, canonical trailing bits") {
  uint8_t out[8];
  CHECK(base64url_decode("AQ", 2, out, sizeof out).value == 1);
  CHECK_FALSE(base64url_decode("AR", 2, out, sizeof out).ok());    // non-zero spare bits
  CHECK_FALSE(base64url_decode("AQ==", 4, out, sizeof out).ok());  // padding
  CHECK_FALSE(base64url_decode("A+/A", 4, out, sizeof out).ok());  // standard alphabet
  CHECK_FALSE(base64url_decode("A", 1, out, sizeof out).ok());
  CHECK(base64url_decode("AAAAAAAAAAAA", 12, out, sizeof out).error == Error::too_large);
  const uint8_t bytes[] = {0xfb, 0xff};
  char text[8];
  CHECK(base64url_encode(bytes, 2, text, sizeof text).value == 3);
  CHECK(std::string(text) == "-_8");
}

TEST_CASE("the pairing link is <app URL>#pair=<ID>.<base64url key>") {
  Identity identity{};
  auto key = b64d("oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8");
  std::copy(key.begin(), key.end(), identity.key);
  strcpy(identity.id, "Yw3NKWbEM2aRElRIu7JbT_");
  char link[200];
  REQUIRE(pairing_link(identity, "http://localhost:8080/", link, sizeof link).ok());
  CHECK(std::string(link) ==
        "http://localhost:8080/#pair=Yw3NKWbEM2aRElRIu7JbT_."
        "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8");
  CHECK(pairing_link(identity, "http://localhost:8080/", link, 40).error == Error::too_large);
}
