// The core's WifiStation port (onboarding.h) over the ESP8266 core's station
// and scan API (libraries/ESP8266WiFi, core 3.1.2) and the SDK's station
// configuration. Every call returns at once; the radio works in the
// background and status()/scan_state() report. There is no access point.
//
// The SDK keeps two station configurations: the current one and the saved
// one in flash, which the radio uses at boot and reconnects to whenever the
// network is lost (auto-reconnect). A try from Improv changes only the
// current one (persistent off), so a wrong password never replaces the
// network that works; remember() saves it once it has connected. The
// library's persistent flag is global (false by default in 3.1.2): each call
// that sets it puts back what it found.
#pragma once
#include <ESP8266WiFi.h>

#include "onboarding.h"

class EspWifiStation final : public hearth::WifiStation {
 public:
  // After WiFi.mode(WIFI_STA) succeeded: the saved network is reconnected to
  // by the radio itself whenever it is lost.
  void begin() { WiFi.setAutoReconnect(true); }

  bool has_saved_network() override {
    station_config saved;
    return wifi_station_get_config_default(&saved) && saved.ssid[0] != 0;
  }
  void connect_saved() override {
    attempting_ = true;
    station_config saved;
    // After a failed try the current configuration is that try's: back to the saved one.
    if (wifi_station_get_config_default(&saved)) wifi_station_set_config_current(&saved);
    WiFi.begin();
  }
  void connect(const char* ssid, const char* password) override {
    attempting_ = true;
    const bool persistent = WiFi.getPersistent();
    WiFi.persistent(false);
    // Off the network in use first: until the radio has left it, status()
    // would report that connection as this try's (the core also waits for
    // the radio to say it is trying before it believes an outcome).
    WiFi.disconnect(false, false);
    WiFi.begin(ssid, password);
    WiFi.persistent(persistent);
  }
  hearth::Status remember() override {
    station_config in_use;
    if (!wifi_station_get_config(&in_use)) return hearth::Error::io;
    // Saves to flash; the connection in use is left as it is.
    return wifi_station_set_config(&in_use) ? hearth::Error::none : hearth::Error::io;
  }
  void disconnect() override {
    attempting_ = false;
    WiFi.disconnect(false, false);
  }
  void forget() override {
    attempting_ = false;
    // Erases the saved network (persistent: in flash too) and keeps the radio
    // on: the hardware random generator needs it.
    const bool persistent = WiFi.getPersistent();
    WiFi.persistent(true);
    WiFi.disconnect(false, true);
    WiFi.persistent(persistent);
  }
  hearth::WifiStatus status() override {
    switch (WiFi.status()) {
      case WL_CONNECTED:
        return hearth::WifiStatus::connected;
      case WL_WRONG_PASSWORD:
      case WL_CONNECT_FAILED:
        return attempting_ ? hearth::WifiStatus::failed : hearth::WifiStatus::idle;
      default:
        // Not found yet, disconnected, lost: the radio keeps trying while asked to.
        return attempting_ ? hearth::WifiStatus::connecting : hearth::WifiStatus::idle;
    }
  }

  void start_scan() override {
    // async: returns at once (the blocking form waits ~2 s for every channel).
    scan_started_ = WiFi.scanNetworks(true, false) != WIFI_SCAN_FAILED;
  }
  hearth::WifiScanState scan_state() override {
    if (!scan_started_) return hearth::WifiScanState::idle;
    const int8_t found = WiFi.scanComplete();
    if (found == WIFI_SCAN_RUNNING) return hearth::WifiScanState::running;
    if (found < 0) return hearth::WifiScanState::failed;
    scan_count_ = static_cast<size_t>(found);
    return hearth::WifiScanState::done;
  }
  size_t scan_count() override { return scan_count_; }
  bool scan_result(size_t index, hearth::WifiNetwork* out) override {
    if (index >= scan_count_) return false;
    const bss_info* network = WiFi.getScanInfoByIndex(static_cast<int>(index));
    if (network == nullptr) return false;
    // ssid is not NUL-terminated when it is 32 bytes long: ssid_len says how many.
    const size_t length = network->ssid_len < hearth::kMaxSsidBytes ? network->ssid_len : hearth::kMaxSsidBytes;
    memcpy(out->ssid, network->ssid, length);
    out->ssid[length] = '\0';
    out->rssi = network->rssi;
    out->secured = network->authmode != AUTH_OPEN;
    return true;
  }
  void scan_clear() override {
    WiFi.scanDelete();
    scan_started_ = false;
    scan_count_ = 0;
  }

 private:
  bool attempting_ = false;  // a connect was asked for and not called off
  bool scan_started_ = false;
  size_t scan_count_ = 0;
};
