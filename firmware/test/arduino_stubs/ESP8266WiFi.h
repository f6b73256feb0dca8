// Stand-in for the ESP8266 core's <ESP8266WiFi.h> (3.1.2): WiFi mode and status, and
// BearSSL::X509List (BearSSLHelpers.h), which it brings in.
#pragma once
#include "Arduino.h"

typedef enum WiFiMode { WIFI_OFF = 0, WIFI_STA = 1, WIFI_AP = 2, WIFI_AP_STA = 3 } WiFiMode_t;

typedef enum {
  WL_NO_SHIELD = 255,
  WL_IDLE_STATUS = 0,
  WL_NO_SSID_AVAIL = 1,
  WL_SCAN_COMPLETED = 2,
  WL_CONNECTED = 3,
  WL_CONNECT_FAILED = 4,
  WL_CONNECTION_LOST = 5,
  WL_WRONG_PASSWORD = 6,
  WL_DISCONNECTED = 7
} wl_status_t;

struct WiFiState;

class ESP8266WiFiClass {
 public:
  bool mode(WiFiMode_t, WiFiState* state = nullptr);
  wl_status_t status();
};
extern ESP8266WiFiClass WiFi;

namespace BearSSL {
class X509List {
 public:
  X509List(const char* pemCert);
  ~X509List();
  bool append(const char* pemCert);
};
}  // namespace BearSSL
