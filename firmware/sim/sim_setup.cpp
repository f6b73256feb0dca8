#include "sim_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace hearth {

int64_t sim_real_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// ---- PseudoTerminal ----

PseudoTerminal::~PseudoTerminal() {
  if (slave_ >= 0) close(slave_);
  if (master_ >= 0) close(master_);
}

bool PseudoTerminal::open(std::string* error) {
  master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) {
    *error = std::string("cannot open a pseudo-terminal: ") + strerror(errno);
    return false;
  }
  const char* name = ptsname(master_);
  if (name == nullptr) {
    *error = std::string("cannot name the pseudo-terminal: ") + strerror(errno);
    return false;
  }
  path_ = name;
  slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios mode;
  if (slave_ < 0 || tcgetattr(slave_, &mode) != 0) {
    *error = std::string("cannot open ") + path_ + ": " + strerror(errno);
    return false;
  }
  cfmakeraw(&mode);
  if (tcsetattr(slave_, TCSANOW, &mode) != 0) {
    *error = std::string("cannot make ") + path_ + " raw: " + strerror(errno);
    return false;
  }
  const int flags = fcntl(master_, F_GETFL);
  if (flags < 0 || fcntl(master_, F_SETFL, flags | O_NONBLOCK) != 0) {
    *error = std::string("cannot make the pseudo-terminal non-blocking: ") + strerror(errno);
    return false;
  }
  return true;
}

long PseudoTerminal::read_some(uint8_t* out, size_t capacity) {
  const ssize_t n = ::read(master_, out, capacity);
  if (n >= 0) return long(n);
  return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

size_t PseudoTerminal::write_some(const uint8_t* data, size_t length) {
  const ssize_t n = ::write(master_, data, length);
  return n > 0 ? size_t(n) : 0;
}

// The slave end kept open here holds what no program has read: FIONREAD
// counts it, and a count that stays up without falling means nobody reads.
void PseudoTerminal::drop_unread(int64_t now_ms) {
  int unread = 0;
  if (slave_ < 0 || ioctl(slave_, FIONREAD, &unread) != 0 || unread <= 0) {
    unread_ = 0;
    return;
  }
  if (unread_ == 0 || unread < unread_) unread_since_ = now_ms;  // new, or someone read some
  unread_ = unread;
  if (now_ms - unread_since_ < kUnreadLimitMs) return;
  tcflush(slave_, TCIFLUSH);
  unread_ = 0;
}

// ---- SimulatedWifi ----

SimulatedWifi::SimulatedWifi(std::vector<SimWifiNetwork> networks, std::string saved_path)
    : networks_(std::move(networks)), saved_path_(std::move(saved_path)) {
  have_saved_ = load_saved();
}

// The saved network: its SSID and password on two lines.
bool SimulatedWifi::load_saved() {
  std::ifstream file(saved_path_);
  if (!file) return false;
  std::string ssid, password;
  if (!std::getline(file, ssid) || ssid.empty() || ssid.size() > kMaxSsidBytes) return false;
  std::getline(file, password);
  if (password.size() > kMaxWifiPasswordBytes) return false;
  saved_ssid_ = ssid;
  saved_password_ = password;
  return true;
}

const SimWifiNetwork* SimulatedWifi::find(const std::string& ssid) const {
  for (const SimWifiNetwork& network : networks_) {
    if (network.ssid == ssid) return &network;
  }
  return nullptr;
}

bool SimulatedWifi::has_saved_network() { return wired_ || have_saved_; }

void SimulatedWifi::begin_attempt(const std::string& ssid, const std::string& password) {
  attempting_ = true;
  ssid_ = ssid;
  password_ = password;
  attempt_done_at_ = sim_real_ms() + connect_ms;
}

void SimulatedWifi::connect_saved() {
  if (have_saved_) {
    begin_attempt(saved_ssid_, saved_password_);
  } else if (wired_) {
    begin_attempt("", "");
    attempt_done_at_ = sim_real_ms();
  }
}

void SimulatedWifi::connect(const char* ssid, const char* password) { begin_attempt(ssid, password); }

Status SimulatedWifi::remember() {
  const std::string temp = saved_path_ + ".tmp";
  {
    std::ofstream file(temp, std::ios::trunc);
    file << ssid_ << '\n' << password_ << '\n';
    if (!file.flush()) return Error::io;
  }
  if (rename(temp.c_str(), saved_path_.c_str()) != 0) return Error::io;
  have_saved_ = true;
  saved_ssid_ = ssid_;
  saved_password_ = password_;
  return Error::none;
}

void SimulatedWifi::disconnect() { attempting_ = false; }

void SimulatedWifi::forget() {
  attempting_ = false;
  wired_ = false;
  have_saved_ = false;
  unlink(saved_path_.c_str());
}

WifiStatus SimulatedWifi::status() {
  if (!attempting_) return WifiStatus::idle;
  if (sim_real_ms() < attempt_done_at_) return WifiStatus::connecting;
  if (ssid_.empty()) return wired_ ? WifiStatus::connected : WifiStatus::idle;
  const SimWifiNetwork* network = find(ssid_);
  if (network == nullptr) return WifiStatus::connecting;  // never found; the caller gives up
  return network->password == password_ ? WifiStatus::connected : WifiStatus::failed;
}

void SimulatedWifi::start_scan() {
  scanning_ = true;
  scan_results_ = false;
  scan_done_at_ = sim_real_ms() + scan_ms;
}

WifiScanState SimulatedWifi::scan_state() {
  if (scanning_ && sim_real_ms() >= scan_done_at_) {
    scanning_ = false;
    scan_results_ = true;
  }
  if (scanning_) return WifiScanState::running;
  return scan_results_ ? WifiScanState::done : WifiScanState::idle;
}

size_t SimulatedWifi::scan_count() { return scan_results_ ? networks_.size() : 0; }

bool SimulatedWifi::scan_result(size_t index, WifiNetwork* out) {
  if (!scan_results_ || index >= networks_.size()) return false;
  const SimWifiNetwork& network = networks_[index];
  snprintf(out->ssid, sizeof out->ssid, "%s", network.ssid.c_str());
  out->rssi = network.rssi;
  out->secured = !network.password.empty();
  return true;
}

void SimulatedWifi::scan_clear() {
  scanning_ = false;
  scan_results_ = false;
}

// ---- SimSetup ----

uint32_t scaled(double ms, double speed) {
  const double value = ms * speed;
  return value > 4e9 ? 4000000000u : uint32_t(value);
}

SimSetup::SimSetup(const SimSetupOptions& options, Storage& storage)
    : options_(options), network_(storage), wifi_(options.networks, options.state_dir + "/wifi-network.txt") {
  // The bounds are about the radio, the broker and a person at the
  // keyboard: real time, whatever --speed does to the room.
  config_.connect_timeout_ms = scaled(30000, options.speed);
  config_.logon_grace_ms = scaled(20000, options.speed);
  config_.scan_timeout_ms = scaled(15000, options.speed);
  config_.packet_timeout_ms = scaled(kImprovPacketTimeoutMs, options.speed);
  config_.serial_hold_off_ms = scaled(20000, options.speed);
  if (!options.broker.empty()) wifi_.provide_wired_network();
}

bool SimSetup::open(std::string* error) {
  if (options_.serial_pty && !pty_.open(error)) return false;
  network_.load();
  if (!options_.broker.empty() && strcmp(network_.broker_url(), options_.broker.c_str()) != 0 &&
      network_.set_broker_url(options_.broker.c_str()) != Error::none) {
    *error = "--broker: not a broker URL the thermostat can use, or the state directory cannot store it";
    return false;
  }
  // A given --app-url names the app; the default only while none is stored.
  const bool app_url_wanted = options_.app_url_given ? strcmp(network_.app_url(), options_.app_url.c_str()) != 0
                                                     : network_.app_url()[0] == '\0';
  if (!options_.app_url.empty() && app_url_wanted &&
      network_.set_app_url(options_.app_url.c_str()) != Error::none) {
    *error = "--app-url: not an http:// or https:// URL the pairing link can use";
    return false;
  }
  return true;
}

void SimSetup::attach(Thermostat& core, Millis now) {
  onboarding_.reset();
  onboarding_ = std::make_unique<Onboarding>(core, wifi_, network_, config_);
  if (flash_storage_ != nullptr) onboarding_->attach_flash(*flash_storage_, *flash_volume_);
  onboarding_->begin(now);
  core_ = &core;
  pairing_ = PairingNotice();  // a boot says it again, as the device does
}

short SimSetup::serial_events() const { return onboarding_ && onboarding_->input_room() == 0 ? 0 : POLLIN; }

void SimSetup::on_serial_readable(Millis now) {
  if (!onboarding_ || onboarding_->input_room() == 0) return;
  uint8_t buffer[256];
  const size_t room = onboarding_->input_room() < sizeof buffer ? onboarding_->input_room() : sizeof buffer;
  const long n = pty_.read_some(buffer, room);
  if (n > 0) onboarding_->receive(buffer, size_t(n), now);
}

void SimSetup::tick(Millis now) {
  if (!onboarding_) return;
  onboarding_->poll(now);
  // Each PAIR line makes an invitation: asked only when the port has room for it.
  char line[PairingNotice::kLineCapacity];
  if (onboarding_->room_for_line(sizeof line) && pairing_.due(*core_, network_.app_url(), now, line) &&
      onboarding_->print_line(line)) {
    pairing_.said(*core_, network_.app_url());
  }
  if (pty_.fd() >= 0) pty_.drop_unread(sim_real_ms());
  flush();
}

void SimSetup::flush() {
  if (pty_.fd() < 0) {
    onboarding_->consume_output(onboarding_->output_length());
    return;
  }
  const size_t written = pty_.write_some(onboarding_->output(), onboarding_->output_length());
  onboarding_->consume_output(written);
}

bool SimSetup::network_ready() {
  return onboarding_ && onboarding_->wifi_status() == WifiStatus::connected && network_.config().has_broker();
}

bool SimSetup::may_dial(Millis now) { return network_ready() && !onboarding_->serial_active(now); }

}  // namespace hearth
