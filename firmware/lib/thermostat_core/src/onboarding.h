// Setting the thermostat up over its serial port (docs/protocol.md "Setting up
// over the serial port"): the console commands and the Improv Wi-Fi RPCs, and
// the Wi-Fi station they drive. There is no access point: a thermostat with a
// saved network connects to it at boot, one without waits for credentials on
// the wire. The pairing link is only ever written to the serial port.
//
//   Onboarding setup(core, wifi, network, millis());
//   setup.begin(millis());
//   loop: read at most setup.input_room() bytes and setup.receive() them;
//   setup.poll(millis()); write setup.output()/output_length() as the port
//   takes it and consume_output(<written>). Everything the glue prints goes
//   through print_line(), so that no line lands inside a packet. Dial the
//   broker only while !setup.serial_active(millis()).
#pragma once
#include "core_types.h"
#include "flash.h"
#include "improv.h"
#include "serial_console.h"
#include "thermostat.h"

namespace hearth {

enum class WifiStatus : uint8_t {
  idle,        // not connected and not trying
  connecting,  // trying (also while the network is not found yet)
  connected,   // associated, with an address
  failed,      // refused: wrong password or the network rejected us
};

enum class WifiScanState : uint8_t { idle, running, done, failed };

struct WifiNetwork {
  char ssid[kMaxSsidBytes + 1];  // "" for a hidden network
  int16_t rssi;                  // dBm
  bool secured;
};

// The radio, non-blocking throughout: every call returns at once and
// status()/scan_state() report how things went.
class WifiStation {
 public:
  virtual bool has_saved_network() = 0;
  // (Re)connects to the saved network; the station keeps reconnecting to it
  // whenever it is lost.
  virtual void connect_saved() = 0;
  // Tries a network without saving it: a wrong password must not replace
  // the network that works. Leaves the network in use first. Until status()
  // has said something other than connected or failed, it may still be
  // describing the connection or try before this one: the core waits for that.
  virtual void connect(const char* ssid, const char* password) = 0;
  // Saves the network connect() reached as the one to use from now on.
  virtual Status remember() = 0;
  // Stops trying (a failed connect() with nothing saved to go back to).
  virtual void disconnect() = 0;
  // Erases the saved network and disconnects.
  virtual void forget() = 0;
  virtual WifiStatus status() = 0;
  virtual void start_scan() = 0;
  virtual WifiScanState scan_state() = 0;
  // Results of a done scan; index < scan_count().
  virtual size_t scan_count() = 0;
  virtual bool scan_result(size_t index, WifiNetwork* out) = 0;
  // Frees the results.
  virtual void scan_clear() = 0;

 protected:
  ~WifiStation() = default;
};

// The stored network configuration the console changes (network_config.h).
class NetworkSettings {
 public:
  virtual const char* broker_url() const = 0;  // "" when none is set
  virtual const char* app_url() const = 0;     // "" when none is set
  virtual bool broker_pinned() const = 0;
  // Each value is checked here, by the rules the stored blob is read with:
  // bad_format or too_large for a value refused (nothing changes), io when
  // it could not be stored. A URL equal to the one set changes nothing and
  // is not stored again. Another broker URL forgets the pin: a pin is the
  // certificate of the broker it was set for.
  virtual Status set_broker_url(const char* url) = 0;
  virtual Status set_app_url(const char* url) = 0;
  // fingerprint: kFingerprintBytes, or nullptr to trust the built-in roots.
  virtual Status set_broker_pin(const uint8_t* fingerprint) = 0;
  // Forgets all three.
  virtual Status clear() = 0;

 protected:
  ~NetworkSettings() = default;
};

constexpr size_t kMaxAppUrlLength = 160;
constexpr size_t kPairingLinkCapacity = kMaxAppUrlLength + 80;

struct OnboardingConfig {
  uint32_t connect_timeout_ms = 30000;
  // After a connect, the redirect URL waits this long at most for the logon.
  uint32_t logon_grace_ms = 20000;
  uint32_t scan_timeout_ms = 15000;
  uint32_t packet_timeout_ms = kImprovPacketTimeoutMs;
  // The broker is not dialled while someone is at the serial port (a connect
  // can hold the loop for seconds: TLS, a black-holed address) until it has
  // been quiet this long. Opening the port resets a D1 mini, which would
  // otherwise dial at once while the app starts to talk to it.
  uint32_t serial_hold_off_ms = 20000;
  const char* firmware = "Hearth";
  const char* firmware_version = "0.1.0";
  const char* chip = "ESP8266";
  const char* device_name = "Hearth thermostat";
};

// What the serial port is waiting to take, whole lines and packets only.
class SerialOutbox {
 public:
  static constexpr size_t kCapacity = 768;
  // All or nothing: false (and dropped() counts it) when it does not fit.
  bool put(const uint8_t* bytes, size_t length);
  // text and a '\n', likewise.
  bool put_line(const char* text, size_t length);
  bool room_for(size_t length) const { return length <= kCapacity - length_; }
  const uint8_t* data() const { return buffer_; }
  size_t length() const { return length_; }
  void consume(size_t length);
  uint32_t dropped() const { return dropped_; }

 private:
  uint8_t buffer_[kCapacity] = {};
  size_t length_ = 0;
  uint32_t dropped_ = 0;
};

class Onboarding final : private SerialSink {
 public:
  static constexpr size_t kMaxScanResults = 16;

  Onboarding(Thermostat& thermostat, WifiStation& wifi, NetworkSettings& network,
             const OnboardingConfig& config = OnboardingConfig());
  Onboarding(const Onboarding&) = delete;
  Onboarding& operator=(const Onboarding&) = delete;

  // The flash file system under the thermostat's storage (the device's
  // LittleFS, the simulator's state directory): factory-reset formats it when
  // it is not usable, and only then (prepare_flash_for_reset). Without it
  // factory-reset never formats.
  void attach_flash(FileStorage& storage, FlashVolume& volume);

  // A saved network: connect to it (provisioned). None: wait (ready).
  void begin(Millis now);
  // How many bytes receive() takes now. An answer is never dropped: bytes
  // wait here until the outbox has room for what they may be answered with,
  // and the serial port's own buffer holds the rest.
  size_t input_room() const { return sizeof inbox_ - inbox_length_; }
  // Takes at most input_room() bytes; returns how many it took.
  size_t receive(const uint8_t* bytes, size_t length, Millis now);
  void poll(Millis now);
  // True while a person or the app is at the serial port: within
  // serial_hold_off_ms of the last byte, and all through an Improv
  // provisioning or scan. False once provisioning has connected, so that the
  // logon the pairing link waits for can happen.
  bool serial_active(Millis now) const;

  ImprovState state() const { return state_; }
  WifiStatus wifi_status() const { return wifi_status_; }
  // True once after the broker URL or pin changed, or were forgotten: the
  // glue closes its link and dials the new one.
  bool take_broker_change();

  // A line for the console (without its '\n'); false when it did not fit.
  bool print_line(const char* text);
  // Whether print_line() would take a line of `capacity` bytes with its NUL now.
  bool room_for_line(size_t capacity) const { return outbox_.room_for(capacity); }
  const uint8_t* output() const { return outbox_.data(); }
  size_t output_length() const { return outbox_.length(); }
  void consume_output(size_t length) { outbox_.consume(length); }
  uint32_t dropped_output() const { return outbox_.dropped(); }

 private:
  void console_line(const char* line, size_t length, Millis now) override;
  void console_fault(LineFault fault, Millis now) override;
  void improv_packet(uint8_t type, const uint8_t* data, size_t length, Millis now) override;
  void improv_invalid(Millis now) override;

  void take_inbox(Millis now);
  void run_rpc(const ImprovRpc& rpc, Millis now);
  void start_provisioning(const WifiCredentials& wifi, Millis now);
  void end_provisioning_failed(Millis now);
  void poll_provisioning(Millis now);
  void poll_redirect(Millis now);
  void poll_scan(Millis now);
  void collect_scan();
  void send_scan_results();
  void send_state();
  void send_error(ImprovError error);
  void send_result(const ImprovResult& result);
  void send_redirect(ImprovCommand command, Millis now);
  // The pairing link with a new invitation; 0 when there is none (no app URL or identity, or 8 members).
  size_t pairing_link(char* out, size_t capacity, Millis now);
  void answer(const char* first, const char* second = "", const char* third = "");

  void command_pair(Millis now);
  void command_broker(const ConsoleCommand& command);
  void command_broker_pin(const ConsoleCommand& command);
  void command_app(const ConsoleCommand& command);
  // Forgets the saved network and goes back to ready; a client waiting on provisioning hears it failed.
  void forget_wifi();
  void command_forget_wifi(Millis now);
  void command_factory_reset(Millis now);
  void command_status();

  Thermostat& thermostat_;
  WifiStation& wifi_;
  NetworkSettings& network_;
  FileStorage* flash_storage_ = nullptr;
  FlashVolume* flash_volume_ = nullptr;
  OnboardingConfig config_;
  SerialDemux demux_;
  SerialOutbox outbox_;
  uint8_t inbox_[64] = {};  // received, not yet given to demux_
  size_t inbox_length_ = 0;
  bool serial_heard_ = false;  // within serial_hold_off_ms of serial_heard_at_
  Millis serial_heard_at_ = 0;

  ImprovState state_ = ImprovState::ready;
  WifiStatus wifi_status_ = WifiStatus::idle;
  bool broker_changed_ = false;

  Millis connect_started_ = 0;          // provisioning: when the credentials came
  bool attempt_underway_ = false;       // the radio has said "connecting" since connect()
  bool redirect_pending_ = false;       // the answer to wifi_settings, once connected
  Millis connected_at_ = 0;

  bool scan_pending_ = false;           // a scan RPC waits for the radio
  Millis scan_started_ = 0;
  bool scan_sending_ = false;           // results collected, being written as room allows
  size_t scan_sent_ = 0;
  size_t scan_found_ = 0;
  WifiNetwork scan_[kMaxScanResults] = {};
};

}  // namespace hearth
