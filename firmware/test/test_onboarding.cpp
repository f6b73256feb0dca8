// Setting the thermostat up over its serial port: the Improv Wi-Fi state
// machine and the console commands (docs/protocol.md "Setting up over the
// serial port"), against a fake radio and the real core on a bench.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "fakes.h"
#include "network_config.h"
#include "onboarding.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// Every pairing link's invitation secret (43 characters of base64url) as "<secret>".
std::string masked(const std::string& text) {
  static const std::regex secret("(#pair=[A-Za-z0-9_-]{22}\\.)[A-Za-z0-9_-]{43}");
  return std::regex_replace(text, secret, "$1<secret>");
}

struct FakeWifi final : WifiStation {
  bool saved = false;
  std::string saved_ssid;
  std::string trying_ssid;
  std::string trying_password;
  WifiStatus state = WifiStatus::idle;
  WifiScanState scan = WifiScanState::idle;
  std::vector<WifiNetwork> results;
  Status remember_result = Error::none;
  // The ESP8266 keeps reporting the connection it had (or the last try's
  // refusal) for a while after a new connect(): status() goes on saying so.
  bool status_lags = false;
  std::vector<std::string> calls;

  bool has_saved_network() override { return saved; }
  void connect_saved() override {
    calls.push_back("connect_saved");
    state = WifiStatus::connecting;
  }
  void connect(const char* ssid, const char* password) override {
    calls.push_back(std::string("connect ") + ssid + " " + password);
    trying_ssid = ssid;
    trying_password = password;
    if (!status_lags) state = WifiStatus::connecting;
  }
  Status remember() override {
    calls.push_back("remember");
    if (remember_result == Error::none) {
      saved = true;
      saved_ssid = trying_ssid;
    }
    return remember_result;
  }
  void disconnect() override {
    calls.push_back("disconnect");
    state = WifiStatus::idle;
  }
  void forget() override {
    calls.push_back("forget");
    saved = false;
    state = WifiStatus::idle;
  }
  WifiStatus status() override { return state; }
  void start_scan() override {
    calls.push_back("start_scan");
    scan = WifiScanState::running;
  }
  WifiScanState scan_state() override { return scan; }
  size_t scan_count() override { return scan == WifiScanState::done ? results.size() : 0; }
  bool scan_result(size_t index, WifiNetwork* out) override {
    if (index >= results.size()) return false;
    *out = results[index];
    return true;
  }
  void scan_clear() override {
    calls.push_back("scan_clear");
    scan = WifiScanState::idle;
  }
};

WifiNetwork network(const char* ssid, int16_t rssi, bool secured = true) {
  WifiNetwork n{};
  snprintf(n.ssid, sizeof n.ssid, "%s", ssid);
  n.rssi = rssi;
  n.secured = secured;
  return n;
}

std::vector<uint8_t> rpc_packet(std::vector<uint8_t> rpc) {
  std::vector<uint8_t> packet{'I', 'M', 'P', 'R', 'O', 'V', 1, 0x03, static_cast<uint8_t>(rpc.size())};
  packet.insert(packet.end(), rpc.begin(), rpc.end());
  uint8_t sum = 0;
  for (uint8_t b : packet) sum = static_cast<uint8_t>(sum + b);
  packet.push_back(sum);
  packet.push_back('\n');
  return packet;
}

std::vector<uint8_t> wifi_settings(const std::string& ssid, const std::string& password) {
  std::vector<uint8_t> rpc{0x01, 0, static_cast<uint8_t>(ssid.size())};
  rpc.insert(rpc.end(), ssid.begin(), ssid.end());
  rpc.push_back(static_cast<uint8_t>(password.size()));
  rpc.insert(rpc.end(), password.begin(), password.end());
  rpc[1] = static_cast<uint8_t>(rpc.size() - 2);
  return rpc_packet(rpc);
}

// The serial output read back the way the Improv SDK and a terminal read it:
// "state:NN", "error:NN", "result:CC[s1,s2]" and "line:<text>", each packet's
// checksum and '\n' checked on the way.
std::vector<std::string> decode(const std::vector<uint8_t>& out) {
  std::vector<std::string> items;
  size_t at = 0;
  while (at < out.size()) {
    if (out.size() - at >= 9 && memcmp(out.data() + at, "IMPROV\x01", 7) == 0) {
      const uint8_t type = out[at + 7];
      const size_t length = out[at + 8];
      REQUIRE(at + 9 + length + 2 <= out.size());
      uint8_t sum = 0;
      for (size_t i = 0; i < 9 + length; ++i) sum = static_cast<uint8_t>(sum + out[at + i]);
      CHECK(out[at + 9 + length] == sum);
      CHECK(out[at + 9 + length + 1] == '\n');
      const uint8_t* data = out.data() + at + 9;
      char head[16];
      if (type == 1 || type == 2) {
        REQUIRE(length == 1);
        snprintf(head, sizeof head, "%s:%02X", type == 1 ? "state" : "error", data[0]);
        items.push_back(head);
      } else {
        REQUIRE(type == 4);
        REQUIRE(length >= 2);
        CHECK(data[1] == length - 2);
        snprintf(head, sizeof head, "result:%02X[", data[0]);
        std::string item = head;
        for (size_t i = 2; i < length;) {
          const size_t n = data[i];
          REQUIRE(i + 1 + n <= length);
          item += (i == 2 ? "" : ",") + std::string(reinterpret_cast<const char*>(data + i + 1), n);
          i += 1 + n;
        }
        items.push_back(item + "]");
      }
      at += 9 + length + 2;
      continue;
    }
    const uint8_t* end = static_cast<const uint8_t*>(memchr(out.data() + at, '\n', out.size() - at));
    REQUIRE(end != nullptr);
    items.push_back("line:" + std::string(reinterpret_cast<const char*>(out.data() + at),
                                          static_cast<size_t>(end - (out.data() + at))));
    at = static_cast<size_t>(end - out.data()) + 1;
  }
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " | ") + item;
  return out;
}

// A booted thermostat on a bench with its serial port and radio.
struct Setup {
  Bench bench;
  FakeWifi wifi;
  NetworkConfigStore network{bench.storage};  // the real one, over the bench's storage
  std::unique_ptr<Onboarding> setup;
  std::vector<uint8_t> raw;  // everything written so far

  explicit Setup(Millis start = 1000, bool saved_network = false, const OnboardingConfig& config = {})
      : bench(start) {
    wifi.saved = saved_network;
    REQUIRE(bench.boot() == Error::none);
    network.load();
    REQUIRE(network.set_app_url("https://hearth.example/") == Error::none);
    setup = std::make_unique<Onboarding>(*bench.core, wifi, network, config);
    setup->begin(bench.now);
  }
  // Writes bytes to the port, in as many passes as the setup takes them in,
  // and returns what came out.
  std::string send(const std::vector<uint8_t>& bytes) {
    std::string out;
    size_t at = 0;
    do {
      at += setup->receive(bytes.data() + at, bytes.size() - at, bench.now);
      const std::string more = pass();
      out += (out.empty() || more.empty() ? "" : " | ") + more;
    } while (at < bytes.size());
    return out;
  }
  std::string type(const std::string& line) { return send(std::vector<uint8_t>(line.begin(), line.end())); }
  std::string pass() {
    setup->poll(bench.now);
    return drain();
  }
  std::string after(uint32_t ms) {
    bench.now += ms;
    bench.core->tick(bench.now);
    return pass();
  }
  std::string drain() {
    std::vector<uint8_t> out(setup->output(), setup->output() + setup->output_length());
    setup->consume_output(out.size());
    raw.insert(raw.end(), out.begin(), out.end());
    return join(decode(out));
  }
  // The pairing link as masked() shows it: each one carries a new invitation (docs/protocol.md
  // "Keys and pairing"), whose secret test_join.cpp checks.
  std::string link() const { return std::string(network.app_url()) + "#pair=" + bench.id() + ".<secret>"; }
};

const std::vector<uint8_t> kRequestState = rpc_packet({0x02, 0x00});
const std::vector<uint8_t> kRequestInfo = rpc_packet({0x03, 0x00});
const std::vector<uint8_t> kRequestScan = rpc_packet({0x04, 0x00});

}  // namespace

TEST_CASE("a fresh thermostat answers state, device info and unknown RPCs byte for byte") {
  Setup s;
  CHECK(s.setup->state() == ImprovState::ready);
  CHECK(s.wifi.calls.empty());  // nothing saved: no connect, no access point either
  s.send(kRequestState);
  // error none (the spec: every RPC clears the error), then the state: ready.
  const std::vector<uint8_t> expected_state{0x49, 0x4D, 0x50, 0x52, 0x4F, 0x56, 0x01, 0x02, 0x01, 0x00, 0xE1, 0x0A,
                                            0x49, 0x4D, 0x50, 0x52, 0x4F, 0x56, 0x01, 0x01, 0x01, 0x02, 0xE2, 0x0A};
  CHECK(s.raw == expected_state);
  CHECK(s.send(kRequestInfo) == "error:00 | result:03[Hearth,0.1.0,ESP8266,Hearth thermostat]");
  CHECK(s.send(rpc_packet({0x05, 0x00})) == "error:00 | error:02");  // hostname: not offered
  CHECK(s.send(rpc_packet({0x07, 0x00})) == "error:00 | error:02");
  CHECK(s.send(rpc_packet({0x02, 0x01, 0x00})) == "error:00 | state:02");
}

TEST_CASE("malformed Improv input is answered invalid RPC and changes nothing") {
  Setup s;
  std::vector<uint8_t> bad_sum = kRequestState;
  bad_sum[bad_sum.size() - 2] ^= 0x5A;
  std::vector<uint8_t> not_rpc = rpc_packet({0x02, 0x00});
  not_rpc[7] = 0x01;  // a "current state" packet sent to the device
  not_rpc[not_rpc.size() - 2] = static_cast<uint8_t>(not_rpc[not_rpc.size() - 2] - 2);
  struct Case {
    const char* name;
    std::vector<uint8_t> input;
  };
  const Case cases[] = {
      {"bad checksum", bad_sum},
      {"not an RPC", not_rpc},
      {"inner length disagrees", rpc_packet({0x02, 0x05})},
      {"empty SSID", wifi_settings("", "secret12")},
      {"33-byte SSID", wifi_settings(std::string(33, 's'), "secret12")},
      {"65-byte password", wifi_settings("home", std::string(65, 'p'))},
      {"NUL in the password", wifi_settings("home", std::string("sec\0ret", 7))},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    CHECK(s.send(c.input) == "error:01");
    CHECK(s.setup->state() == ImprovState::ready);
    CHECK(s.wifi.calls.empty());
  }
  // A packet cut short: abandoned after a second, answered invalid, then all is well.
  const std::vector<uint8_t> cut(kRequestState.begin(), kRequestState.begin() + 10);
  CHECK(s.send(cut) == "");
  CHECK(s.after(999) == "");
  CHECK(s.after(1) == "error:01");
  CHECK(s.send(kRequestState) == "error:00 | state:02");
}

TEST_CASE("provisioning: connect, provisioned, and the pairing link once the thermostat is online") {
  // Starts just before the 32-bit clock wraps: every wait crosses it.
  Setup s(0xFFFFF000u);
  CHECK(s.send(wifi_settings("Home", "correct horse")) == "error:00 | state:03");
  CHECK(s.wifi.calls == std::vector<std::string>{"connect Home correct horse"});
  CHECK(s.setup->state() == ImprovState::provisioning);
  CHECK_FALSE(s.wifi.saved);  // a try, not saved yet

  CHECK(s.after(1000) == "");
  s.wifi.state = WifiStatus::connected;
  CHECK(s.pass() == "state:04");
  CHECK(s.wifi.saved);  // saved once it worked
  CHECK(s.wifi.calls.back() == "remember");
  CHECK(s.setup->state() == ImprovState::provisioned);

  // Waiting for the logon: nothing yet, however often it is polled.
  CHECK(s.after(5000) == "");
  s.bench.online();
  const std::string first = s.pass();
  CHECK(masked(first) == "result:01[" + s.link() + "]");
  CHECK(s.after(30000) == "");  // said once

  // Asked again (the SDK's requestCurrentState): state and a link with a new invitation, each time
  // (docs/protocol.md "Keys and pairing"): an invitation is good for one join.
  const size_t open = s.bench.core->open_invitations(s.bench.now);
  const std::string again = s.send(kRequestState);
  CHECK(masked(again) == "error:00 | state:04 | result:02[" + s.link() + "]");
  CHECK(again.substr(again.find('[')) != first.substr(first.find('[')));
  CHECK(s.bench.core->open_invitations(s.bench.now) == open + 1);
}

TEST_CASE("provisioning: the link is sent after 20 s connected even without a logon") {
  Setup s;
  s.send(wifi_settings("Home", "correct horse"));
  s.wifi.state = WifiStatus::connected;
  CHECK(s.pass() == "state:04");
  CHECK(s.after(19999) == "");
  CHECK(masked(s.after(1)) == "result:01[" + s.link() + "]");
  CHECK_FALSE(s.bench.core->online());
}

TEST_CASE("provisioning that fails goes back to ready, or to the network that worked") {
  struct Case {
    const char* name;
    bool saved_before;
    bool refused;  // the radio says failed (wrong password) rather than timing out
    uint32_t wait;
    const char* after_wait;
    const char* last_call;
    ImprovState state;
  };
  const Case cases[] = {
      {"wrong password, nothing saved", false, true, 500, "error:03 | state:02", "disconnect", ImprovState::ready},
      {"no answer within 30 s, nothing saved", false, false, 30000, "error:03 | state:02", "disconnect",
       ImprovState::ready},
      {"wrong password, a network saved", true, true, 500, "error:03 | state:04", "connect_saved",
       ImprovState::provisioned},
      {"no answer within 30 s, a network saved", true, false, 30000, "error:03 | state:04", "connect_saved",
       ImprovState::provisioned},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    Setup s(0xFFFFC000u, c.saved_before);
    CHECK(s.send(wifi_settings("Home", "wrong")) == "error:00 | state:03");
    if (c.refused) s.wifi.state = WifiStatus::failed;
    if (!c.refused) CHECK(s.after(c.wait - 1) == "");
    CHECK(s.after(c.refused ? c.wait : 1) == c.after_wait);
    CHECK(s.wifi.calls.back() == c.last_call);
    CHECK(s.wifi.saved == c.saved_before);
    CHECK(s.setup->state() == c.state);
    // Then the right password works.
    CHECK(s.send(wifi_settings("Home", "right")) == "error:00 | state:03");
    s.wifi.state = WifiStatus::connected;
    CHECK(s.pass() == "state:04");
    CHECK(s.wifi.saved_ssid == "Home");
  }
}

TEST_CASE("new credentials while connecting replace the attempt and restart its 30 s") {
  Setup s;
  s.send(wifi_settings("Home", "one"));
  s.after(20000);
  CHECK(s.send(wifi_settings("Home", "two")) == "error:00 | state:03");
  CHECK(s.wifi.trying_password == "two");
  CHECK(s.after(29999) == "");
  CHECK(s.after(1) == "error:03 | state:02");
}

TEST_CASE("a thermostat with a saved network connects at boot and is provisioned") {
  Setup s(1000, true);
  CHECK(s.wifi.calls == std::vector<std::string>{"connect_saved"});
  CHECK(s.setup->state() == ImprovState::provisioned);
  CHECK(masked(s.send(kRequestState)) == "error:00 | state:04 | result:02[" + s.link() + "]");
  // Wi-Fi lost later: the radio reconnects by itself; the state machine only reports it.
  s.wifi.state = WifiStatus::connected;
  s.pass();
  s.wifi.state = WifiStatus::connecting;
  CHECK(s.pass() == "");
  CHECK(s.setup->wifi_status() == WifiStatus::connecting);
  CHECK(s.setup->state() == ImprovState::provisioned);
  CHECK(s.wifi.calls == std::vector<std::string>{"connect_saved"});
}

TEST_CASE("without an app URL or identity the redirect result carries no URL") {
  Setup s(1000, true);
  REQUIRE(s.network.clear() == Error::none);
  CHECK(s.send(kRequestState) == "error:00 | state:04 | result:02[]");
}

TEST_CASE("scan: one result per network, strongest first, deduplicated and bounded, then an empty one") {
  Setup s;
  CHECK(s.send(kRequestScan) == "error:00");
  CHECK(s.wifi.calls == std::vector<std::string>{"start_scan"});
  CHECK(s.send(kRequestScan) == "error:00");  // joins the running scan
  CHECK(s.wifi.calls.size() == 1);
  CHECK(s.after(2000) == "");

  s.wifi.results = {network("Home", -70), network("", -20), network("Cafe", -60, false),
                    network("Home", -50), network("Home", -90)};
  for (int i = 0; i < 20; ++i) {
    s.wifi.results.push_back(network(("Far " + std::to_string(i)).c_str(), static_cast<int16_t>(-80 - i)));
  }
  s.wifi.scan = WifiScanState::done;
  // More than the port holds at once: the results come over several passes.
  std::string all = s.pass();
  for (int i = 0; i < 5; ++i) {
    const std::string more = s.pass();
    if (!more.empty()) all += " | " + more;
  }
  std::string expected = "result:04[Home,-50,YES] | result:04[Cafe,-60,NO]";
  for (int i = 0; i < 14; ++i) expected += " | result:04[Far " + std::to_string(i) + "," + std::to_string(-80 - i) + ",YES]";
  expected += " | result:04[]";
  CHECK(all == expected);
  CHECK(s.wifi.calls.back() == "scan_clear");
  CHECK(s.setup->dropped_output() == 0);
}

TEST_CASE("scan: failed, never started, too slow, or during provisioning gives an empty list") {
  SUBCASE("failed") {
    Setup s;
    s.send(kRequestScan);
    s.wifi.scan = WifiScanState::failed;
    CHECK(s.pass() == "result:04[]");
  }
  SUBCASE("the radio did not start it") {
    Setup s;
    s.send(kRequestScan);
    s.wifi.scan = WifiScanState::idle;
    CHECK(s.pass() == "result:04[]");
  }
  SUBCASE("too slow") {
    Setup s(0xFFFFFF00u);
    s.send(kRequestScan);
    CHECK(s.after(14999) == "");
    CHECK(s.after(1) == "result:04[]");
    CHECK(s.wifi.calls.back() == "scan_clear");
  }
  SUBCASE("provisioning") {
    Setup s;
    s.send(wifi_settings("Home", "pw"));
    CHECK(s.send(kRequestScan) == "error:00 | result:04[]");
    CHECK(s.wifi.calls == std::vector<std::string>{"connect Home pw"});
  }
  SUBCASE("credentials arrive while a scan runs: the scan ends empty first") {
    Setup s;
    s.send(kRequestScan);
    CHECK(s.send(wifi_settings("Home", "pw")) == "error:00 | result:04[] | state:03");
  }
  SUBCASE("a scan while the saved network is still being reached tries it again afterwards") {
    Setup s(1000, true);
    s.send(kRequestScan);
    s.wifi.scan = WifiScanState::done;
    s.wifi.state = WifiStatus::idle;  // the radio left it to scan
    CHECK(s.pass() == "result:04[]");
    CHECK(s.wifi.calls == std::vector<std::string>{"connect_saved", "start_scan", "scan_clear", "connect_saved"});
  }
  SUBCASE("a scan while connected leaves the connection alone") {
    Setup s(1000, true);
    s.wifi.state = WifiStatus::connected;
    s.send(kRequestScan);
    s.wifi.scan = WifiScanState::done;
    CHECK(s.pass() == "result:04[]");
    CHECK(s.wifi.calls == std::vector<std::string>{"connect_saved", "start_scan", "scan_clear"});
  }
  SUBCASE("a one-letter name with a weak two-digit RSSI is padded") {
    Setup s;
    s.send(kRequestScan);
    s.wifi.results = {network("a", -9, false)};
    s.wifi.scan = WifiScanState::done;
    CHECK(s.pass() == "result:04[a,-9,NO,] | result:04[]");
  }
}

TEST_CASE("console commands answer one line each") {
  const std::string pin = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";
  struct Case {
    const char* line;
    const char* answer_starts;
  };
  const Case cases[] = {
      {"help", "ok commands: help, pair, broker"},
      {"help me", "error help takes no argument"},
      {"broker wss://hearth.example/ws", "ok broker wss://hearth.example/ws"},
      {"broker ws://192.168.1.10:8080/ws", "ok broker ws://192.168.1.10:8080/ws"},
      {"broker", "error broker takes a ws:// or wss:// URL"},
      {"broker http://hearth.example/", "error broker takes a ws:// or wss:// URL"},
      {"broker wss://user:pw@hearth.example/", "error broker takes a ws:// or wss:// URL"},
      {"broker wss://[::1]/ws", "error broker takes a ws:// or wss:// URL"},
      {"broker-pin 0123456789abcdef0123456789ABCDEF01234567", "ok broker-pin set"},
      {"broker-pin none", "ok broker-pin none"},
      {"broker-pin 0123", "error broker-pin takes the certificate's SHA-1 fingerprint"},
      {"broker-pin", "error broker-pin takes"},
      {"app https://hearth.example/", "ok app https://hearth.example/"},
      {"app http://192.168.1.10:8080/", "ok app http://192.168.1.10:8080/"},
      {"app ftp://hearth.example/", "error app takes the http:// or https:// URL"},
      {"app https://hearth.example/#pair=x", "error app takes"},
      {"app https://", "error app takes"},
      {"app https:///path", "error app takes"},
      {"app https://hearth example/", "error app takes"},
      {"status", "ok status wifi=idle improv=ready broker=ws://192.168.1.10:8080/ws pin=none online=no thermostat="},
      {"forget-wifi", "ok forget-wifi"},
      {"forget-wifi now", "error forget-wifi takes no argument"},
      {"reset", "error unknown command: reset (try help)"},
      {"factory", "error unknown command: factory (try help)"},
  };
  Setup s;
  for (const Case& c : cases) {
    CAPTURE(std::string(c.line));
    const std::string out = s.type(std::string(c.line) + "\n");
    CHECK(out.rfind(std::string("line:") + c.answer_starts, 0) == 0);
    CHECK(out.find(" | ") == std::string::npos);  // one line
  }
  CHECK(std::string(s.network.broker_url()) == "ws://192.168.1.10:8080/ws");
  CHECK(std::string(s.network.app_url()) == "http://192.168.1.10:8080/");
  CHECK_FALSE(s.network.broker_pinned());
  (void)pin;
  CHECK(s.type(std::string(201, 'x') + "\n") == "line:error line too long (at most 200 bytes): ignored up to its end");
  CHECK(s.type(std::string("st\0atus\n", 8)) == "line:error control character in line: ignored");
}

TEST_CASE("pair prints the link (only here, on the wire) and settings changes ask for a new broker link") {
  Setup s;
  CHECK(masked(s.type("pair\n")) == "line:PAIR " + s.link() + " | line:ok pair");
  REQUIRE(s.network.clear() == Error::none);
  CHECK(s.type("pair\n") == "line:error no app URL: set it with app <URL of the app>");
  CHECK_FALSE(s.setup->take_broker_change());
  s.type("broker ws://192.168.1.10:8080/ws\n");
  CHECK(s.setup->take_broker_change());
  CHECK_FALSE(s.setup->take_broker_change());
  s.type("broker-pin none\n");
  CHECK(s.setup->take_broker_change());
  s.type("app https://hearth.example/\n");
  CHECK_FALSE(s.setup->take_broker_change());
  s.bench.storage.fail_writes = true;
  CHECK(s.type("broker wss://hearth.example/ws\n") == "line:error broker URL not stored: io");
  CHECK_FALSE(s.setup->take_broker_change());
  CHECK(std::string(s.network.broker_url()) == "ws://192.168.1.10:8080/ws");
}

TEST_CASE("pair without an identity says why") {
  Setup s;
  s.bench.random.fail = true;
  s.bench.storage.blobs.clear();
  s.bench.reboot();
  s.setup = std::make_unique<Onboarding>(*s.bench.core, s.wifi, s.network);
  s.setup->begin(s.bench.now);
  CHECK(s.type("pair\n") == "line:error no pairing link: the identity is not ready (no_random)");
}

TEST_CASE("forget-wifi and factory-reset") {
  SUBCASE("forget-wifi: the saved network goes, the thermostat waits for new credentials") {
    Setup s(1000, true);
    s.wifi.state = WifiStatus::connected;
    s.pass();
    CHECK(s.type("forget-wifi\n") == "line:ok forget-wifi");
    CHECK(s.wifi.calls.back() == "forget");
    CHECK_FALSE(s.wifi.saved);
    CHECK(s.setup->state() == ImprovState::ready);
    CHECK(s.send(kRequestState) == "error:00 | state:02");
  }
  SUBCASE("forget-wifi during provisioning answers the waiting client") {
    Setup s;
    s.send(wifi_settings("Home", "pw"));
    CHECK(s.type("forget-wifi\n") == "error:03 | line:ok forget-wifi");
    CHECK(s.after(31000) == "");
  }
  SUBCASE("factory-reset: a new identity, no network settings, no Wi-Fi") {
    Setup s(1000, true);
    REQUIRE(s.network.set_broker_url("wss://hearth.example/ws") == Error::none);
    const std::string old_id = s.bench.id();
    CHECK(s.type("factory-reset\n") == "line:ok factory-reset");
    CHECK(s.bench.id() != old_id);
    CHECK(s.network.broker_url()[0] == '\0');
    CHECK_FALSE(s.wifi.saved);
    CHECK(s.setup->state() == ImprovState::ready);
    CHECK(s.setup->take_broker_change());
  }
  SUBCASE("factory-reset that cannot make a new identity changes nothing else") {
    Setup s(1000, true);
    REQUIRE(s.network.set_broker_url("wss://hearth.example/ws") == Error::none);
    s.bench.random.fail = true;
    CHECK(s.type("factory-reset\n").rfind("line:error factory-reset failed: no_random", 0) == 0);
    CHECK(std::string(s.network.broker_url()) == "wss://hearth.example/ws");
    CHECK(s.wifi.saved);
  }
}

TEST_CASE("console lines and Improv packets interleave in one stream") {
  Setup s;
  std::vector<uint8_t> stream;
  auto add = [&](const std::vector<uint8_t>& bytes) { stream.insert(stream.end(), bytes.begin(), bytes.end()); };
  const std::string status = "status\r\n";
  add(std::vector<uint8_t>(status.begin(), status.end()));
  add(kRequestInfo);
  const std::string pair = "pair\n";
  add(std::vector<uint8_t>(pair.begin(), pair.end()));
  add(kRequestState);
  std::string all;
  for (uint8_t byte : stream) {  // one byte per pass, as a slow port delivers them
    const std::string out = s.send({byte});
    if (!out.empty()) all += (all.empty() ? "" : " | ") + out;
  }
  CHECK(masked(all) ==
        "line:ok status wifi=idle improv=ready broker=none pin=none online=no thermostat=" + s.bench.id() +
            " | error:00 | result:03[Hearth,0.1.0,ESP8266,Hearth thermostat] | line:PAIR " + s.link() +
            " | line:ok pair | error:00 | state:02");
}

TEST_CASE("print_line keeps lines whole and never overruns the outbox") {
  Setup s;
  const std::string long_line(500, 'x');
  CHECK(s.setup->print_line(long_line.c_str()));
  CHECK_FALSE(s.setup->print_line(long_line.c_str()));  // no room: dropped whole, counted
  CHECK(s.setup->dropped_output() == 1);
  CHECK(s.drain() == "line:" + long_line);
  CHECK(s.setup->print_line(long_line.c_str()));
}

TEST_CASE("hostile serial input never wedges the setup, and what it writes stays whole") {
  std::mt19937 random(21);
  Setup s;
  const std::vector<std::vector<uint8_t>> pieces = {
      kRequestState, kRequestInfo, kRequestScan, rpc_packet({0x09, 0x00}), wifi_settings("Home", "pw"),
      wifi_settings(std::string(40, 's'), ""), {'h', 'e', 'l', 'p', '\n'}, {'s', 't', 'a', 't', 'u', 's', '\r', '\n'},
      {'I', 'M', 'P', 'R', 'O', 'V', 0x01}, {'\n'}, {0x00, 0x1B, 0x7F, 0x08}};
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> chunk;
    const size_t size = random() % 64 + 1;
    while (chunk.size() < size) {
      if (random() % 3 == 0) {
        chunk.push_back(static_cast<uint8_t>(random()));
      } else {
        const std::vector<uint8_t>& piece = pieces[random() % pieces.size()];
        const size_t cut = random() % 4 == 0 ? random() % piece.size() : piece.size();  // sometimes cut short
        chunk.insert(chunk.end(), piece.begin(), piece.begin() + static_cast<long>(cut));
      }
    }
    s.bench.now += random() % 300;
    if (random() % 5 == 0) s.wifi.state = static_cast<WifiStatus>(random() % 4);
    if (random() % 5 == 0) s.wifi.scan = static_cast<WifiScanState>(random() % 4);
    s.send(chunk);  // decode() checks every packet's checksum and that lines and packets are whole
  }
  // Then a quiet second and a line end: it answers as on the first day.
  s.wifi.scan = WifiScanState::failed;
  s.after(kImprovPacketTimeoutMs);
  s.send({'\n'});
  s.after(60000);
  const std::string state = s.send(kRequestState);
  CHECK(state.rfind("error:00 | state:0", 0) == 0);
  CHECK(s.type("help\n").rfind("line:ok commands:", 0) == 0);
}

TEST_CASE("changing networks: what the radio said before the try is not the try's outcome") {
  struct Case {
    const char* name;
    bool saved_before;
    WifiStatus before;  // what the radio still says right after connect()
  };
  const Case cases[] = {
      {"online on a saved network: still connected to it", true, WifiStatus::connected},
      {"a refused try before: still failed", false, WifiStatus::failed},
      {"a refused try before, a network saved: still failed", true, WifiStatus::failed},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    Setup s(1000, c.saved_before);
    s.wifi.saved_ssid = c.saved_before ? "Old" : "";
    s.wifi.state = c.before;
    s.pass();
    s.wifi.status_lags = true;
    CHECK(s.send(wifi_settings("New", "untested")) == "error:00 | state:03");
    for (int i = 0; i < 5; ++i) CHECK(s.after(100) == "");  // neither saved and provisioned nor refused
    CHECK(s.wifi.saved == c.saved_before);
    CHECK(s.wifi.saved_ssid == (c.saved_before ? "Old" : ""));
    CHECK(s.setup->state() == ImprovState::provisioning);
    // The radio takes up the try; what it says from then on counts.
    s.wifi.state = WifiStatus::connecting;
    CHECK(s.after(100) == "");
    s.wifi.state = WifiStatus::connected;
    CHECK(s.after(100) == "state:04");
    CHECK(s.wifi.saved_ssid == "New");
  }
  SUBCASE("a radio that never takes up the try: unable to connect after 30 s, the old network kept") {
    Setup s(1000, true);
    s.wifi.saved_ssid = "Old";
    s.wifi.state = WifiStatus::connected;
    s.pass();
    s.wifi.status_lags = true;
    s.send(wifi_settings("New", "untested"));
    CHECK(s.after(29999) == "");
    CHECK(s.after(1) == "error:03 | state:04");
    CHECK(s.wifi.saved_ssid == "Old");
    CHECK(s.wifi.calls.back() == "connect_saved");
  }
}

TEST_CASE("broker: the same URL again changes nothing; a new one forgets the old broker's pin") {
  Setup s;
  CHECK(s.type("broker wss://hearth.example/ws\n") == "line:ok broker wss://hearth.example/ws");
  CHECK(s.setup->take_broker_change());
  CHECK(s.type("broker-pin 0123456789abcdef0123456789ABCDEF01234567\n") == "line:ok broker-pin set");
  CHECK(s.setup->take_broker_change());
  const int writes = s.bench.storage.writes;

  // The app sends its broker at every setup: the same one is no reason to drop a working link.
  CHECK(s.type("broker wss://hearth.example/ws\n") == "line:ok broker wss://hearth.example/ws");
  CHECK_FALSE(s.setup->take_broker_change());
  CHECK(s.network.broker_pinned());
  CHECK(s.bench.storage.writes == writes);  // nothing to store either

  // Another broker: its certificate is not the pinned one.
  CHECK(s.type("broker wss://other.example/ws\n") ==
        "line:ok broker wss://other.example/ws (the pin of the old broker's certificate is cleared: "
        "broker-pin to pin this one)");
  CHECK(s.setup->take_broker_change());
  CHECK_FALSE(s.network.broker_pinned());
  CHECK(s.type("broker wss://third.example/ws\n") == "line:ok broker wss://third.example/ws");  // no pin to clear
  CHECK(s.setup->take_broker_change());
}

namespace {

// Like the UART: takes at most `room` bytes of the output per pass.
std::string drain_slowly(Setup& s, size_t room, int passes) {
  std::vector<uint8_t> out;
  for (int i = 0; i < passes; ++i) {
    s.setup->poll(s.bench.now);
    const size_t n = std::min(room, s.setup->output_length());
    out.insert(out.end(), s.setup->output(), s.setup->output() + n);
    s.setup->consume_output(n);
  }
  return join(decode(out));
}

}  // namespace

TEST_CASE("answers are never lost to a full outbox: input waits until they fit") {
  SUBCASE("an RPC while the outbox is full") {
    Setup s;
    const std::string filler(SerialOutbox::kCapacity / 8 - 1, 'x');
    int lines = 0;
    while (s.setup->print_line(filler.c_str())) ++lines;
    REQUIRE(s.setup->output_length() == SerialOutbox::kCapacity);
    const uint32_t dropped = s.setup->dropped_output();
    s.setup->receive(kRequestState.data(), kRequestState.size(), s.bench.now);
    s.setup->poll(s.bench.now);
    std::string expected;
    for (int i = 0; i < lines; ++i) expected += "line:" + filler + " | ";
    CHECK(drain_slowly(s, 128, 40) == expected + "error:00 | state:02");
    CHECK(s.setup->dropped_output() == dropped);
  }
  SUBCASE("a burst of requests, each with a long answer, and a console line, read 128 bytes a pass") {
    Setup s(1000, true);  // provisioned: each state request is answered with the pairing link too
    std::vector<uint8_t> burst;
    for (int i = 0; i < 4; ++i) burst.insert(burst.end(), kRequestState.begin(), kRequestState.end());
    const std::string status = "status\n";
    burst.insert(burst.end(), status.begin(), status.end());
    REQUIRE(burst.size() <= 64);
    REQUIRE(s.setup->print_line(std::string(300, 'y').c_str()));
    s.setup->receive(burst.data(), burst.size(), s.bench.now);
    const std::string answer = "error:00 | state:04 | result:02[" + s.link() + "]";
    CHECK(masked(drain_slowly(s, 128, 40)) == "line:" + std::string(300, 'y') + " | " + answer + " | " + answer + " | " +
                                          answer + " | " + answer +
                                          " | line:ok status wifi=connecting improv=provisioned broker=none "
                                          "pin=none online=no thermostat=" +
                                          s.bench.id());
    CHECK(s.setup->dropped_output() == 0);
  }
}

TEST_CASE("a packet cut in two by a long pass of the loop is still read") {
  // A TLS handshake can hold the loop for seconds while the rest of a packet
  // waits in the UART's buffer: it is read before the packet is judged late.
  const std::vector<uint8_t> packet = wifi_settings("Home", "correct horse");
  for (const size_t second_part : {size_t(0), size_t(12)}) {  // the rest in one pass, or in two
    CAPTURE(second_part);
    Setup s;
    s.setup->receive(packet.data(), 10, s.bench.now);
    CHECK(s.pass() == "");
    s.bench.now += 3000;
    const size_t rest = packet.size() - 10;
    const size_t first_part = rest - second_part;
    s.setup->receive(packet.data() + 10, first_part, s.bench.now);
    std::string out = s.pass();
    if (second_part > 0) {
      CHECK(out == "");
      s.bench.now += 5;
      out = s.send(std::vector<uint8_t>(packet.end() - long(second_part), packet.end()));
    }
    CHECK(out == "error:00 | state:03");
  }
}

TEST_CASE("serial_active: no dialling while someone is at the port, none after the setup is done") {
  struct Step {
    const char* name;
    std::function<void(Setup&)> act;
    bool active;
  };
  auto status = [](Setup& s) { s.type("status\n"); };
  const Step steps[] = {
      {"a fresh board, nobody at the port", [](Setup&) {}, false},
      {"a console line", status, true},
      {"19.999 s later", [](Setup& s) { s.after(19999); }, true},
      {"20 s after it", [](Setup& s) { s.after(1); }, false},
      {"a scan request", [](Setup& s) { s.send(kRequestScan); }, true},
      {"the scan outlasts the hold-off", [](Setup& s) { s.after(14000); s.after(6000); }, true},
      {"its results sent, the hold-off long over", [](Setup& s) { s.wifi.scan = WifiScanState::done; s.pass(); }, false},
      {"a single byte (no line yet)", [](Setup& s) { s.send({'s'}); }, true},
      {"Wi-Fi credentials", [](Setup& s) { s.send(wifi_settings("Home", "correct horse")); }, true},
      {"still connecting after the hold-off", [](Setup& s) { s.after(25000); }, true},
      {"connected: the logon the link waits for may happen",
       [](Setup& s) {
         s.wifi.state = WifiStatus::connected;
         s.pass();
       },
       false},
      {"bytes while the link is awaited do not hold it off", [](Setup& s) { s.send(kRequestState); }, false},
      {"online: the link is sent; those bytes count again", [](Setup& s) { s.bench.online(); s.pass(); }, true},
      {"20 s after them", [](Setup& s) { s.after(20000); }, false},
      {"the next bytes hold off again", [](Setup& s) { s.send(kRequestState); }, true},
      {"credentials that fail", [](Setup& s) { s.send(wifi_settings("Home", "wrong")); s.wifi.state = WifiStatus::failed; s.after(100); }, true},
      {"20 s after them", [](Setup& s) { s.after(19900); }, false},
      {"a whole turn of the 32-bit clock later: still quiet",
       [](Setup& s) {
         for (int i = 0; i < 4; ++i) s.after(0x40000000u);
       },
       false},
  };
  OnboardingConfig config;
  config.scan_timeout_ms = 30000;  // a scan that outlasts the hold-off
  Setup s(0xFFFF0000u, false, config);  // the clock wraps on the way
  for (const Step& step : steps) {
    CAPTURE(std::string(step.name));
    step.act(s);
    CHECK(s.setup->serial_active(s.bench.now) == step.active);
  }
}
