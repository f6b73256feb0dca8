// Link-time memo of BearSSL's two P-256 operations, for the fault injection
// and the fuzzer only (CMakeLists.txt links them with -Wl,--wrap=...). Both
// are pure functions of their inputs, so a repeated call returns what the
// first one computed: the results are the same, only faster. Every boot
// derives the public key (0.7 ms on the host) and every logon signs (1 ms);
// the fault injection reboots and logs on about 200,000 times with the same
// few keys and nonces, which would cost minutes, and the fuzzer would run a
// fraction of its inputs. The unit tests call BearSSL itself every time.
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

}  // extern "C"
