// Test doubles for the core's ports and a scripted app that speaks the
// contract with real envelopes.
#pragma once
#include <bearssl/bearssl.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codec.h"
#include "logon.h"
#include "members.h"
#include "thermostat.h"

namespace hearth {

// The settings a blob decodes to, as a value, for tests: the core decodes in place
// (decode_settings in settings.h), which the device's short stack needs and tables do not.
inline Result<Settings> decode_settings(const uint8_t* blob, size_t length) {
  Result<Settings> decoded{Settings(), Error::none};
  decoded.error = decode_settings(blob, length, &decoded.value);
  return decoded;
}

}  // namespace hearth

namespace hearth::testing {

// A fresh directory for a DirectoryStorage test; left behind in /tmp like any test scratch.
inline std::string make_temp_dir() {
  char pattern[] = "/tmp/hearth-storage-XXXXXX";
  return mkdtemp(pattern);
}

struct FakeSensor final : Sensor {
  SensorSample next{SensorStatus::good, {20.0f, 45.0f, 1013.0f}};
  bool frozen = false;  // true: identical values every time, like stuck registers
  int reads = 0;
  Millis read_at = 0;
  SensorSample last{};
  SensorSample read(Millis now) override {
    ++reads;
    read_at = now;
    last = next;
    // A real sensor's pressure always jitters a little.
    if (!frozen && last.status == SensorStatus::good) last.reading.pressure += (reads % 2) * 0.01f;
    return last;
  }
  void set_temperature(float c) {
    next.status = SensorStatus::good;
    next.reading.temperature = c;
  }
  void fail() { next.status = SensorStatus::failed; }
};

struct FakeRelay final : Relay {
  bool on = false;
  int switches = 0;
  void set(bool value) override {
    if (value != on) ++switches;
    on = value;
  }
};

struct MemoryStorage final : Storage {
  std::map<Blob, std::vector<uint8_t>> blobs;
  // A blob listed here cannot be read: the read fails with that error.
  std::map<Blob, Error> read_faults;
  // A blob listed here cannot be written: the write fails with that error.
  std::map<Blob, Error> write_faults;
  int writes = 0;
  bool fail_writes = false;
  int fail_next_writes = 0;      // that many writes fail with io, then writes work again
  int writes_before_faults = 0;  // ...but only after this many more have succeeded
  bool tear_next_write = false;  // power lost halfway through a non-atomic write
  Result<size_t> read(Blob blob, uint8_t* out, size_t capacity) override {
    auto fault = read_faults.find(blob);
    if (fault != read_faults.end()) return Result<size_t>::failure(fault->second);
    auto it = blobs.find(blob);
    if (it == blobs.end()) return Result<size_t>::failure(Error::not_found);
    if (it->second.size() > capacity) return Result<size_t>::failure(Error::too_large);
    std::copy(it->second.begin(), it->second.end(), out);
    return Result<size_t>::success(it->second.size());
  }
  Status write(Blob blob, const uint8_t* data, size_t length) override {
    if (fail_writes) return Error::io;
    auto fault = write_faults.find(blob);
    if (fault != write_faults.end()) return fault->second;
    if (fail_next_writes > 0) {
      if (writes_before_faults == 0) {
        --fail_next_writes;
        return Error::io;
      }
      --writes_before_faults;
    }
    ++writes;
    if (tear_next_write) {
      tear_next_write = false;
      auto& existing = blobs[blob];
      existing.resize(length);
      std::copy(data, data + length / 2, existing.begin());
      return Error::io;
    }
    blobs[blob].assign(data, data + length);
    return Error::none;
  }
};

struct FakeLink final : Link {
  std::vector<std::string> sent;
  int drops = 0;
  bool refuse = false;
  Status send_text(const char* text, size_t length) override {
    if (refuse) return Error::io;
    sent.emplace_back(text, length);
    return Error::none;
  }
  void drop() override { ++drops; }
};

struct TestRandom final : Random {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  bool fail = false;
  Status fill(uint8_t* out, size_t length) override {
    if (fail) return Error::no_random;
    for (size_t i = 0; i < length; ++i) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      out[i] = uint8_t(state >> 24);
    }
    return Error::none;
  }
};

// Bytes from hex pairs; spaces between them are skipped, so byte-exact packets can be written grouped.
inline std::vector<uint8_t> hex(const char* text) {
  std::vector<uint8_t> out;
  for (const char* p = text; *p != '\0';) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(p, 2), nullptr, 16)));
    p += 2;
  }
  return out;
}

inline std::vector<uint8_t> b64d(const std::string& s) {
  std::vector<uint8_t> out(s.size());
  auto r = base64url_decode(s.data(), s.size(), out.data(), out.size());
  out.resize(r.ok() ? r.value : 0);
  return out;
}

inline std::string b64e(const uint8_t* data, size_t n) {
  std::string out(base64url_length(n) + 1, '\0');
  auto r = base64url_encode(data, n, out.data(), out.size());
  out.resize(r.value);
  return out;
}

inline std::string json_text(cJSON* json) {
  char* text = cJSON_PrintUnformatted(json);
  std::string s(text);
  cJSON_free(text);
  cJSON_Delete(json);
  return s;
}

struct Json {
  cJSON* root = nullptr;
  explicit Json(const std::string& text) : root(cJSON_Parse(text.c_str())) {}
  Json(Json&& o) noexcept : root(o.root) { o.root = nullptr; }
  Json(const Json&) = delete;
  ~Json() { cJSON_Delete(root); }
  cJSON* get(const char* k) const { return cJSON_GetObjectItemCaseSensitive(root, k); }
  std::string str(const char* k) const {
    cJSON* i = get(k);
    return cJSON_IsString(i) ? i->valuestring : "";
  }
  double num(const char* k) const {
    cJSON* i = get(k);
    return cJSON_IsNumber(i) ? i->valuedouble : -99999;
  }
  bool is_null(const char* k) const { return cJSON_IsNull(get(k)); }
  bool truthy(const char* k) const { return cJSON_IsTrue(get(k)); }
};

// The broker's answer to a good LOG_ON from the thermostat with this ID.
inline std::string ack_log_on(const std::string& id) {
  return "{\"packet_type\":\"ACK_LOG_ON\",\"receiver\":\"" + id + "\"}";
}

// The host the bench's thermostat connects to, as broker_host_from_url gives it.
constexpr const char* kBrokerHost = "hearth.example:8080";

// A CHALLENGE nonce (base64url of 32 bytes) made from a seed.
inline std::string challenge_nonce(uint8_t seed) {
  uint8_t bytes[kChallengeNonceBytes];
  for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = uint8_t(seed * 7 + i);
  std::string out(base64url_length(sizeof bytes) + 1, '\0');
  out.resize(base64url_encode(bytes, sizeof bytes, out.data(), out.size()).value);
  return out;
}

inline std::string challenge(const std::string& nonce) {
  return "{\"packet_type\":\"CHALLENGE\",\"nonce\":\"" + nonce + "\"}";
}

// What the broker checks of a LOG_ON (docs/protocol.md "Logging on"), with
// BearSSL's verifier: the key is a P-256 point, the ID is its hash and the
// signature verifies for this nonce and host.
inline bool logon_verifies(const std::string& transmitter, const std::string& public_key_text,
                           const std::string& signature_text, const std::string& nonce,
                           const std::string& host) {
  if (public_key_text.size() > 200 || signature_text.size() > 200) return false;
  uint8_t public_key[kPublicKeyBytes + 1];
  uint8_t signature[kSignatureBytes + 1];
  const auto key = base64url_decode(public_key_text.data(), public_key_text.size(), public_key,
                                    sizeof public_key);
  const auto sig = base64url_decode(signature_text.data(), signature_text.size(), signature,
                                    sizeof signature);
  if (!key.ok() || key.value != kPublicKeyBytes || public_key[0] != 0x04) return false;
  if (!sig.ok() || sig.value != kSignatureBytes) return false;
  char id[kIdLength + 1];
  id_from_public_key(public_key, kPublicKeyBytes, id);
  if (transmitter != id) return false;
  const std::string text = "hearth-logon-v2|" + nonce + "|" + host;
  uint8_t digest[32];
  br_sha256_context sha;
  br_sha256_init(&sha);
  br_sha256_update(&sha, text.data(), text.size());
  br_sha256_out(&sha, digest);
  const br_ec_public_key pk{BR_EC_secp256r1, public_key, kPublicKeyBytes};
  return br_ecdsa_i15_vrfy_raw(&br_ec_p256_m15, digest, sizeof digest, &pk, signature,
                               kSignatureBytes) == 1;
}

// The member key as an app works it out from a WELCOME (docs/protocol.md "Joining"), with
// BearSSL alone: the ECDH of its private key and the thermostat's one-time point, then
// HKDF-SHA256(salt = the secret the JOIN went under, IKM = X, info = "hearth member v1|T|M").
// Empty when the point is not on the curve.
inline std::vector<uint8_t> app_member_key(const uint8_t private_key[kPrivateKeyBytes], const uint8_t point[65],
                                           const uint8_t secret[kKeyBytes], const std::string& thermostat_id,
                                           const std::string& member_id) {
  uint8_t shared[65];
  std::copy(point, point + 65, shared);
  if (br_ec_p256_m15.mul(shared, sizeof shared, private_key, kPrivateKeyBytes, BR_EC_secp256r1) != 1) return {};
  const std::string info = "hearth member v1|" + thermostat_id + "|" + member_id;
  br_hkdf_context hkdf;
  br_hkdf_init(&hkdf, &br_sha256_vtable, secret, kKeyBytes);
  br_hkdf_inject(&hkdf, shared + 1, 32);
  br_hkdf_flip(&hkdf);
  std::vector<uint8_t> key(kKeyBytes);
  br_hkdf_produce(&hkdf, info.data(), info.size(), key.data(), key.size());
  return key;
}

// An app speaking layer 7 with real envelopes: under a member key once it has joined (join(),
// then welcome()), or under the key it was made with (the old shared key, or anything a test
// wants it to try).
class App {
 public:
  App(const uint8_t* key, std::string thermostat_id, uint8_t seed)
      : thermostat_id_(std::move(thermostat_id)) {
    std::copy(key, key + kKeyBytes, key_);
    // To the thermostat an app's ID is only a name; any 22 characters do.
    uint8_t name[kPublicKeyBytes];
    for (size_t i = 0; i < sizeof name; ++i) name[i] = uint8_t(seed * 31 + i);
    char id[kIdLength + 1];
    id_from_public_key(name, sizeof name, id);
    id_ = id;
  }
  // An app whose ID is given, as in a vector file.
  App(const uint8_t* key, std::string thermostat_id, std::string id) : App(key, std::move(thermostat_id), 0) {
    id_ = std::move(id);
  }
  const std::string& id() const { return id_; }
  std::string session;
  uint64_t seq = 1;
  std::string nonce;
  // What this app seals with now.
  std::vector<uint8_t> key() const { return std::vector<uint8_t>(key_, key_ + kKeyBytes); }
  void use_key(const uint8_t* key) { std::copy(key, key + kKeyBytes, key_); }

  // A JOIN (docs/protocol.md "Joining") as a START packet sealed under `secret` (an invitation's
  // or the old shared key), with a new one-time key pair; `public_key` replaces the point when given.
  std::string join(const uint8_t* secret, const char* name = "Ana's phone", const std::string& public_key = "") {
    std::copy(secret, secret + kKeyBytes, join_secret_);
    make_private_key(random_, join_private_);
    uint8_t point[kPublicKeyBytes];
    derive_public_key(join_private_, point);
    uint8_t n[16];
    random_.fill(n, sizeof n);
    nonce = b64e(n, sizeof n);
    const std::string text = "{\"type\":\"JOIN\",\"name\":\"" + std::string(name) + "\",\"nonce\":\"" + nonce +
                             "\",\"public_key\":\"" + (public_key.empty() ? b64e(point, sizeof point) : public_key) + "\"}";
    return seal_under(join_secret_, "START", text);
  }
  // A frame to this app opened under the secret of its latest JOIN ("" if not for it or bad).
  std::string open_join_answer(const std::string& frame) const { return open_under(join_secret_, frame); }
  // Takes a WELCOME to its latest JOIN: from then on it seals with its member key. False (and
  // nothing changes) when the frame is not one.
  bool welcome(const std::string& frame) {
    Json answer(open_join_answer(frame));
    if (answer.str("type") != "WELCOME" || answer.str("nonce") != nonce) return false;
    const std::vector<uint8_t> point = b64d(answer.str("public_key"));
    if (point.size() != kPublicKeyBytes) return false;
    const std::vector<uint8_t> member_key = app_member_key(join_private_, point.data(), join_secret_, thermostat_id_, id_);
    if (member_key.empty()) return false;
    use_key(member_key.data());
    session.clear();
    return true;
  }

  std::string seal(const char* packet_type, const std::string& plaintext,
                   const std::string& receiver = "") {
    return seal_under(key_, packet_type, plaintext, receiver);
  }
  std::string seal_under(const uint8_t* key, const char* packet_type, const std::string& plaintext,
                         const std::string& receiver = "") {
    const std::string to = receiver.empty() ? thermostat_id_ : receiver;
    std::vector<uint8_t> buffer(plaintext.begin(), plaintext.end());
    buffer.resize(plaintext.size() + kTagBytes);
    std::string envelope(4096, '\0');
    EnvelopeAddress address{packet_type, id_.c_str(), to.c_str()};
    auto r = envelope_seal(key, address, random_, buffer.data(), plaintext.size(), buffer.size(),
                           envelope.data(), envelope.size());
    envelope.resize(r.value);
    cJSON* packet = cJSON_CreateObject();
    cJSON_AddStringToObject(packet, "packet_type", packet_type);
    cJSON_AddStringToObject(packet, "transmitter", id_.c_str());
    cJSON_AddStringToObject(packet, "receiver", to.c_str());
    cJSON_AddStringToObject(packet, "data", envelope.c_str());
    return json_text(packet);
  }

  std::string start(const char* name = "Ana's phone") {
    uint8_t n[12];
    random_.fill(n, sizeof n);
    nonce = b64e(n, sizeof n);
    seq = 1;
    cJSON* m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "type", "START");
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddStringToObject(m, "nonce", nonce.c_str());
    return seal("START", json_text(m));
  }

  // A SET or HOME_set with the next seq; `fields` is the JSON members to add.
  std::string command(const char* type, const std::string& fields) {
    ++seq;
    std::string text = std::string("{\"type\":\"") + type + "\",\"session\":\"" + session +
                       "\",\"seq\":" + std::to_string(seq) + (fields.empty() ? "" : ",") +
                       fields + "}";
    return seal("MSG", text);
  }

  // Opens a frame the thermostat sent to this app; empty if not for us or bad.
  std::string open(const std::string& frame) const { return open_under(key_, frame); }
  std::string open_under(const uint8_t* key, const std::string& frame) const {
    Json packet(frame);
    if (packet.str("receiver") != id_ || packet.str("packet_type") != "MSG") return "";
    const std::string data = packet.str("data");
    std::vector<uint8_t> out(data.size());
    EnvelopeAddress address{"MSG", thermostat_id_.c_str(), id_.c_str()};
    auto r = envelope_open(key, address, data.data(), data.size(), out.data(), out.size());
    if (!r.ok()) return "";
    return std::string(reinterpret_cast<char*>(out.data()), r.value);
  }

 private:
  uint8_t key_[kKeyBytes];
  std::string thermostat_id_;
  std::string id_;
  TestRandom random_;
  uint8_t join_secret_[kKeyBytes] = {};
  uint8_t join_private_[kPrivateKeyBytes] = {};
};

// The secret of a new invitation, read from core's pairing link as an app reads it; empty when
// it makes none.
inline std::vector<uint8_t> invitation_secret(Thermostat& core, Millis now) {
  char text[256];
  const Result<size_t> made = core.pairing_link("http://app.example/", text, sizeof text, now);
  if (!made.ok()) return {};
  const std::string link(text, made.value);
  return b64d(link.substr(link.rfind('.') + 1));
}

// For any rig with core, link, now and deliver(frame): delivers app's JOIN under `secret`, ticks
// (the thermostat works a JOIN out after its heater decision) and hands the app the WELCOME;
// true once the app holds its member key. What the thermostat sent meanwhile goes to *sent,
// not to rig.link.sent.
template <typename Rig>
bool join_thermostat(Rig& rig, App& app, const std::vector<uint8_t>& secret, const char* name,
                     std::vector<std::string>* sent) {
  if (secret.size() != kKeyBytes) return false;
  std::vector<std::string> before;
  before.swap(rig.link.sent);
  rig.deliver(app.join(secret.data(), name));
  rig.core->tick(rig.now);
  bool welcomed = false;
  for (const std::string& frame : rig.link.sent) welcomed = app.welcome(frame) || welcomed;
  sent->swap(rig.link.sent);
  rig.link.sent.swap(before);
  return welcomed;
}

// A thermostat on a bench: fakes, a clock, and helpers to drive it.
struct Bench {
  FakeSensor sensor;
  FakeRelay relay;
  MemoryStorage storage;
  FakeLink link;
  TestRandom random;
  CoreConfig config;
  Millis now = 1000;
  std::unique_ptr<Thermostat> core;

  explicit Bench(Millis start = 1000) : now(start) {}

  // Stores settings as a previous boot would have, for the next boot() to load.
  void seed_settings(const Settings& settings) {
    uint8_t blob[kSettingsBlobSize];
    encode_settings(settings, blob);
    storage.blobs[Blob::settings].assign(blob, blob + sizeof blob);
  }
  Status boot() {
    core = std::make_unique<Thermostat>(sensor, relay, storage, link, random, now, config);
    return core->begin(now);
  }
  void reboot() {
    core.reset();
    relay.on = false;  // a power cycle releases the relay
    link.sent.clear();
    boot();
  }
  // Link open, the broker's CHALLENGE, the LOG_ON the next tick signs, and
  // the broker's ACK (for whatever ID the thermostat has, ready or not).
  void online(uint8_t nonce_seed = 1) {
    core->link_opened(now, kBrokerHost);
    deliver(challenge(challenge_nonce(nonce_seed)));
    core->tick(now);
    deliver(ack_log_on(id()));
    link.sent.clear();  // the LOG_ON
  }
  void deliver(const std::string& frame) { core->link_text(frame.data(), frame.size(), now); }
  // Advances the clock in steps, ticking the core after each.
  void run_for(uint32_t ms, uint32_t step = 1000) {
    for (uint32_t done = 0; done < ms; done += step) {
      now += step;
      core->tick(now);
    }
  }
  std::string id() const { return core->identity().id; }

  // A thermostat updated from a firmware before member keys (docs/protocol.md "The old shared
  // key"): its identity was there, its members blob is not, so the old shared key is open.
  Status boot_updated() {
    boot();
    storage.blobs.erase(Blob::members);
    core.reset();
    link.sent.clear();
    return boot();
  }
  // The secret of a new invitation, read from the pairing link as an app reads it.
  std::vector<uint8_t> invitation() { return invitation_secret(*core, now); }
  // Delivers app's JOIN under `secret`, ticks (the thermostat works a JOIN out after its heater
  // decision) and hands the app the WELCOME; true once the app holds its member key. What the
  // thermostat sent meanwhile is kept in joined_frames, not in link.sent.
  std::vector<std::string> joined_frames;
  bool join(App& a, const std::vector<uint8_t>& secret, const char* name = "Ana's phone") {
    return join_thermostat(*this, a, secret, name, &joined_frames);
  }
  // A member: an app that joined with a new invitation, sealing with its member key (online()
  // first: the WELCOME goes over the link). Its key is the invitation's secret if it could not join.
  App app(uint8_t seed, const char* name = "Ana's phone") {
    const std::vector<uint8_t> secret = invitation();
    App a(secret.size() == kKeyBytes ? secret.data() : core->identity().key, id(), seed);
    join(a, secret, name);
    return a;
  }
  // A phone that has not moved to a key of its own: it seals with the old shared key
  // (boot_updated(), or it works on nothing).
  App legacy_app(uint8_t seed) { return App(core->identity().key, id(), seed); }

  // Opens a session for app and returns the STATE it got.
  std::string start(App& a, const char* name = "Ana's phone") {
    link.sent.clear();
    deliver(a.start(name));
    std::string reply = last_for(a);
    Json j(reply);
    a.session = j.str("session");
    return reply;
  }
  std::string last_for(App& a) {
    for (auto it = link.sent.rbegin(); it != link.sent.rend(); ++it) {
      std::string plain = a.open(*it);
      if (!plain.empty()) return plain;
    }
    return "";
  }
  std::vector<std::string> all_for(App& a) {
    std::vector<std::string> out;
    for (auto& f : link.sent) {
      std::string plain = a.open(f);
      if (!plain.empty()) out.push_back(plain);
    }
    return out;
  }
};

}  // namespace hearth::testing
