// The simulator's serial port and radio, driving the same core Onboarding
// (console + Improv Wi-Fi) as the device: a pseudo-terminal for the port,
// a radio that sees the networks given with --wifi, and the network
// configuration stored in the state directory like the device's.
#pragma once
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "network_config.h"
#include "onboarding.h"
#include "pairing_notice.h"

namespace hearth {

int64_t sim_real_ms();
// ms × speed as a 32-bit millisecond bound, held at 4,000,000,000 (for the
// bounds that stay real time whatever --speed does to the simulated clock).
uint32_t scaled(double ms, double speed);

// The master side of a pseudo-terminal. The slave is set raw (cfmakeraw:
// no echo, no line editing, no CR/LF translation), so that a program opening
// its path reads and writes the bytes unchanged, as on a USB serial port.
class PseudoTerminal {
 public:
  PseudoTerminal() = default;
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;
  ~PseudoTerminal();
  bool open(std::string* error);
  const std::string& path() const { return path_; }
  int fd() const { return master_; }
  // Non-blocking: what is there now (0 when nothing), -1 on a hard error.
  long read_some(uint8_t* out, size_t capacity);
  // Non-blocking: how much the terminal took (0 when its buffer is full).
  size_t write_some(const uint8_t* data, size_t length);
  // Output no program has read for unread_limit_ms is thrown away, as a USB
  // serial chip drops what no program on the computer reads: the next
  // program to open the port gets what is said from then on, not old
  // answers and pairing links. Call it every pass (real time).
  void drop_unread(int64_t now_ms);
  static constexpr int64_t kUnreadLimitMs = 1000;

 private:
  int master_ = -1;
  int unread_ = 0;            // bytes waiting for a reader at the last look
  int64_t unread_since_ = 0;  // since when they have waited, none read
  // Kept open so that the master never reads end-of-file (and poll never
  // reports a hang-up) while no program has the port open.
  int slave_ = -1;
  std::string path_;
};

struct SimWifiNetwork {
  std::string ssid;
  std::string password;  // "" for an open network
  int16_t rssi;
};

// A radio with the networks given on the command line. Times are real time,
// like a radio's: a scan takes scan_ms, a connect connect_ms and then works
// with the right password (or none for an open network) or fails. A network
// not in the list is never found (the caller's 30 s bound ends the try). The
// saved network is a file in the state directory, written whole (temporary
// file, rename) as the ESP8266 SDK keeps it in its own flash sector.
class SimulatedWifi final : public WifiStation {
 public:
  SimulatedWifi(std::vector<SimWifiNetwork> networks, std::string saved_path);
  // --broker: a network that is simply there, as today's simulator assumed.
  void provide_wired_network() { wired_ = true; }

  bool has_saved_network() override;
  void connect_saved() override;
  void connect(const char* ssid, const char* password) override;
  Status remember() override;
  void disconnect() override;
  void forget() override;
  WifiStatus status() override;
  void start_scan() override;
  WifiScanState scan_state() override;
  size_t scan_count() override;
  bool scan_result(size_t index, WifiNetwork* out) override;
  void scan_clear() override;

  int64_t connect_ms = 1000;
  int64_t scan_ms = 300;

 private:
  bool load_saved();
  const SimWifiNetwork* find(const std::string& ssid) const;
  void begin_attempt(const std::string& ssid, const std::string& password);

  std::vector<SimWifiNetwork> networks_;
  std::string saved_path_;
  bool wired_ = false;
  bool have_saved_ = false;
  std::string saved_ssid_;
  std::string saved_password_;
  // The network being tried or in use.
  bool attempting_ = false;
  std::string ssid_;
  std::string password_;
  int64_t attempt_done_at_ = 0;
  bool scanning_ = false;
  int64_t scan_done_at_ = 0;
  bool scan_results_ = false;
};

struct SimSetupOptions {
  bool serial_pty = false;
  std::vector<SimWifiNetwork> networks;
  std::string state_dir;
  std::string broker;   // --broker: provisioned from the start with it (and a wired network)
  std::string app_url;  // --app-url, or the default app URL
  bool app_url_given = false;
  double speed = 1.0;
};

// Wires the pieces together. The Onboarding refers to the Thermostat, so
// attach() makes a new one at every (re)boot.
class SimSetup {
 public:
  SimSetup(const SimSetupOptions& options, Storage& storage);
  // Opens the pseudo-terminal (if asked for) and loads the stored network
  // configuration; --broker and --app-url then override it.
  bool open(std::string* error);
  // The state directory as the flash a console factory-reset formats when it
  // does not mount (Onboarding::attach_flash); before attach().
  void use_flash(FileStorage& storage, FlashVolume& volume) {
    flash_storage_ = &storage;
    flash_volume_ = &volume;
  }
  void attach(Thermostat& core, Millis now);
  const std::string& serial_path() const { return pty_.path(); }
  int serial_fd() const { return pty_.fd(); }
  // POLLIN while the setup takes input; 0 while it waits for its answers to
  // be read (the bytes stay in the terminal meanwhile).
  short serial_events() const;
  void on_serial_readable(Millis now);
  // The setup's timers, the pairing line owed, and its output to the terminal.
  void tick(Millis now);
  // Wi-Fi up and a broker URL set: a link in use may stay.
  bool network_ready();
  // And nobody at the serial port: a new link may be dialled (the device's
  // may_connect(), main.cpp).
  bool may_dial(Millis now);
  const char* broker_url() const { return network_.config().broker_url; }
  // The app URL the pairing link names ("" when none).
  const char* app_url() const { return network_.config().app_url; }
  bool take_broker_change() { return onboarding_ != nullptr && onboarding_->take_broker_change(); }
  std::string load_message() const { return network_.load_message(); }

 private:
  void flush();
  SimSetupOptions options_;
  NetworkConfigStore network_;
  SimulatedWifi wifi_;
  PseudoTerminal pty_;
  OnboardingConfig config_;
  FileStorage* flash_storage_ = nullptr;
  FlashVolume* flash_volume_ = nullptr;
  std::unique_ptr<Onboarding> onboarding_;
  Thermostat* core_ = nullptr;
  PairingNotice pairing_;
};

}  // namespace hearth
