// The key agreement of a JOIN (members.h; docs/protocol.md "Joining"): the
// thermostat's one-time key pair, ECDH P-256 with the app's point (checked on
// the curve), and HKDF-SHA256 bound to both IDs. Known answers from RFC 5903
// section 8.1 (ECDH) and Node's crypto.hkdfSync (HKDF); the shared vectors
// with the TypeScript side are test_members_vectors.cpp's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "members.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// RFC 5903, 8.1: 256-bit random ECP group.
const char kPrivateI[] = "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433";
const char kPublicI[] =
    "04 dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3";
const char kPrivateR[] = "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53";
const char kPublicR[] =
    "04 d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
const char kSharedX[] = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";

const char kThermostat[] = "6dJCrkykZadkdwfxaPEkQ-";
const char kAna[] = "Ana_phone_0123456789ab";
const char kBen[] = "Ben-phone-9876543210zz";

std::vector<uint8_t> secret_bytes() {
  std::vector<uint8_t> secret(kInvitationBytes);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(0x40 + i);
  return secret;
}

std::vector<uint8_t> shared_x_of(const std::vector<uint8_t>& private_key, const std::vector<uint8_t>& peer,
                                 bool* ok) {
  std::vector<uint8_t> x(kSharedXBytes, 0xEE);
  *ok = join_shared_x(private_key.data(), peer.data(), x.data());
  return x;
}

std::vector<uint8_t> member_key(const std::vector<uint8_t>& x, const std::vector<uint8_t>& secret,
                                const char* thermostat_id, const char* member_id) {
  std::vector<uint8_t> key(kKeyBytes);
  derive_member_key(x.data(), secret.data(), thermostat_id, member_id, key.data());
  return key;
}

bool all_zero(const std::vector<uint8_t>& bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// Random bytes from a script (all of it to the first draw), then from TestRandom.
struct ScriptedRandom final : Random {
  std::vector<uint8_t> first;
  bool used = false;
  bool fail = false;
  TestRandom rest;
  Status fill(uint8_t* out, size_t length) override {
    if (fail) return Error::no_random;
    if (used) return rest.fill(out, length);
    used = true;
    first.resize(length, 0);
    std::copy(first.begin(), first.end(), out);
    return Error::none;
  }
};

}  // namespace

TEST_CASE("member keys: ECDH gives RFC 5903's shared X from either side") {
  bool ok = false;
  CHECK(shared_x_of(hex(kPrivateI), hex(kPublicR), &ok) == hex(kSharedX));
  CHECK(ok);
  CHECK(shared_x_of(hex(kPrivateR), hex(kPublicI), &ok) == hex(kSharedX));
  CHECK(ok);
}

TEST_CASE("member keys: a point that is not an uncompressed P-256 point is refused, X wiped") {
  const std::vector<uint8_t> good = hex(kPublicR);
  struct Case {
    const char* what;
    std::vector<uint8_t> point;
  };
  std::vector<Case> cases;
  auto changed = [&](const char* what, auto change) {
    std::vector<uint8_t> point = good;
    change(point);
    cases.push_back({what, point});
  };
  changed("prefix 0x02", [](std::vector<uint8_t>& p) { p[0] = 0x02; });
  changed("prefix 0x03", [](std::vector<uint8_t>& p) { p[0] = 0x03; });
  changed("prefix 0x00", [](std::vector<uint8_t>& p) { p[0] = 0x00; });
  changed("prefix 0x05", [](std::vector<uint8_t>& p) { p[0] = 0x05; });
  changed("Y + 1: off the curve", [](std::vector<uint8_t>& p) { p[64] ^= 0x01; });
  changed("X changed: off the curve", [](std::vector<uint8_t>& p) { p[1] ^= 0x80; });
  changed("all zeros after 0x04", [](std::vector<uint8_t>& p) { std::fill(p.begin() + 1, p.end(), 0); });
  changed("X = p, Y from the point", [](std::vector<uint8_t>& p) {
    const std::vector<uint8_t> prime =
        hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    std::copy(prime.begin(), prime.end(), p.begin() + 1);
  });
  changed("all 0xFF after 0x04", [](std::vector<uint8_t>& p) { std::fill(p.begin() + 1, p.end(), 0xFF); });
  for (const Case& c : cases) {
    CAPTURE(c.what);
    bool ok = true;
    CHECK(all_zero(shared_x_of(hex(kPrivateI), c.point, &ok)));
    CHECK_FALSE(ok);
  }
  // A private key out of range (BearSSL would not check it).
  for (const char* bad : {"0000000000000000000000000000000000000000000000000000000000000000",
                          "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"}) {
    bool ok = true;
    CHECK(all_zero(shared_x_of(hex(bad), good, &ok)));
    CHECK_FALSE(ok);
  }
}

TEST_CASE("member keys: JOIN's public_key text: 87 characters of strict base64url, 65 bytes from 0x04") {
  const std::vector<uint8_t> point = hex(kPublicR);
  const std::string text = b64e(point.data(), point.size());
  REQUIRE(text.size() == 87);
  std::vector<uint8_t> wrong_prefix = point;
  wrong_prefix[0] = 0x03;
  std::string trailing_bits = text;
  trailing_bits.back() = char(trailing_bits.back() + 1);  // "...s" to "...t": non-zero trailing bits
  struct Case {
    std::string text;
    bool good;
  };
  const Case cases[] = {
      {text, true},
      {text.substr(0, 86), false},
      {text + "A", false},
      {text + "=", false},
      {text.substr(0, 86) + "+", false},
      {b64e(wrong_prefix.data(), wrong_prefix.size()), false},
      {b64e(point.data(), 64), false},
      {b64e(point.data(), 33), false},
      {trailing_bits, false},
      {"", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    std::vector<uint8_t> out(kJoinPublicKeyBytes, 0);
    CHECK(decode_join_public_key(c.text.data(), c.text.size(), out.data()) == c.good);
    if (c.good) CHECK(out == point);
  }
}

TEST_CASE("member keys: HKDF-SHA256 with the invitation as salt, bound to the thermostat and the member") {
  const std::vector<uint8_t> x = hex(kSharedX);
  const std::vector<uint8_t> secret = secret_bytes();
  // crypto.hkdfSync('sha256', x, secret, 'hearth member v1|6dJCrkykZadkdwfxaPEkQ-|Ana_phone_0123456789ab', 32)
  const std::vector<uint8_t> expected = hex("661693c56d5428be80fd777374e31d8f4b919b0d0b29477dd03a5e5bf63d8cb5");
  CHECK(member_key(x, secret, kThermostat, kAna) == expected);

  // Every input counts.
  std::vector<uint8_t> other_secret = secret;
  other_secret[31] ^= 1;
  std::vector<uint8_t> other_x = x;
  other_x[0] ^= 1;
  CHECK(member_key(x, secret, kThermostat, kBen) != expected);
  CHECK(member_key(x, secret, "7dJCrkykZadkdwfxaPEkQ-", kAna) != expected);
  CHECK(member_key(x, secret, kAna, kThermostat) != expected);  // the IDs' order counts
  CHECK(member_key(x, other_secret, kThermostat, kAna) != expected);
  CHECK(member_key(other_x, secret, kThermostat, kAna) != expected);
}

TEST_CASE("member keys: the thermostat's one-time key pair, from the Random port") {
  ScriptedRandom random;
  random.first = hex(kPrivateR);
  JoinKeys keys{};
  REQUIRE(make_join_keys(random, &keys) == Error::none);
  CHECK(std::vector<uint8_t>(keys.private_key, keys.private_key + kPrivateKeyBytes) == hex(kPrivateR));
  CHECK(std::vector<uint8_t>(keys.public_key, keys.public_key + kJoinPublicKeyBytes) == hex(kPublicR));

  // Both sides of a join work out the same member key.
  ScriptedRandom app_random;
  app_random.first = hex(kPrivateI);
  JoinKeys app{};
  REQUIRE(make_join_keys(app_random, &app) == Error::none);
  std::vector<uint8_t> thermostat_x(kSharedXBytes);
  std::vector<uint8_t> app_x(kSharedXBytes);
  REQUIRE(join_shared_x(keys.private_key, app.public_key, thermostat_x.data()));
  REQUIRE(join_shared_x(app.private_key, keys.public_key, app_x.data()));
  CHECK(member_key(thermostat_x, secret_bytes(), kThermostat, kAna) ==
        member_key(app_x, secret_bytes(), kThermostat, kAna));

  wipe_join_keys(&keys);
  CHECK(all_zero(std::vector<uint8_t>(reinterpret_cast<uint8_t*>(&keys),
                                      reinterpret_cast<uint8_t*>(&keys) + sizeof keys)));

  // Draws out of range (0, then n) are drawn again.
  ScriptedRandom zeros;
  zeros.first = std::vector<uint8_t>(kPrivateKeyBytes, 0);
  REQUIRE(make_join_keys(zeros, &keys) == Error::none);
  CHECK(valid_private_key(keys.private_key));

  // Not ready: the port's error, nothing left behind.
  ScriptedRandom off;
  off.fail = true;
  std::fill(reinterpret_cast<uint8_t*>(&keys), reinterpret_cast<uint8_t*>(&keys) + sizeof keys, 0xAA);
  CHECK(make_join_keys(off, &keys) == Error::no_random);
  CHECK(all_zero(std::vector<uint8_t>(reinterpret_cast<uint8_t*>(&keys),
                                      reinterpret_cast<uint8_t*>(&keys) + sizeof keys)));

  // Two key pairs in a row differ (a new one for every JOIN).
  TestRandom fresh;
  JoinKeys one{};
  JoinKeys two{};
  REQUIRE(make_join_keys(fresh, &one) == Error::none);
  REQUIRE(make_join_keys(fresh, &two) == Error::none);
  CHECK(memcmp(one.private_key, two.private_key, kPrivateKeyBytes) != 0);
  CHECK(one.public_key[0] == 0x04);
}
