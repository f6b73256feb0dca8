// The network configuration blob (broker URL, app URL, broker pin): checked by
// one set of rules whether it comes from the console or from flash, and a
// missing, damaged or unreadable blob is never half a configuration.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "codec.h"
#include "fakes.h"
#include "network_config.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

Status broker(const std::string& text) { return check_broker_url(text.data(), text.size()); }
Status app(const std::string& text) { return check_app_url(text.data(), text.size()); }

NetworkConfig full_config() {
  NetworkConfig config;
  strcpy(config.broker_url, "wss://hearth.example:8443/ws");
  strcpy(config.app_url, "https://hearth.example/app/");
  config.pinned = true;
  for (size_t i = 0; i < kFingerprintBytes; ++i) config.pin[i] = uint8_t(0xA0 + i);
  return config;
}

std::vector<uint8_t> encoded(const NetworkConfig& config) {
  uint8_t blob[kNetworkBlobMaxSize];
  const size_t length = encode_network_config(config, blob);
  return std::vector<uint8_t>(blob, blob + length);
}

// A blob with a correct checksum around whatever body is given: what a
// hostile or buggy writer could leave on flash.
std::vector<uint8_t> sealed(std::vector<uint8_t> body) {
  uint8_t sum[4];
  store_le32(sum, checksum32(body.data(), body.size()));
  body.insert(body.end(), sum, sum + 4);
  return body;
}

std::vector<uint8_t> body_of(uint8_t flags, const std::string& broker_url, const std::string& app_url,
                             size_t pin_bytes) {
  std::vector<uint8_t> body = {'H', 'N', kNetworkConfigVersion, flags, uint8_t(broker_url.size())};
  body.insert(body.end(), broker_url.begin(), broker_url.end());
  body.push_back(uint8_t(app_url.size()));
  body.insert(body.end(), app_url.begin(), app_url.end());
  body.insert(body.end(), pin_bytes, uint8_t(0x5C));
  return body;
}

// The longest broker URL there can be: a long host (labels of at most 63), "/ws".
std::string longest_broker_url() {
  const std::string url = "wss://" + std::string(61, 'a') + "." + std::string(60, 'b') + "." +
                          std::string(60, 'c') + ".example/ws";
  REQUIRE(url.size() == kMaxBrokerUrlLength);
  return url;
}

Status decodes(const std::vector<uint8_t>& blob, NetworkConfig* out) {
  return decode_network_config(blob.data(), blob.size(), out);
}

}  // namespace

TEST_CASE("network: broker URLs by the device's own URL rules") {
  struct Row {
    std::string url;
    Error expected;
  };
  const Row rows[] = {
      {"ws://192.168.1.10:8080/ws", Error::none},
      {"wss://hearth.example/ws", Error::none},
      {"wss://hearth.example", Error::none},
      {"WSS://Hearth.Example/ws", Error::none},
      {"", Error::bad_format},
      {"http://hearth.example/ws", Error::bad_format},
      {"hearth.example/ws", Error::bad_format},
      {"wss://user:pw@hearth.example/ws", Error::bad_format},
      {"wss://hearth.example:0/ws", Error::bad_format},
      {"wss://hearth.example/ws#x", Error::bad_format},
      {"wss://hearth.example/w s", Error::bad_format},
      {"wss://hearth.example/ws\n", Error::bad_format},
      {std::string("wss://hearth.example/\0ws", 24), Error::bad_format},
      {"wss://h\xC3\xA9.example/ws", Error::bad_format},
      {longest_broker_url(), Error::none},
      {longest_broker_url() + "s", Error::too_large},
      {"wss://hearth.example/" + std::string(127, 'a'), Error::too_large},  // the dialler's path limit
  };
  for (const Row& row : rows) {
    CAPTURE(row.url);
    CHECK(broker(row.url) == row.expected);
  }
}

TEST_CASE("network: app URLs the pairing link can be appended to") {
  struct Row {
    std::string url;
    Error expected;
  };
  const Row rows[] = {
      {"http://hearth.local:8080/", Error::none},
      {"https://hearth.example", Error::none},
      {"HTTPS://hearth.example/app/?x=1", Error::none},
      {"http://192.168.1.10:8080/", Error::none},
      {"http://[fd00::1]:8080/", Error::none},
      {"", Error::bad_format},
      {"ftp://hearth.example/", Error::bad_format},
      {"https://", Error::bad_format},
      {"https:///app", Error::bad_format},
      {"https://:8080/", Error::bad_format},
      {"https://hearth.example:0/", Error::bad_format},
      {"https://hearth.example:65536/", Error::bad_format},
      {"https://hearth.example:80a/", Error::bad_format},
      {"https://hearth.example:/", Error::bad_format},
      {"https://user@hearth.example/", Error::bad_format},
      {"https://hearth.example/#pair=x", Error::bad_format},
      {"https://hearth.example/a b", Error::bad_format},
      {"https://hearth.example/\x1b[2J", Error::bad_format},
      {"https://[]/", Error::bad_format},
      {"https://[fd00::1/", Error::bad_format},
      {"https://hearth.example/" + std::string(kMaxAppUrlLength - 23, 'a'), Error::none},
      {"https://hearth.example/" + std::string(kMaxAppUrlLength - 22, 'a'), Error::too_large},
  };
  for (const Row& row : rows) {
    CAPTURE(row.url);
    CHECK(app(row.url) == row.expected);
  }
}

TEST_CASE("network: the blob round-trips, exactly as long as its contents") {
  NetworkConfig empty;
  NetworkConfig broker_only;
  strcpy(broker_only.broker_url, "ws://10.0.0.2:8080/ws");
  NetworkConfig longest = full_config();
  std::string long_broker = longest_broker_url();
  std::string long_app = "https://hearth.example/" + std::string(kMaxAppUrlLength - 23, 'c');
  strcpy(longest.broker_url, long_broker.c_str());
  strcpy(longest.app_url, long_app.c_str());
  for (const NetworkConfig& config : {empty, broker_only, full_config(), longest}) {
    CAPTURE(config.broker_url);
    const std::vector<uint8_t> blob = encoded(config);
    CHECK(blob.size() == 2 + 1 + 1 + 1 + strlen(config.broker_url) + 1 + strlen(config.app_url) +
                             (config.pinned ? kFingerprintBytes : 0) + 4);
    CHECK(blob.size() <= kNetworkBlobMaxSize);
    NetworkConfig decoded;
    REQUIRE(decodes(blob, &decoded) == Error::none);
    CHECK(decoded == config);
  }
  CHECK(encoded(longest).size() == kNetworkBlobMaxSize);
}

TEST_CASE("network: any damage to the blob is corrupt, and leaves the output alone") {
  const std::vector<uint8_t> good = encoded(full_config());
  NetworkConfig untouched;
  strcpy(untouched.broker_url, "ws://before:1/ws");
  const NetworkConfig before = untouched;
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    std::vector<uint8_t> blob = good;
    blob[bit / 8] ^= uint8_t(1u << (bit % 8));
    CAPTURE(bit);
    CHECK(decodes(blob, &untouched) == Error::corrupt);
  }
  for (size_t length = 0; length < good.size(); ++length) {
    CAPTURE(length);
    CHECK(decodes(std::vector<uint8_t>(good.begin(), good.begin() + long(length)), &untouched) ==
          Error::corrupt);
  }
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  CHECK(decodes(longer, &untouched) == Error::corrupt);
  CHECK(untouched == before);
}

TEST_CASE("network: a blob with a good checksum but hostile contents is corrupt") {
  const std::string ok_broker = "wss://hearth.example/ws";
  const std::string ok_app = "https://hearth.example/";
  struct Row {
    const char* name;
    std::vector<uint8_t> blob;
  };
  std::vector<uint8_t> wrong_magic = body_of(0, ok_broker, ok_app, 0);
  wrong_magic[1] = 'X';
  std::vector<uint8_t> newer = body_of(0, ok_broker, ok_app, 0);
  newer[2] = kNetworkConfigVersion + 1;
  std::vector<uint8_t> overrun = body_of(0, ok_broker, ok_app, 0);
  overrun[4] = 250;  // the broker URL "runs" past the end
  std::vector<uint8_t> app_overrun = body_of(0, ok_broker, ok_app, 0);
  app_overrun[5 + ok_broker.size()] = uint8_t(ok_app.size() + 1);
  const Row rows[] = {
      {"wrong magic", sealed(wrong_magic)},
      {"a newer version", sealed(newer)},
      {"unknown flag", sealed(body_of(0x02, ok_broker, ok_app, 0))},
      {"pinned without a pin", sealed(body_of(0x01, ok_broker, ok_app, 0))},
      {"a pin without the flag", sealed(body_of(0x00, ok_broker, ok_app, kFingerprintBytes))},
      {"a short pin", sealed(body_of(0x01, ok_broker, ok_app, kFingerprintBytes - 1))},
      {"broker length past the end", sealed(overrun)},
      {"app length past the end", sealed(app_overrun)},
      {"broker URL not ws(s)", sealed(body_of(0, "http://hearth.example/ws", ok_app, 0))},
      {"broker URL with a NUL", sealed(body_of(0, std::string("wss://a\0b/ws", 12), ok_app, 0))},
      {"broker URL with a newline", sealed(body_of(0, "wss://hearth.example/ws\nrm", ok_app, 0))},
      {"broker URL too long", sealed(body_of(0, "wss://h.example/" + std::string(190, 'a'), ok_app, 0))},
      {"app URL with a fragment", sealed(body_of(0, ok_broker, "https://hearth.example/#pair=x", 0))},
      {"app URL not http(s)", sealed(body_of(0, ok_broker, "javascript:alert(1)", 0))},
      {"app URL too long", sealed(body_of(0, ok_broker, "https://h.example/" + std::string(150, 'a'), 0))},
      {"empty", sealed({})},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    NetworkConfig out;
    CHECK(decodes(row.blob, &out) == Error::corrupt);
    CHECK(out == NetworkConfig());
  }
  // The rows are wrong for the reason they name: with that fixed, each decodes.
  NetworkConfig out;
  CHECK(decodes(sealed(body_of(0, ok_broker, ok_app, 0)), &out) == Error::none);
  CHECK(decodes(sealed(body_of(1, ok_broker, ok_app, kFingerprintBytes)), &out) == Error::none);
  CHECK(decodes(sealed(body_of(0, "", "", 0)), &out) == Error::none);
}

TEST_CASE("network store: not configured when the blob is missing, damaged or too large; then set afresh") {
  for (const int stored : {0, 1, 2, 3}) {
    CAPTURE(stored);
    MemoryStorage storage;
    if (stored == 1) storage.blobs[Blob::network] = {'H', 'N', 1, 0, 3, 'a', 'b'};
    if (stored == 2) storage.blobs[Blob::network] = std::vector<uint8_t>(kNetworkBlobMaxSize + 50, 0);
    if (stored == 3) storage.blobs[Blob::network] = {};  // an empty file
    NetworkConfigStore network(storage);
    const Status loaded = network.load();
    CHECK(loaded == (stored == 0 ? Error::not_found : Error::corrupt));
    CHECK_FALSE(network.config().has_broker());
    CHECK(network.config() == NetworkConfig());
    CHECK(std::string(network.load_message()).find("not configured") != std::string::npos);
    CHECK(storage.writes == 0);  // loading never writes

    CHECK(network.set_broker_url("wss://hearth.example/ws") == Error::none);
    CHECK(network.stored_state() == Error::none);
    NetworkConfigStore after_reboot(storage);
    CHECK(after_reboot.load() == Error::none);
    CHECK(std::string(after_reboot.broker_url()) == "wss://hearth.example/ws");
    CHECK(std::string(after_reboot.load_message()) == "network: configuration loaded");
  }
}

TEST_CASE("network store: each setting is checked, stored, and kept across a reboot") {
  MemoryStorage storage;
  NetworkConfigStore network(storage);
  network.load();
  CHECK(network.set_broker_url("http://hearth.example/ws") == Error::bad_format);
  CHECK(network.set_app_url("https://hearth.example/#x") == Error::bad_format);
  CHECK(storage.writes == 0);
  const uint8_t pin[kFingerprintBytes] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  REQUIRE(network.set_broker_url("wss://hearth.example/ws") == Error::none);
  REQUIRE(network.set_app_url("https://hearth.example/") == Error::none);
  REQUIRE(network.set_broker_pin(pin) == Error::none);
  CHECK(network.broker_pinned());

  NetworkConfigStore after_reboot(storage);
  REQUIRE(after_reboot.load() == Error::none);
  CHECK(after_reboot.config() == network.config());
  CHECK(memcmp(after_reboot.config().pin, pin, sizeof pin) == 0);

  REQUIRE(network.set_broker_pin(nullptr) == Error::none);
  CHECK_FALSE(network.broker_pinned());
  REQUIRE(network.clear() == Error::none);
  NetworkConfigStore after_reset(storage);
  CHECK(after_reset.load() == Error::none);
  CHECK_FALSE(after_reset.config().has_broker());
  CHECK(std::string(after_reset.load_message()).find("not configured") != std::string::npos);
}

TEST_CASE("network store: a failed write changes nothing, in use or stored") {
  MemoryStorage storage;
  NetworkConfigStore network(storage);
  network.load();
  REQUIRE(network.set_broker_url("wss://old.example/ws") == Error::none);
  const std::vector<uint8_t> blob = storage.blobs[Blob::network];
  storage.fail_writes = true;
  CHECK(network.set_broker_url("wss://new.example/ws") == Error::io);
  CHECK(network.set_app_url("https://new.example/") == Error::io);
  CHECK(network.clear() == Error::io);
  CHECK(std::string(network.broker_url()) == "wss://old.example/ws");
  CHECK(std::string(network.app_url()).empty());
  CHECK(storage.blobs[Blob::network] == blob);
}

TEST_CASE("network store: an unreadable blob is reported and never written over, until it reads or is cleared") {
  MemoryStorage storage;
  {
    NetworkConfigStore first(storage);
    first.load();
    REQUIRE(first.set_broker_url("wss://hearth.example/ws") == Error::none);
  }
  const std::vector<uint8_t> blob = storage.blobs[Blob::network];
  storage.read_faults[Blob::network] = Error::io;
  NetworkConfigStore network(storage);
  CHECK(network.load() == Error::io);
  CHECK_FALSE(network.config().has_broker());
  CHECK(std::string(network.load_message()).find("UNREADABLE") != std::string::npos);
  const int writes = storage.writes;
  CHECK(network.set_broker_url("wss://other.example/ws") == Error::io);
  CHECK(network.set_app_url("https://other.example/") == Error::io);
  const uint8_t pin[kFingerprintBytes] = {};
  CHECK(network.set_broker_pin(pin) == Error::io);
  CHECK(network.set_broker_url("not a url") == Error::bad_format);  // the text is judged first
  CHECK(storage.writes == writes);
  CHECK(storage.blobs[Blob::network] == blob);

  SUBCASE("it reads again: in use, and changes are stored again") {
    storage.read_faults.clear();
    CHECK(network.load() == Error::none);
    CHECK(std::string(network.broker_url()) == "wss://hearth.example/ws");
    CHECK(network.set_app_url("https://hearth.example/") == Error::none);
  }
  SUBCASE("a factory reset clears it all the same") {
    CHECK(network.clear() == Error::none);
    storage.read_faults.clear();
    CHECK(network.load() == Error::none);
    CHECK_FALSE(network.config().has_broker());
  }
}

TEST_CASE("network store: the same broker URL is not stored again; another one forgets the pin") {
  MemoryStorage storage;
  NetworkConfigStore network(storage);
  network.load();
  const uint8_t pin[kFingerprintBytes] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  REQUIRE(network.set_broker_url("wss://hearth.example/ws") == Error::none);
  REQUIRE(network.set_app_url("https://hearth.example/") == Error::none);
  REQUIRE(network.set_broker_pin(pin) == Error::none);
  const int writes = storage.writes;

  CHECK(network.set_broker_url("wss://hearth.example/ws") == Error::none);
  CHECK(storage.writes == writes);
  CHECK(network.broker_pinned());

  // A pin is one broker's certificate: a thermostat sent elsewhere with it would never log on.
  CHECK(network.set_broker_url("wss://other.example/ws") == Error::none);
  CHECK_FALSE(network.broker_pinned());
  CHECK(std::string(network.app_url()) == "https://hearth.example/");
  NetworkConfigStore after_reboot(storage);
  REQUIRE(after_reboot.load() == Error::none);
  CHECK(std::string(after_reboot.broker_url()) == "wss://other.example/ws");
  CHECK_FALSE(after_reboot.broker_pinned());
  CHECK(after_reboot.config() == network.config());
}
