// Link-time memo of BearSSL's two P-256 operations, for the fault injection
// and the fuzzer only (CMakeLists.txt links them with -Wl,--wrap=...). Both
// are pure functions of their inputs, so a repeated call returns what the
// first one computed: the results are the same, only faster. Every boot
// derives the public key (0.7 ms on the host) and every logon signs (1 ms);
// the fault injection reboots and logs on about 200,000 times with the same
// few keys and nonces, which would cost minutes, and the fuzzer would run a
// fraction of its inputs. The unit tests call BearSSL itself every time.
// Members join with an ECDH on both ends (docs/protocol.md "Joining"), a point
// multiplication of 0.5 ms each: br_ec_p256_m15 itself is wrapped, its mul()
// remembered the same way, its other operations passed through.
#include <bearssl/bearssl.h>
#include <string.h>

#include <map>
#include <string>

namespace {

constexpr size_t kMaxEntries = 4096;

std::string key_of(const void* impl, const br_ec_private_key* sk, const void* extra, size_t extra_length) {
  std::string key(reinterpret_cast<const char*>(&impl), sizeof impl);
  key.append(reinterpret_cast<const char*>(&sk->curve), sizeof sk->curve);
  key.append(reinterpret_cast<const char*>(sk->x), sk->xlen);
  key.append(static_cast<const char*>(extra), extra_length);
  return key;
}

void remember(std::map<std::string, std::string>& memo, std::string key, const void* value, size_t length) {
  if (memo.size() >= kMaxEntries) memo.clear();
  memo.emplace(std::move(key), std::string(static_cast<const char*>(value), length));
}

}  // namespace

extern "C" {

size_t __real_br_ec_compute_pub(const br_ec_impl* impl, br_ec_public_key* pk, void* kbuf,
                                const br_ec_private_key* sk);
size_t __real_br_ecdsa_i15_sign_raw(const br_ec_impl* impl, const br_hash_class* hf,
                                    const void* hash_value, const br_ec_private_key* sk, void* sig);

size_t __wrap_br_ec_compute_pub(const br_ec_impl* impl, br_ec_public_key* pk, void* kbuf,
                                const br_ec_private_key* sk) {
  if (kbuf == nullptr) return __real_br_ec_compute_pub(impl, pk, kbuf, sk);
  static std::map<std::string, std::string> memo;
  std::string key = key_of(impl, sk, "", 0);
  auto found = memo.find(key);
  if (found == memo.end()) {
    const size_t length = __real_br_ec_compute_pub(impl, pk, kbuf, sk);
    remember(memo, std::move(key), kbuf, length);
    return length;
  }
  memcpy(kbuf, found->second.data(), found->second.size());
  if (pk != nullptr) {
    pk->curve = sk->curve;
    pk->q = static_cast<unsigned char*>(kbuf);
    pk->qlen = found->second.size();
  }
  return found->second.size();
}

size_t __wrap_br_ecdsa_i15_sign_raw(const br_ec_impl* impl, const br_hash_class* hf,
                                    const void* hash_value, const br_ec_private_key* sk, void* sig) {
  static std::map<std::string, std::string> memo;
  const size_t hash_length = (hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
  std::string key = key_of(impl, sk, hash_value, hash_length);
  key.append(reinterpret_cast<const char*>(&hf), sizeof hf);
  auto found = memo.find(key);
  if (found == memo.end()) {
    const size_t length = __real_br_ecdsa_i15_sign_raw(impl, hf, hash_value, sk, sig);
    remember(memo, std::move(key), sig, length);
    return length;
  }
  memcpy(sig, found->second.data(), found->second.size());
  return found->second.size();
}

extern const br_ec_impl __real_br_ec_p256_m15;

namespace {

const unsigned char* p256_generator(int curve, size_t* len) { return __real_br_ec_p256_m15.generator(curve, len); }
const unsigned char* p256_order(int curve, size_t* len) { return __real_br_ec_p256_m15.order(curve, len); }
size_t p256_xoff(int curve, size_t* len) { return __real_br_ec_p256_m15.xoff(curve, len); }
uint32_t p256_mul(unsigned char* G, size_t Glen, const unsigned char* x, size_t xlen, int curve) {
  static std::map<std::string, std::string> memo;
  std::string key(reinterpret_cast<const char*>(G), Glen);
  key.append(reinterpret_cast<const char*>(x), xlen);
  key.append(reinterpret_cast<const char*>(&curve), sizeof curve);
  auto found = memo.find(key);
  if (found == memo.end()) {
    const uint32_t ok = __real_br_ec_p256_m15.mul(G, Glen, x, xlen, curve);
    std::string value(reinterpret_cast<const char*>(&ok), sizeof ok);
    value.append(reinterpret_cast<const char*>(G), Glen);
    remember(memo, std::move(key), value.data(), value.size());
    return ok;
  }
  uint32_t ok;
  memcpy(&ok, found->second.data(), sizeof ok);
  memcpy(G, found->second.data() + sizeof ok, Glen);
  return ok;
}
size_t p256_mulgen(unsigned char* R, const unsigned char* x, size_t xlen, int curve) {
  return __real_br_ec_p256_m15.mulgen(R, x, xlen, curve);
}
uint32_t p256_muladd(unsigned char* A, const unsigned char* B, size_t len, const unsigned char* x, size_t xlen,
                     const unsigned char* y, size_t ylen, int curve) {
  return __real_br_ec_p256_m15.muladd(A, B, len, x, xlen, y, ylen, curve);
}

}  // namespace

extern const br_ec_impl __wrap_br_ec_p256_m15 = {
    uint32_t(1) << BR_EC_secp256r1, p256_generator, p256_order, p256_xoff, p256_mul, p256_mulgen, p256_muladd,
};

}  // extern "C"
