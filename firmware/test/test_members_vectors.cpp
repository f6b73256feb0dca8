// The key agreement both sides run: the derivation and bad_points cases of
// protocol/vectors/members.json (docs/protocol.md "Joining"), through the
// core's members.h functions, as protocol/members-vectors.test.ts runs them
// through protocol/member-key.ts.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "members.h"
#include "vector_cases.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// Hands out one fixed private key, as the Random port would have drawn it.
struct FixedRandom final : Random {
  std::vector<uint8_t> bytes;
  Status fill(uint8_t* out, size_t length) override {
    REQUIRE(length == bytes.size());
    std::copy(bytes.begin(), bytes.end(), out);
    return Error::none;
  }
};

std::vector<uint8_t> bytes_of(const uint8_t* data, size_t n) { return std::vector<uint8_t>(data, data + n); }

}  // namespace

TEST_CASE("members vectors: every derivation, from the thermostat's side and the app's") {
  Json vectors(read_vector_file("members.json"));
  REQUIRE_MESSAGE(vectors.root != nullptr, "protocol/vectors/members.json is missing");
  int cases = 0;
  const cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("derivation")) {
    ++cases;
    CAPTURE(text_of(c, "why"));
    const std::vector<uint8_t> app_private = hex(text_of(c, "app_private_key").c_str());
    const std::vector<uint8_t> app_public = b64d(text_of(c, "app_public_key"));
    const std::vector<uint8_t> thermostat_private = hex(text_of(c, "thermostat_private_key").c_str());
    const std::vector<uint8_t> thermostat_public = b64d(text_of(c, "thermostat_public_key"));
    const std::vector<uint8_t> shared_x = hex(text_of(c, "shared_x").c_str());
    const std::vector<uint8_t> secret = b64d(text_of(c, "secret"));
    const std::string thermostat_id = text_of(c, "thermostat_id");
    const std::string member_id = text_of(c, "member_id");
    const std::vector<uint8_t> member_key = b64d(text_of(c, "member_key"));
    REQUIRE(app_private.size() == kPrivateKeyBytes);
    REQUIRE(thermostat_private.size() == kPrivateKeyBytes);
    REQUIRE(shared_x.size() == kSharedXBytes);
    REQUIRE(secret.size() == kInvitationBytes);
    REQUIRE(member_key.size() == kKeyBytes);

    // The thermostat's one-time key pair, as make_join_keys draws it.
    FixedRandom random;
    random.bytes = thermostat_private;
    JoinKeys keys{};
    REQUIRE(make_join_keys(random, &keys) == Error::none);
    CHECK(bytes_of(keys.public_key, kJoinPublicKeyBytes) == thermostat_public);

    // JOIN's public_key as the thermostat reads it, and the shared X from both ends.
    const std::string app_public_text = text_of(c, "app_public_key");
    uint8_t app_point[kJoinPublicKeyBytes];
    REQUIRE(decode_join_public_key(app_public_text.data(), app_public_text.size(), app_point));
    CHECK(bytes_of(app_point, kJoinPublicKeyBytes) == app_public);
    uint8_t x[kSharedXBytes];
    REQUIRE(join_shared_x(keys.private_key, app_point, x));
    CHECK(bytes_of(x, kSharedXBytes) == shared_x);
    uint8_t app_x[kSharedXBytes];
    REQUIRE(thermostat_public.size() == kJoinPublicKeyBytes);
    REQUIRE(join_shared_x(app_private.data(), thermostat_public.data(), app_x));
    CHECK(bytes_of(app_x, kSharedXBytes) == shared_x);

    uint8_t key[kKeyBytes];
    derive_member_key(x, secret.data(), thermostat_id.c_str(), member_id.c_str(), key);
    CHECK(bytes_of(key, kKeyBytes) == member_key);
    wipe_join_keys(&keys);
  }
  CHECK(cases >= 3);
}

TEST_CASE("members vectors: every bad point is refused, as a JOIN's public_key and for the ECDH") {
  Json vectors(read_vector_file("members.json"));
  REQUIRE_MESSAGE(vectors.root != nullptr, "protocol/vectors/members.json is missing");
  const cJSON* first = cJSON_GetArrayItem(vectors.get("derivation"), 0);
  REQUIRE(first != nullptr);
  const std::vector<uint8_t> private_key = hex(text_of(first, "thermostat_private_key").c_str());
  int cases = 0;
  const cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("bad_points")) {
    ++cases;
    CAPTURE(text_of(c, "why"));
    const std::string text = text_of(c, "public_key");
    uint8_t point[kJoinPublicKeyBytes];
    uint8_t x[kSharedXBytes];
    // What JOIN's shape lets through must still fail on the curve.
    const bool shaped = decode_join_public_key(text.data(), text.size(), point);
    CHECK_FALSE((shaped && join_shared_x(private_key.data(), point, x)));
    // And the ECDH alone refuses every 65-byte one, prefix included.
    const std::vector<uint8_t> bytes = b64d(text);
    if (bytes.size() == kJoinPublicKeyBytes) {
      memset(x, 0xEE, sizeof x);
      CHECK_FALSE(join_shared_x(private_key.data(), bytes.data(), x));
      CHECK(bytes_of(x, kSharedXBytes) == std::vector<uint8_t>(kSharedXBytes, 0));
    }
  }
  CHECK(cases >= 10);
}
