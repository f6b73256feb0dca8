#include "network_config.h"

#include <string.h>

#include "codec.h"
#include "logon.h"

namespace hearth {

namespace {

constexpr uint8_t kPinnedFlag = 0x01;
static_assert(kMaxBrokerUrlLength <= 255 && kMaxAppUrlLength <= 255, "lengths are stored in a byte");
// Magic, version, flags, broker length, app length, checksum.
constexpr size_t kNetworkBlobMinSize = 2 + 1 + 1 + 1 + 1 + 4;

// Visible ASCII: no spaces, no control bytes (a NUL would cut the text short
// in one reader and not another), nothing a terminal could act on.
bool visible_ascii(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (text[i] < 0x21 || text[i] > 0x7E) return false;
  }
  return true;
}

// prefix in lowercase; text in any case, as URL parsers take a scheme.
bool starts_with_ignoring_case(const char* text, size_t length, const char* prefix) {
  const size_t n = strlen(prefix);
  if (length < n) return false;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? char(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// host[:port] of an app URL: a name or dotted quad, or a bracketed IPv6
// literal, and a port of 1 to 65535.
bool valid_authority(const char* text, size_t length) {
  size_t at = 0;
  if (length > 0 && text[0] == '[') {
    while (at < length && text[at] != ']') ++at;
    if (at == length || at == 1) return false;
    for (size_t i = 1; i < at; ++i) {
      const char c = text[i];
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return false;
    }
    ++at;
  } else {
    while (at < length && host_char(text[at])) ++at;
    if (at == 0) return false;
  }
  if (at == length) return true;
  if (text[at] != ':' || length - at < 2 || length - at > 6) return false;
  uint32_t port = 0;
  for (size_t i = at + 1; i < length; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    port = port * 10 + uint32_t(text[i] - '0');
  }
  return port >= 1 && port <= 65535;
}

}  // namespace

Status check_app_url(const char* text, size_t length) {
  if (length == 0) return Error::bad_format;
  if (length > kMaxAppUrlLength) return Error::too_large;
  if (!visible_ascii(text, length) || memchr(text, '#', length) != nullptr) return Error::bad_format;
  size_t scheme;
  if (starts_with_ignoring_case(text, length, "https://")) {
    scheme = 8;
  } else if (starts_with_ignoring_case(text, length, "http://")) {
    scheme = 7;
  } else {
    return Error::bad_format;
  }
  size_t end = scheme;
  while (end < length && text[end] != '/' && text[end] != '?') ++end;
  return valid_authority(text + scheme, end - scheme) ? Error::none : Error::bad_format;
}

Status check_broker_url(const char* text, size_t length) {
  if (length == 0) return Error::bad_format;
  if (length > kMaxBrokerUrlLength) return Error::too_large;
  if (!visible_ascii(text, length)) return Error::bad_format;
  char url[kMaxBrokerUrlLength + 1];
  memcpy(url, text, length);
  url[length] = '\0';
  DeviceBrokerUrl parsed;
  const Status status = parse_device_broker_url(url, &parsed);
  return status == Error::too_large ? Error::too_large : status == Error::none ? Error::none : Error::bad_format;
}

namespace {

void copy_text(char* out, const char* text, size_t length) {
  memcpy(out, text, length);
  out[length] = '\0';
}

}  // namespace

bool operator==(const NetworkConfig& a, const NetworkConfig& b) {
  return strcmp(a.broker_url, b.broker_url) == 0 && strcmp(a.app_url, b.app_url) == 0 &&
         a.pinned == b.pinned && (!a.pinned || memcmp(a.pin, b.pin, sizeof a.pin) == 0);
}

size_t encode_network_config(const NetworkConfig& config, uint8_t out[kNetworkBlobMaxSize]) {
  const size_t broker = strlen(config.broker_url);
  const size_t app = strlen(config.app_url);
  size_t at = 0;
  out[at++] = 'H';
  out[at++] = 'N';
  out[at++] = kNetworkConfigVersion;
  out[at++] = config.pinned ? kPinnedFlag : 0;
  out[at++] = uint8_t(broker);
  memcpy(out + at, config.broker_url, broker);
  at += broker;
  out[at++] = uint8_t(app);
  memcpy(out + at, config.app_url, app);
  at += app;
  if (config.pinned) {
    memcpy(out + at, config.pin, kFingerprintBytes);
    at += kFingerprintBytes;
  }
  store_le32(out + at, checksum32(out, at));
  return at + 4;
}

Status decode_network_config(const uint8_t* blob, size_t length, NetworkConfig* out) {
  if (length < kNetworkBlobMinSize || length > kNetworkBlobMaxSize) return Error::corrupt;
  if (blob[0] != 'H' || blob[1] != 'N' || blob[2] != kNetworkConfigVersion) return Error::corrupt;
  if ((blob[3] & ~kPinnedFlag) != 0) return Error::corrupt;
  if (load_le32(blob + length - 4) != checksum32(blob, length - 4)) return Error::corrupt;
  const size_t body_end = length - 4;
  size_t at = 4;
  const size_t broker = blob[at++];
  if (broker > kMaxBrokerUrlLength || body_end - at < broker + 1) return Error::corrupt;
  const char* broker_text = reinterpret_cast<const char*>(blob + at);
  at += broker;
  const size_t app = blob[at++];
  if (app > kMaxAppUrlLength || body_end - at < app) return Error::corrupt;
  const char* app_text = reinterpret_cast<const char*>(blob + at);
  at += app;
  const bool pinned = (blob[3] & kPinnedFlag) != 0;
  if (body_end - at != (pinned ? kFingerprintBytes : 0)) return Error::corrupt;
  // What is stored passes the rules the console applies, or none of it is used.
  if (broker > 0 && check_broker_url(broker_text, broker) != Error::none) return Error::corrupt;
  if (app > 0 && check_app_url(app_text, app) != Error::none) return Error::corrupt;
  copy_text(out->broker_url, broker_text, broker);
  copy_text(out->app_url, app_text, app);
  out->pinned = pinned;
  memset(out->pin, 0, sizeof out->pin);
  if (pinned) memcpy(out->pin, blob + at, kFingerprintBytes);
  return Error::none;
}

Status NetworkConfigStore::load() {
  uint8_t blob[kNetworkBlobMaxSize + 1];
  const Result<size_t> read = storage_.read(Blob::network, blob, sizeof blob);
  if (!read.ok() && read.error != Error::not_found && read.error != Error::too_large) {
    stored_ = Error::io;  // what is in memory stays in use: at boot, nothing
    return stored_;
  }
  config_ = NetworkConfig();
  if (!read.ok()) {
    stored_ = read.error == Error::not_found ? Error::not_found : Error::corrupt;
  } else {
    stored_ = decode_network_config(blob, read.value, &config_);
  }
  return stored_;
}

Status NetworkConfigStore::store(const NetworkConfig& changed) {
  uint8_t blob[kNetworkBlobMaxSize];
  const size_t length = encode_network_config(changed, blob);
  const Status written = storage_.write(Blob::network, blob, length);
  if (written != Error::none) return Error::io;
  config_ = changed;
  stored_ = Error::none;
  return Error::none;
}

Status NetworkConfigStore::set_broker_url(const char* url) {
  const size_t length = strnlen(url, kMaxBrokerUrlLength + 1);
  const Status checked = check_broker_url(url, length);
  if (checked != Error::none) return checked;
  if (stored_ == Error::io) return Error::io;
  if (strcmp(url, config_.broker_url) == 0) return Error::none;
  NetworkConfig changed = config_;
  copy_text(changed.broker_url, url, length);
  // A pin is the certificate of the broker it was set for.
  changed.pinned = false;
  memset(changed.pin, 0, sizeof changed.pin);
  return store(changed);
}

Status NetworkConfigStore::set_app_url(const char* url) {
  const size_t length = strnlen(url, kMaxAppUrlLength + 1);
  const Status checked = check_app_url(url, length);
  if (checked != Error::none) return checked;
  if (stored_ == Error::io) return Error::io;
  if (strcmp(url, config_.app_url) == 0) return Error::none;
  NetworkConfig changed = config_;
  copy_text(changed.app_url, url, length);
  return store(changed);
}

Status NetworkConfigStore::set_broker_pin(const uint8_t* fingerprint) {
  if (stored_ == Error::io) return Error::io;
  NetworkConfig changed = config_;
  changed.pinned = fingerprint != nullptr;
  if (fingerprint != nullptr) {
    memcpy(changed.pin, fingerprint, kFingerprintBytes);
  } else {
    memset(changed.pin, 0, sizeof changed.pin);
  }
  return store(changed);
}

Status NetworkConfigStore::clear() { return store(NetworkConfig()); }

const char* NetworkConfigStore::load_message() const {
  static const char kNotConfigured[] = "network: not configured (no broker URL): set it with broker <ws(s):// URL>";
  switch (stored_) {
    case Error::none: return config_.has_broker() ? "network: configuration loaded" : kNotConfigured;
    case Error::not_found: return kNotConfigured;
    case Error::io:
      return "NETWORK CONFIGURATION UNREADABLE (flash error): not connecting, not writing over it "
             "(factory-reset clears it)";
    default:
      return "network: stored configuration damaged or unknown: not configured; set broker (and "
             "app, broker-pin) again";
  }
}

}  // namespace hearth
