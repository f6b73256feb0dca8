// ESP8266 glue for the Hearth thermostat. It only wires the core to the
// hardware: Wi-Fi and the setup portal, the WebSocket client, the BME280, the
// relay GPIO and LittleFS. Every decision is made in lib/thermostat_core,
// which is tested on the host. Nothing here blocks: the setup portal runs
// non-blocking so the heater stays under control while it is open.
#include <Adafruit_BME280.h>
#include <Arduino.h>
#include <ESP8266WiFi.h>
#include <LittleFS.h>
#include <StackThunk.h>
#include <flash_hal.h>
#include <WebSocketsClient.h>
#include <WiFiManager.h>
#include <Wire.h>
#include <time.h>

#include "flash.h"
#include "logon.h"
#include "thermostat.h"
#include "tls_pin.h"
#include "trust_anchors.h"

namespace {

// Wiring (see README.md): BME280 on I2C, relay module on D5.
constexpr uint8_t kSdaPin = D2;            // GPIO4
constexpr uint8_t kSclPin = D1;            // GPIO5
constexpr uint8_t kRelayPin = D5;          // GPIO14, low at boot: the heater stays off
constexpr bool kRelayActiveHigh = true;    // set false for active-low relay modules
constexpr const char* kNetConfigPath = "/net.cfg";
// Certificates are checked against the wall clock: no wss:// before SNTP has
// set it past this (2024-01-01), so an unset clock cannot pass an expired one.
constexpr time_t kClockKnownAfter = 1704067200;

bool g_radio_started = false;

}  // namespace

// The core's crypto jobs on BearSSL's own stack (StackThunk, from the ESP8266 core).
extern "C" void hearth_crypto_job(void (*job)(void*), void* context) { job(context); }
make_stack_thunk(hearth_crypto_job);
extern "C" void thunk_hearth_crypto_job(void (*job)(void*), void* context);

namespace {

class Bme280Sensor final : public hearth::Sensor {
 public:
  bool begin() { return bme_.begin(0x76, &Wire) || bme_.begin(0x77, &Wire); }
  hearth::SensorSample read() override {
    const float t = bme_.readTemperature();
    const float h = bme_.readHumidity();
    const float p = bme_.readPressure() / 100.0f;
    if (isnan(t) || isnan(h) || isnan(p)) return {false, {0, 0, 0}};
    return {true, {t, h, p}};
  }

 private:
  Adafruit_BME280 bme_;
};

class GpioRelay final : public hearth::Relay {
 public:
  void set(bool on) override { digitalWrite(kRelayPin, on == kRelayActiveHigh ? HIGH : LOW); }
};

// One file per blob; written to a temporary file and renamed, which LittleFS
// does atomically, so a power cut leaves the old or the new blob. Only a
// mounted file system without the file is "not found": anything else is an
// error, so that the core never mistakes a flash fault for a fresh device
// (docs/protocol.md "What the thermostat does, whatever it is told").
bool g_fs_mounted = false;

class LittleFsStorage final : public hearth::Storage {
 public:
  hearth::Result<size_t> read(hearth::Blob blob, uint8_t* out, size_t capacity) override {
    if (!g_fs_mounted) return hearth::Result<size_t>::failure(hearth::Error::io);
    if (!LittleFS.exists(path(blob))) return hearth::Result<size_t>::failure(hearth::Error::not_found);
    File f = LittleFS.open(path(blob), "r");
    if (!f) return hearth::Result<size_t>::failure(hearth::Error::io);
    const size_t size = f.size();
    if (size > capacity) {
      f.close();
      return hearth::Result<size_t>::failure(hearth::Error::too_large);
    }
    const size_t n = f.read(out, size);
    f.close();
    if (n != size) return hearth::Result<size_t>::failure(hearth::Error::io);
    return hearth::Result<size_t>::success(n);
  }
  hearth::Status write(hearth::Blob blob, const uint8_t* data, size_t length) override {
    if (!g_fs_mounted) return hearth::Error::io;
    const String temp = String(path(blob)) + ".tmp";
    File f = LittleFS.open(temp, "w");
    if (!f) return hearth::Error::io;
    const size_t written = f.write(data, length);
    f.close();
    if (written != length) return hearth::Error::io;
    // close() reports nothing, and its commit can fail (flash full or worn): read the copy back
    // before it replaces the blob, so that a write is never confirmed that did not reach the flash.
    if (!matches(temp, data, length)) return hearth::Error::io;
    return LittleFS.rename(temp, path(blob)) ? hearth::Error::none : hearth::Error::io;
  }

 private:
  static bool matches(const String& file, const uint8_t* data, size_t length) {
    File f = LittleFS.open(file, "r");
    if (!f || f.size() != length) return false;
    uint8_t chunk[32];
    for (size_t at = 0; at < length;) {
      const size_t n = f.read(chunk, length - at < sizeof chunk ? length - at : sizeof chunk);
      if (n == 0 || memcmp(chunk, data + at, n) != 0) return false;
      at += n;
    }
    return true;
  }
  static const char* path(hearth::Blob blob) {
    switch (blob) {
      case hearth::Blob::identity: return "/identity.bin";
      case hearth::Blob::identity_backup: return "/identity-backup.bin";
      case hearth::Blob::settings: break;
    }
    return "/settings.bin";
  }
};

// The hardware RNG is only random once the radio runs (docs/protocol.md "The envelope").
class HardwareRandom final : public hearth::Random {
 public:
  hearth::Status fill(uint8_t* out, size_t length) override {
    if (!g_radio_started) return hearth::Error::no_random;
    ESP.random(out, length);
    return hearth::Error::none;
  }
};

WebSocketsClient g_socket;
bool g_socket_connected = false;

class WebSocketLink final : public hearth::Link {
 public:
  hearth::Status send_text(const char* text, size_t length) override {
    if (!g_socket_connected) return hearth::Error::io;
    return g_socket.sendTXT(reinterpret_cast<uint8_t*>(const_cast<char*>(text)), length)
               ? hearth::Error::none
               : hearth::Error::io;
  }
  void drop() override { g_socket.disconnect(); }
};

Bme280Sensor g_sensor;
GpioRelay g_relay;
LittleFsStorage g_storage;
HardwareRandom g_random;
WebSocketLink g_link;
hearth::Thermostat* g_core = nullptr;

WiFiManager g_wifi;
char g_broker_url[128] = "";
char g_app_url[128] = "http://hearth.local:8080/";
char g_pair_link[256] = "";
char g_broker_host[hearth::kMaxBrokerHostLength + 1] = "";
// The broker certificate's SHA-1 fingerprint when the user pinned one;
// otherwise wss:// trusts the built-in roots.
char g_broker_pin_text[64] = "";
uint8_t g_broker_pin[hearth::kFingerprintBytes];
bool g_broker_pinned = false;
BearSSL::X509List* g_trust_anchors = nullptr;
bool g_said_waiting_for_clock = false;
String g_pair_html;
WiFiManagerParameter* g_broker_param = nullptr;
WiFiManagerParameter* g_app_param = nullptr;
WiFiManagerParameter* g_pair_param = nullptr;
bool g_socket_started = false;
uint32_t g_backoff_ms = 1000;

void load_net_config() {
  File f = LittleFS.open(kNetConfigPath, "r");
  if (!f) return;
  f.readStringUntil('\n').toCharArray(g_broker_url, sizeof g_broker_url);
  f.readStringUntil('\n').toCharArray(g_app_url, sizeof g_app_url);
  f.readStringUntil('\n').toCharArray(g_broker_pin_text, sizeof g_broker_pin_text);
  f.close();
  g_broker_pinned = hearth::parse_certificate_fingerprint(g_broker_pin_text, strlen(g_broker_pin_text),
                                                          g_broker_pin) == hearth::Error::none;
}

void save_net_config() {
  strlcpy(g_broker_url, g_broker_param->getValue(), sizeof g_broker_url);
  strlcpy(g_app_url, g_app_param->getValue(), sizeof g_app_url);
  File f = LittleFS.open(String(kNetConfigPath) + ".tmp", "w");
  if (!f) return;
  f.printf("%s\n%s\n%s\n", g_broker_url, g_app_url, g_broker_pinned ? g_broker_pin_text : "");
  f.close();
  LittleFS.rename(String(kNetConfigPath) + ".tmp", kNetConfigPath);
  g_socket_started = false;  // reconnect with the new URL
}

void run_command(const String& line);
void print_pairing_link();

// A new board's flash file system was never formatted: that, and only that, is formatted here.
bool format_if_never_formatted() {
  uint8_t first[64];
  uint8_t second[64];
  if (!ESP.flashRead(FS_PHYS_ADDR, first, sizeof first) ||
      !ESP.flashRead(FS_PHYS_ADDR + FS_PHYS_BLOCK, second, sizeof second) ||
      !hearth::is_erased_flash(first, sizeof first) || !hearth::is_erased_flash(second, sizeof second)) {
    return false;
  }
  Serial.println("flash file system never formatted: formatting it");
  return LittleFS.format() && LittleFS.begin();
}

// Says on the console when the identity becomes ready (with the pairing link)
// or faulty (with what each copy read as), once per change.
void report_identity() {
  static bool said_ready = false;
  static hearth::Error said_fault = hearth::Error::none;
  if (g_core->identity_ready()) {
    if (!said_ready) print_pairing_link();
    said_ready = true;
    said_fault = hearth::Error::none;
    return;
  }
  said_ready = false;
  if (g_core->identity_error() == said_fault) return;
  said_fault = g_core->identity_error();
  Serial.printf("IDENTITY FAULT %s (copies: %s, %s); not logging on, the heater rules still run\n",
                hearth::error_name(said_fault), hearth::error_name(g_core->identity_copies().primary),
                hearth::error_name(g_core->identity_copies().backup));
}

void print_pairing_link() {
  if (!g_core->pairing_link(g_app_url, g_pair_link, sizeof g_pair_link).ok()) return;
  Serial.printf("PAIR %s\n", g_pair_link);
}

void on_socket_event(WStype_t type, uint8_t* payload, size_t length) {
  const uint32_t now = millis();
  switch (type) {
    case WStype_CONNECTED:
      g_socket_connected = true;
      g_core->link_opened(now, g_broker_host);
      break;
    case WStype_DISCONNECTED:
      if (g_socket_connected) g_core->link_closed(now);
      g_socket_connected = false;
      // Exponential backoff with jitter: 1 s doubling to 30 s (docs/protocol.md "Staying connected").
      g_socket.setReconnectInterval(g_backoff_ms / 2 + (ESP.random() % (g_backoff_ms / 2 + 1)));
      g_backoff_ms = g_backoff_ms >= 15000 ? 30000 : g_backoff_ms * 2;
      break;
    case WStype_TEXT:
      g_core->link_text(reinterpret_cast<const char*>(payload), length, now);
      break;
    default:
      break;  // binary frames are not part of the contract
  }
}

// ws://host[:port]/path or wss://host[:port]/path
void start_socket() {
  g_socket.disconnect();
  hearth::DeviceBrokerUrl url;
  if (hearth::parse_device_broker_url(g_broker_url, &url) != hearth::Error::none) {
    Serial.printf("broker URL not usable: %s\n", g_broker_url);
    g_socket_started = true;  // not again until the URL changes (save_net_config)
    return;
  }
  // The logon signature names the Host this library sends, port included (docs/protocol.md "Logging on").
  strlcpy(g_broker_host, url.host_header, sizeof g_broker_host);
  // The library sends "Origin: file://" unless told otherwise; a device has no origin, and the broker
  // refuses browser origins it does not serve.
  g_socket.setExtraHeaders("");
  if (url.tls && g_broker_pinned) {
    g_socket.beginSSL(url.host, url.port, url.path, g_broker_pin);
  } else if (url.tls) {
    if (time(nullptr) < kClockKnownAfter) {
      if (!g_said_waiting_for_clock) Serial.println("wss: waiting for the time (SNTP) to check the broker's certificate");
      g_said_waiting_for_clock = true;
      return;  // loop() calls again until the clock is known
    }
    g_socket.beginSslWithCA(url.host, url.port, url.path, g_trust_anchors);
  } else {
    Serial.println("ws:// chosen: the link to the broker is not encrypted (messages still are)");
    g_socket.begin(url.host, url.port, url.path);
  }
  g_socket.onEvent(on_socket_event);
  g_socket.setReconnectInterval(1000);
  g_socket_started = true;
}

// Reads the serial console a character at a time: never waits for a line.
void serial_console() {
  static String pending;
  while (Serial.available()) {
    const char c = char(Serial.read());
    if (c != '\n' && c != '\r') {
      if (pending.length() < 200) pending += c;
      continue;
    }
    if (pending.length() == 0) continue;
    const String line = pending;
    pending = "";
    run_command(line);
  }
}

void run_command(const String& line) {
  if (line.startsWith("pair")) {
    print_pairing_link();
  } else if (line.startsWith("reset")) {
    // Forget Wi-Fi and URLs; identity and settings stay, so phones stay paired.
    LittleFS.remove(kNetConfigPath);
    g_wifi.resetSettings();
    ESP.restart();
  } else if (line.startsWith("factory")) {
    // Forget everything, including the key: every phone must pair again.
    LittleFS.format();
    g_wifi.resetSettings();
    ESP.restart();
  } else if (line.startsWith("broker ")) {
    g_broker_param->setValue(line.substring(7).c_str(), sizeof g_broker_url);
    save_net_config();
  } else if (line.startsWith("broker-pin ")) {
    const String pin = line.substring(11);
    if (pin == "none") {
      g_broker_pinned = false;
    } else if (hearth::parse_certificate_fingerprint(pin.c_str(), pin.length(), g_broker_pin) == hearth::Error::none) {
      strlcpy(g_broker_pin_text, pin.c_str(), sizeof g_broker_pin_text);
      g_broker_pinned = true;
    } else {
      Serial.println("broker-pin: give the certificate's SHA-1 fingerprint (40 hex digits) or none");
      return;
    }
    save_net_config();
  } else if (line.startsWith("app ")) {
    g_app_param->setValue(line.substring(4).c_str(), sizeof g_app_url);
    save_net_config();
    print_pairing_link();
  } else {
    Serial.println("commands: pair | broker <wss or ws url> | broker-pin <sha1 fingerprint>|none | app <url> | reset | factory");
  }
}

}  // namespace

void setup() {
  pinMode(kRelayPin, OUTPUT);
  digitalWrite(kRelayPin, kRelayActiveHigh ? LOW : HIGH);  // off before anything else
  Serial.begin(115200);
  Wire.begin(kSdaPin, kSclPin);
  if (!g_sensor.begin()) Serial.println("BME280 not found: the heater stays off");
  // A failed mount must not format: that would erase the identity and unpair every phone.
  LittleFSConfig fs_config;
  fs_config.setAutoFormat(false);
  LittleFS.setConfig(fs_config);
  g_fs_mounted = LittleFS.begin() || format_if_never_formatted();
  if (!g_fs_mounted) Serial.println("flash file system not readable: identity fault, the heater rules still run");
  load_net_config();

  // The radio first: the identity needs the hardware RNG.
  WiFi.mode(WIFI_STA);
  g_radio_started = true;
  // UTC from SNTP: the certificate check needs the date, nothing else does.
  configTime(0, 0, "pool.ntp.org", "time.cloudflare.com");
  g_trust_anchors = new BearSSL::X509List(kIsrgRootX1);
  g_trust_anchors->append(kIsrgRootX2);

  // BearSSL's P-256 code needs more stack than loop() has: it runs on the core's BearSSL stack.
  stack_thunk_add_ref();
  hearth::use_crypto_stack(thunk_hearth_crypto_job);
  static hearth::Thermostat core(g_sensor, g_relay, g_storage, g_link, g_random, millis());
  g_core = &core;
  core.begin(millis());
  report_identity();

  g_broker_param = new WiFiManagerParameter("broker", "Broker URL (ws:// or wss://…/ws)", g_broker_url, sizeof g_broker_url - 1);
  g_app_param = new WiFiManagerParameter("app", "App URL", g_app_url, sizeof g_app_url - 1);
  g_pair_html = String("<p>Pairing link (keep it private):<br><code>") + g_pair_link + "</code></p>";
  g_pair_param = new WiFiManagerParameter(g_pair_html.c_str());
  g_wifi.addParameter(g_broker_param);
  g_wifi.addParameter(g_app_param);
  g_wifi.addParameter(g_pair_param);
  g_wifi.setSaveParamsCallback(save_net_config);
  g_wifi.setConfigPortalBlocking(false);
  g_wifi.autoConnect("Hearth-Setup");
}

void loop() {
  g_wifi.process();
  if (WiFi.status() == WL_CONNECTED && !g_socket_started && g_broker_url[0] != '\0') start_socket();
  if (g_socket_started) g_socket.loop();
  if (g_socket_connected && g_core->online()) g_backoff_ms = 1000;
  g_core->tick(millis());
  report_identity();
  serial_console();
}
