// Stand-in for the ESP8266 core's <ESP8266WiFi.h> (libraries/ESP8266WiFi, core 3.1.2):
// ESP8266WiFiType.h, ESP8266WiFiGeneric.h, ESP8266WiFiSTA.h (with LwipIntf's hostname),
// ESP8266WiFiScan.h, wl_definitions.h, IPAddress.h, the SDK's bss_info (user_interface.h,
// c_types.h) and BearSSL::X509List (BearSSLHelpers.h), which it brings in.
#pragma once
#include <functional>
#include <memory>

#include "Arduino.h"

// c_types.h
typedef unsigned char uint8;
typedef signed char sint8;
typedef signed short sint16;
typedef unsigned int uint32;

// wl_definitions.h
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

enum wl_enc_type { ENC_TYPE_WEP = 5, ENC_TYPE_TKIP = 2, ENC_TYPE_CCMP = 4, ENC_TYPE_NONE = 7, ENC_TYPE_AUTO = 8 };

// user_interface.h
typedef enum _auth_mode { AUTH_OPEN = 0, AUTH_WEP, AUTH_WPA_PSK, AUTH_WPA2_PSK, AUTH_WPA_WPA2_PSK, AUTH_MAX } AUTH_MODE;
struct bss_info {  // the fields a scan result is read by (the real one starts with a list link)
  uint8 bssid[6];
  uint8 ssid[32];  // not NUL-terminated when 32 bytes long: ssid_len says how many
  uint8 ssid_len;
  uint8 channel;
  sint8 rssi;
  AUTH_MODE authmode;
  uint8 is_hidden;
};
// The station configuration the SDK keeps twice: current, and saved in flash (what the radio
// connects to at boot). The fields of the pinned SDK (NONOSDK22x_190703); extern "C" as there.
typedef struct {
  sint8 rssi;
  AUTH_MODE authmode;
} wifi_fast_scan_threshold_t;
struct station_config {
  uint8 ssid[32];
  uint8 password[64];
  uint8 bssid_set;
  uint8 bssid[6];
  wifi_fast_scan_threshold_t threshold;
};
extern "C" {
bool wifi_station_get_config(struct station_config* config);
bool wifi_station_get_config_default(struct station_config* config);
bool wifi_station_set_config(struct station_config* config);
bool wifi_station_set_config_current(struct station_config* config);
}

// IPAddress.h
class IPAddress {
 public:
  IPAddress();
  IPAddress(uint8_t first_octet, uint8_t second_octet, uint8_t third_octet, uint8_t fourth_octet);
  IPAddress(uint32_t address);
  bool fromString(const char* address);
  operator uint32_t() const;
  bool isSet() const;
  operator bool() const;
  String toString() const;
};

// ESP8266WiFiType.h
#define WIFI_SCAN_RUNNING (-1)
#define WIFI_SCAN_FAILED (-2)

typedef enum WiFiMode { WIFI_OFF = 0, WIFI_STA = 1, WIFI_AP = 2, WIFI_AP_STA = 3 } WiFiMode_t;
typedef enum WiFiSleepType { WIFI_NONE_SLEEP = 0, WIFI_LIGHT_SLEEP = 1, WIFI_MODEM_SLEEP = 2 } WiFiSleepType_t;

enum WiFiDisconnectReason {
  WIFI_DISCONNECT_REASON_UNSPECIFIED = 1,
  WIFI_DISCONNECT_REASON_AUTH_EXPIRE = 2,
  WIFI_DISCONNECT_REASON_AUTH_LEAVE = 3,
  WIFI_DISCONNECT_REASON_ASSOC_EXPIRE = 4,
  WIFI_DISCONNECT_REASON_ASSOC_TOOMANY = 5,
  WIFI_DISCONNECT_REASON_NOT_AUTHED = 6,
  WIFI_DISCONNECT_REASON_NOT_ASSOCED = 7,
  WIFI_DISCONNECT_REASON_ASSOC_LEAVE = 8,
  WIFI_DISCONNECT_REASON_ASSOC_NOT_AUTHED = 9,
  WIFI_DISCONNECT_REASON_BEACON_TIMEOUT = 200,
  WIFI_DISCONNECT_REASON_NO_AP_FOUND = 201,
  WIFI_DISCONNECT_REASON_AUTH_FAIL = 202,
  WIFI_DISCONNECT_REASON_ASSOC_FAIL = 203,
  WIFI_DISCONNECT_REASON_HANDSHAKE_TIMEOUT = 204,
};

struct WiFiEventStationModeConnected {
  String ssid;
  uint8 bssid[6];
  uint8 channel;
};
struct WiFiEventStationModeDisconnected {
  String ssid;
  uint8 bssid[6];
  WiFiDisconnectReason reason;
};
struct WiFiEventStationModeGotIP {
  IPAddress ip;
  IPAddress mask;
  IPAddress gw;
};

// ESP8266WiFiGeneric.h
struct WiFiEventHandlerOpaque;
typedef std::shared_ptr<WiFiEventHandlerOpaque> WiFiEventHandler;
struct WiFiState;

class ESP8266WiFiGenericClass {
 public:
  WiFiEventHandler onStationModeConnected(std::function<void(const WiFiEventStationModeConnected&)>);
  WiFiEventHandler onStationModeDisconnected(std::function<void(const WiFiEventStationModeDisconnected&)>);
  WiFiEventHandler onStationModeGotIP(std::function<void(const WiFiEventStationModeGotIP&)>);
  WiFiEventHandler onStationModeDHCPTimeout(std::function<void(void)>);
  uint8_t channel(void);
  bool setSleepMode(WiFiSleepType_t type, uint8_t listenInterval = 0);
  void setOutputPower(float dBm);
  static void persistent(bool persistent);
  // [[nodiscard]]: stricter than the real header. Until mode() succeeds the radio is off and
  // ESP.random() is not random (docs/protocol.md "The envelope").
  [[nodiscard]] bool mode(WiFiMode_t);
  WiFiMode_t getMode();
  bool enableSTA(bool enable);
  bool enableAP(bool enable);
  // Stricter than the real header: resolves with a wait of up to 10 s.
  [[deprecated("hostByName() waits for DNS up to 10 s")]]
  int hostByName(const char* aHostname, IPAddress& aResult);
  [[deprecated("hostByName() waits for DNS")]]
  int hostByName(const char* aHostname, IPAddress& aResult, uint32_t timeout_ms);
  bool getPersistent();
};

// ESP8266WiFiSTA.h
class ESP8266WiFiSTAClass {
 public:
  wl_status_t begin(const char* ssid, const char* passphrase = NULL, int32_t channel = 0,
                    const uint8_t* bssid = NULL, bool connect = true);
  wl_status_t begin(char* ssid, char* passphrase = NULL, int32_t channel = 0, const uint8_t* bssid = NULL,
                    bool connect = true);
  wl_status_t begin(const String& ssid, const String& passphrase = emptyString, int32_t channel = 0,
                    const uint8_t* bssid = NULL, bool connect = true);
  wl_status_t begin();
  bool reconnect();
  bool disconnect(bool wifioff = false);
  bool disconnect(bool wifioff, bool eraseCredentials);
  bool isConnected();
  bool setAutoConnect(bool autoConnect);
  bool getAutoConnect();
  bool setAutoReconnect(bool autoReconnect);
  bool getAutoReconnect();
  // Stricter than the real header: waits up to 60 s.
  [[deprecated("waitForConnectResult() waits up to a minute: poll status() instead")]]
  int8_t waitForConnectResult(unsigned long timeoutLength = 60000);
  IPAddress localIP();
  uint8_t* macAddress(uint8_t* mac);
  String macAddress();
  wl_status_t status();
  String SSID() const;
  String psk() const;
  int8_t RSSI();
  // LwipIntf.h, which the real class derives from.
  String hostname();
  bool hostname(const char* aHostname);
  bool setHostname(const char* aHostName);
};

// ESP8266WiFiScan.h. scanNetworks(false) waits for the whole scan (about 2 s): pass async = true
// and poll scanComplete().
class ESP8266WiFiScanClass {
 public:
  int8_t scanNetworks(bool async = false, bool show_hidden = false, uint8 channel = 0, uint8* ssid = NULL);
  void scanNetworksAsync(std::function<void(int)> onComplete, bool show_hidden = false);
  int8_t scanComplete();
  void scanDelete();
  const bss_info* getScanInfoByIndex(int i);
  String SSID(uint8_t networkItem);
  uint8_t encryptionType(uint8_t networkItem);
  int32_t RSSI(uint8_t networkItem);
  uint8_t* BSSID(uint8_t networkItem);
  int32_t channel(uint8_t networkItem);
  bool isHidden(uint8_t networkItem);
};

// ESP8266WiFi.h. The real class also derives from ESP8266WiFiAPClass; the thermostat opens no
// access point (issue 9), so softAP() and its kin are left out and fail to compile here.
class ESP8266WiFiClass : public ESP8266WiFiGenericClass, public ESP8266WiFiSTAClass, public ESP8266WiFiScanClass {
 public:
  using ESP8266WiFiGenericClass::channel;
  using ESP8266WiFiSTAClass::RSSI;
  using ESP8266WiFiSTAClass::SSID;
  using ESP8266WiFiScanClass::channel;
  using ESP8266WiFiScanClass::encryptionType;
  using ESP8266WiFiScanClass::isHidden;
  using ESP8266WiFiScanClass::RSSI;
  using ESP8266WiFiScanClass::SSID;
  void printDiag(Print& dest);
};
extern ESP8266WiFiClass WiFi;

// BearSSLHelpers.h
namespace BearSSL {
class X509List {
 public:
  X509List();
  X509List(const char* pemCert);
  X509List(const uint8_t* derCert, size_t derLen);
  ~X509List();
  // [[nodiscard]]: stricter than the real header (a certificate that did not parse is not trusted).
  [[nodiscard]] bool append(const char* pemCert);
  [[nodiscard]] bool append(const uint8_t* derCert, size_t derLen);
  size_t getCount() const;
  X509List(const X509List& that) = delete;
};
class PrivateKey;
}  // namespace BearSSL
