// Stand-in for links2004/WebSockets 2.6.1 <WebSocketsClient.h> and the parts of its
// <WebSockets.h> an adapter meets, as built for the ESP8266 (NETWORK_ESP8266, HAS_SSL,
// SSL_BARESSL: ESP8266WiFi.h brings BearSSL in).
#pragma once
#include <functional>

#include "Arduino.h"
#include "ESP8266WiFi.h"
#include "WiFiClient.h"  // on the chip ESP8266WiFi.h brings it in

// WebSockets.h, for ESP8266 and ESP32. This #define is unconditional in 2.6.1 (and up to 2.7.2):
// a -DWEBSOCKETS_MAX_DATA_SIZE=... build flag does NOT bound frames, it only draws a "redefined"
// warning, which -Werror turns into a failure here. A frame up to this size is malloc'ed whole
// (WebSockets::handleWebsocket) before the core sees it; a larger one closes the link with 1009.
#if defined(ESP8266) || defined(ESP32)
#define WEBSOCKETS_MAX_DATA_SIZE (15 * 1024)
#endif
// This one a build flag can set: how long the HTTP upgrade's answer, and each stalled read or
// write of a connected client, may take. On the ESP8266 it does not bound the connect itself
// (WebSocketsClient::loop passes it to connect() on the ESP32 only).
#ifndef WEBSOCKETS_TCP_TIMEOUT
#define WEBSOCKETS_TCP_TIMEOUT (5000)
#endif

typedef enum {
  WStype_ERROR,
  WStype_DISCONNECTED,
  WStype_CONNECTED,
  WStype_TEXT,
  WStype_BIN,
  WStype_FRAGMENT_TEXT_START,
  WStype_FRAGMENT_BIN_START,
  WStype_FRAGMENT,
  WStype_FRAGMENT_FIN,
  WStype_PING,
  WStype_PONG,
} WStype_t;

#define WEBSOCKETS_MAX_HEADER_SIZE (14)

typedef enum { WSC_NOT_CONNECTED, WSC_HEADER, WSC_BODY, WSC_CONNECTED } WSclientsStatus_t;

typedef enum {
  WSop_continuation = 0x00,
  WSop_text = 0x01,
  WSop_binary = 0x02,
  WSop_close = 0x08,
  WSop_ping = 0x09,
  WSop_pong = 0x0A
} WSopcode_t;

// WSclient_t: the members an adapter reads (the real struct has more, all public).
typedef struct {
  uint8_t num = 0;
  WSclientsStatus_t status = WSC_NOT_CONNECTED;
  WiFiClient* tcp = nullptr;  // WEBSOCKETS_NETWORK_CLASS
  bool isSocketIO = false;
  bool isSSL = false;
  WiFiClientSecure* ssl;  // WEBSOCKETS_NETWORK_SSL_CLASS
  uint8_t cWsRXsize = 0;
  uint8_t cWsHeader[WEBSOCKETS_MAX_HEADER_SIZE];
} WSclient_t;

class WebSockets {
 protected:
  virtual void clientDisconnect(WSclient_t* client) = 0;
  virtual bool clientIsConnected(WSclient_t* client) = 0;
  // Sends a close frame with this code, then calls clientDisconnect(client).
  void clientDisconnect(WSclient_t* client, uint16_t code, char* reason = NULL, size_t reasonLen = 0);
  virtual void messageReceived(WSclient_t* client, WSopcode_t opcode, uint8_t* payload, size_t length,
                               bool fin) = 0;
};

class WebSocketsClient : protected WebSockets {
 public:
  typedef std::function<void(WStype_t type, uint8_t* payload, size_t length)> WebSocketClientEvent;

  WebSocketsClient(void);
  virtual ~WebSocketsClient(void);

  void begin(const char* host, uint16_t port, const char* url = "/", const char* protocol = "arduino");
  void begin(String host, uint16_t port, String url = "/", String protocol = "arduino");
  void begin(IPAddress host, uint16_t port, const char* url = "/", const char* protocol = "arduino");

  void beginSSL(const char* host, uint16_t port, const char* url = "/", const uint8_t* fingerprint = NULL,
                const char* protocol = "arduino");
  void beginSslWithCA(const char* host, uint16_t port, const char* url = "/", BearSSL::X509List* CA_cert = NULL,
                      const char* protocol = "arduino");
  void setSSLClientCertKey(BearSSL::X509List* clientCert = NULL, BearSSL::PrivateKey* clientPrivateKey = NULL);
  void setSSLClientCertKey(const char* clientCert = NULL, const char* clientPrivateKey = NULL);
  void beginSslWithCA(const char* host, uint16_t port, const char* url = "/", const char* CA_cert = NULL,
                      const char* protocol = "arduino");

  void loop(void);

  void onEvent(WebSocketClientEvent cbEvent);

  // [[nodiscard]]: stricter than the real header (a frame that was not sent is not sent).
  [[nodiscard]] bool sendTXT(uint8_t* payload, size_t length = 0, bool headerToPayload = false);
  [[nodiscard]] bool sendTXT(const uint8_t* payload, size_t length = 0);
  [[nodiscard]] bool sendTXT(char* payload, size_t length = 0, bool headerToPayload = false);
  [[nodiscard]] bool sendTXT(const char* payload, size_t length = 0);
  [[nodiscard]] bool sendTXT(String& payload);
  [[nodiscard]] bool sendTXT(char payload);

  bool sendBIN(uint8_t* payload, size_t length, bool headerToPayload = false);
  bool sendBIN(const uint8_t* payload, size_t length);
  bool sendPing(uint8_t* payload = NULL, size_t length = 0);
  bool sendPing(String& payload);

  void disconnect(void);

  void setAuthorization(const char* user, const char* password);
  void setAuthorization(const char* auth);
  void setExtraHeaders(const char* extraHeaders = NULL);
  void setReconnectInterval(unsigned long time);
  void enableHeartbeat(uint32_t pingInterval, uint32_t pongTimeout, uint8_t disconnectTimeoutCount);
  void disableHeartbeat();
  bool isConnected(void);
 protected:
  WSclient_t _client;
  unsigned long _lastConnectionFail;
  unsigned long _reconnectInterval;
  void messageReceived(WSclient_t* client, WSopcode_t opcode, uint8_t* payload, size_t length, bool fin);
  void clientDisconnect(WSclient_t* client);
  bool clientIsConnected(WSclient_t* client);
};
