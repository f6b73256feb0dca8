// Where the thermostat connects and what its pairing link names: the broker
// URL, the app URL and the broker certificate pin (tls_pin.h), set on the
// serial console or by Improv (onboarding.h) and kept as one blob
// (Blob::network). The stored blob is as hostile as any input: it is parsed
// and checked here by the same rules as the console's text, and anything that
// does not check out is "not configured", never half a configuration.
//
// Use (glue and simulator):
//   NetworkConfigStore network(storage);
//   network.load();             // at boot; print network.load_message()
//   Onboarding setup(core, wifi, network);   // the console sets it through NetworkSettings
//   network.config().broker_url, .pinned, .pin   // what to dial
#pragma once
#include "core_types.h"
#include "onboarding.h"
#include "ports.h"
#include "tls_pin.h"

namespace hearth {

// Anything a console line (200 bytes) can carry after "broker ".
constexpr size_t kMaxBrokerUrlLength = 200;

// A ws:// or wss:// URL that parse_device_broker_url accepts, of visible ASCII
// (no spaces or control bytes). bad_format or too_large otherwise.
Status check_broker_url(const char* text, size_t length);
// An http:// or https:// URL (scheme in any case) with a host (a name, a
// dotted quad or a bracketed IPv6 literal, an optional port of 1 to 65535), of
// visible ASCII, without credentials or '#' (the pairing link adds its own
// fragment), at most kMaxAppUrlLength bytes. bad_format or too_large otherwise.
Status check_app_url(const char* text, size_t length);

struct NetworkConfig {
  char broker_url[kMaxBrokerUrlLength + 1] = "";  // "" until set: not configured
  char app_url[kMaxAppUrlLength + 1] = "";        // "" until set: no pairing link
  bool pinned = false;  // true: wss:// trusts only the certificate with this SHA-1
  uint8_t pin[kFingerprintBytes] = {};

  bool has_broker() const { return broker_url[0] != '\0'; }
};

bool operator==(const NetworkConfig& a, const NetworkConfig& b);
inline bool operator!=(const NetworkConfig& a, const NetworkConfig& b) { return !(a == b); }

// Blob: "HN", version, flags (bit 0: pinned), broker URL length (1 byte) and
// bytes, app URL length and bytes, the 20-byte pin when pinned, checksum32 of
// all that precedes. Exactly that long.
constexpr uint8_t kNetworkConfigVersion = 1;
constexpr size_t kNetworkBlobMaxSize =
    2 + 1 + 1 + 1 + kMaxBrokerUrlLength + 1 + kMaxAppUrlLength + kFingerprintBytes + 4;
size_t encode_network_config(const NetworkConfig& config, uint8_t out[kNetworkBlobMaxSize]);
// corrupt for a wrong magic, version, flags, length or checksum, or a URL the
// set_* rules refuse. *out is written only on success.
Status decode_network_config(const uint8_t* blob, size_t length, NetworkConfig* out);

// The configuration in use and its blob. Every change is checked again here
// (whoever calls), stored, and only then put in use.
class NetworkConfigStore final : public NetworkSettings {
 public:
  explicit NetworkConfigStore(Storage& storage) : storage_(storage) {}
  NetworkConfigStore(const NetworkConfigStore&) = delete;
  NetworkConfigStore& operator=(const NetworkConfigStore&) = delete;

  // Reads the stored configuration. none: in use. not_found (never set) or
  // corrupt (damaged, from a newer firmware, or hostile): not configured, an
  // empty configuration in use, and the next change stores a new one. io: it
  // cannot be read; what was in use stays (at boot: nothing), and nothing is
  // written over the stored one until a load reads it (load again to retry)
  // or clear() is asked for.
  Status load();
  // What the last load gave (none also after a successful write).
  Status stored_state() const { return stored_; }
  // One console line for the state after load(): configured, not configured
  // (and how to set it), or unreadable (and that nothing is written over it).
  const char* load_message() const;
  const NetworkConfig& config() const { return config_; }

  // NetworkSettings. Each answers none, bad_format or too_large for a value
  // the check_* rules refuse (nothing changes), or io when storage failed
  // (the configuration in use and the stored one stay as they were) or the
  // stored one cannot be read (it is not written over).
  const char* broker_url() const override { return config_.broker_url; }
  const char* app_url() const override { return config_.app_url; }
  bool broker_pinned() const override { return config_.pinned; }
  Status set_broker_url(const char* url) override;
  Status set_app_url(const char* url) override;
  // fingerprint: kFingerprintBytes, or nullptr to trust the built-in roots.
  Status set_broker_pin(const uint8_t* fingerprint) override;
  // A factory reset: stores an empty configuration, also over one that
  // cannot be read (the user asked for everything to go).
  Status clear() override;

 private:
  Status store(const NetworkConfig& changed);
  Storage& storage_;
  NetworkConfig config_;
  Status stored_ = Error::not_found;
};

}  // namespace hearth
