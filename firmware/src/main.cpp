// ESP8266 glue for the Hearth thermostat. It only wires the core (lib/thermostat_core: every
// decision, tested on the host) to the libraries through the adapters beside this file, and
// loop() gives each part one turn per pass. Nothing here blocks (README.md, "What blocks, and
// for how long").
#include <Arduino.h>
#include <ESP8266WiFi.h>
#include <StackThunk.h>

#include "bme280.h"
#include "console_report.h"
#include "file_storage.h"
#include "flash.h"
#include "link_supervisor.h"
#include "littlefs_file_system.h"
#include "network_config.h"
#include "onboarding.h"
#include "serial_port.h"
#include "thermostat.h"
#include "wall_clock_sntp.h"
#include "websocket_link.h"
#include "wifi_station.h"
#include "wire_register_bus.h"

#ifndef HEARTH_FIRMWARE_VERSION
#error "HEARTH_FIRMWARE_VERSION comes from platformio.ini (custom_firmware_version)"
#endif
#define HEARTH_QUOTE(text) #text
#define HEARTH_STRING(macro) HEARTH_QUOTE(macro)

// The core's crypto jobs run on BearSSL's own stack (StackThunk): P-256 needs more than loop() has.
extern "C" void hearth_crypto_job(void (*job)(void*), void* context) { job(context); }
make_stack_thunk(hearth_crypto_job);
extern "C" void thunk_hearth_crypto_job(void (*job)(void*), void* context);

namespace {

// Wiring (README.md "Wiring").
constexpr uint8_t kSdaPin = D2;          // GPIO4
constexpr uint8_t kSclPin = D1;          // GPIO5
constexpr uint8_t kRelayPin = D5;        // GPIO14
constexpr bool kRelayActiveHigh = true;  // false for an active-low relay module
// No wss:// checked against the built-in roots before SNTP has set the clock past this
// (2024-01-01): certificate dates mean nothing before, and an expired one would pass.
constexpr time_t kClockKnownAfter = 1704067200;

// unsigned long is 32 bits on the chip: millis() wraps after 49.7 days, as the core expects.
hearth::Millis now_ms() { return static_cast<hearth::Millis>(millis()); }

class GpioRelay final : public hearth::Relay {
 public:
  void set(bool on) override { digitalWrite(kRelayPin, on == kRelayActiveHigh ? HIGH : LOW); }
};

// The hardware generator is random only once the radio runs (docs/protocol.md "The envelope").
class HardwareRandom final : public hearth::Random {
 public:
  bool radio_on = false;
  hearth::Status fill(uint8_t* out, size_t length) override {
    if (!radio_on) return hearth::Error::no_random;
    ESP.random(out, length);
    return hearth::Error::none;
  }
};

hearth::OnboardingConfig onboarding_config() {
  hearth::OnboardingConfig config;
  config.firmware_version = HEARTH_STRING(HEARTH_FIRMWARE_VERSION);
  return config;
}

// Built before setup(), at time 0 (the core's clocks only ever count from their start).
GpioRelay g_relay;
HardwareRandom g_random;
WireRegisterBus g_bus(Wire);
hearth::Bme280 g_sensor(g_bus);
LittleFsFileSystem g_files;
hearth::FileStorage g_storage(g_files, false);  // usable once mount_file_system() says so
hearth::NetworkConfigStore g_network(g_storage);
EspWifiStation g_wifi;
hearth_glue::WebSocketTransport g_transport;
hearth::LinkSupervisor g_link(g_transport, g_random, 0);
hearth::Thermostat g_core(g_sensor, g_relay, g_storage, g_link, g_random, 0);
SntpClock g_sntp;
hearth::Onboarding g_setup(g_core, g_wifi, g_network, onboarding_config());
ArduinoSerialPort g_serial(g_setup);
ConsoleReport g_report(g_setup);

// Until WiFi.mode() has worked the identity waits (no_random); heating goes on meanwhile.
void start_radio(hearth::Millis now) {
  static hearth::Millis tried_at = 0;
  if (g_random.radio_on || (tried_at != 0 && hearth::Millis(now - tried_at) < 1000)) return;
  tried_at = now;
  g_random.radio_on = WiFi.mode(WIFI_STA);
  if (g_random.radio_on) g_wifi.begin();
}

// The broker the stored network configuration names, to the link (again after each change).
void apply_broker() {
  const hearth::NetworkConfig& config = g_network.config();
  hearth::DeviceBrokerUrl url;
  if (config.has_broker() && hearth::parse_device_broker_url(config.broker_url, &url) == hearth::Error::none) {
    g_link.set_broker(now_ms(), url, config.pinned ? config.pin : nullptr);
  } else {
    g_link.clear_broker(now_ms());
  }
}

// Wi-Fi is up, nobody is at the serial port (a connect can hold the loop for seconds, unanswered),
// and the date known when the broker's certificate is checked against the roots.
bool may_connect() {
  if (g_setup.wifi_status() != hearth::WifiStatus::connected) return false;
  if (g_setup.serial_active(now_ms())) return false;
  if (!g_link.needs_clock() || time(nullptr) >= kClockKnownAfter) return true;
  static bool said = false;
  said = said || g_report.say("wss: waiting for the time (SNTP) to check the broker's certificate");
  return false;
}

// The roots are made when a wss:// broker checked against them is first dialled.
void report_anchors() {
  static bool said = false;
  if (g_transport.anchors_short() && !said) said = g_report.say("wss: ISRG Root X2 did not load: only X1 is trusted");
}

}  // namespace

void setup() {
  pinMode(kRelayPin, OUTPUT);
  g_relay.set(false);  // first of all: the heater stays off while the board starts
  Serial.begin(115200);
  g_bus.begin(kSdaPin, kSclPin);
  const hearth::Millis now = now_ms();
  start_radio(now);
  const hearth::MountOutcome mounted = hearth::mount_file_system(g_files);
  g_storage.set_mounted(hearth::file_system_usable(mounted));
  (void)g_network.load();  // what it found is load_message(), said below
  stack_thunk_add_ref();
  hearth::use_crypto_stack(thunk_hearth_crypto_job);

  g_report.say("boot: Hearth " HEARTH_STRING(HEARTH_FIRMWARE_VERSION) ", reset reason: ",
               ConsoleReport::reset_reason());
  if (mounted != hearth::MountOutcome::mounted) g_report.say(hearth::mount_outcome_message(mounted));
  g_report.say(g_network.load_message());
  (void)g_core.begin(now);  // an identity fault is said by g_report and retried by tick()
  g_sntp.start();  // UTC: the schedule's clock and the broker certificate's dates
  g_transport.report_to(g_link);
  g_link.attach(g_core);
  apply_broker();
  g_setup.attach_flash(g_storage, g_files);  // factory-reset formats a file system that did not mount
  g_setup.begin(now);
}

void loop() {
  g_sntp.pass_to(g_core);
  const hearth::Millis now = now_ms();
  g_core.tick(now);  // the heater's decision first, before any call that may wait
  start_radio(now);
  g_serial.service(now_ms());
  if (g_setup.take_broker_change()) apply_broker();
  g_link.poll(now_ms(), g_setup.wifi_status() == hearth::WifiStatus::connected, may_connect());
  report_anchors();
  g_report.changes(g_core, g_sensor, g_network, now_ms());
  g_report.pass_done(now, now_ms());
}
