// Stand-in for links2004/WebSockets 2.6.1 <WebSocketsClient.h> as built for the ESP8266
// (NETWORK_ESP8266, SSL_BARESSL): what main.cpp uses.
#pragma once
#include <functional>

#include "ESP8266WiFi.h"

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

class WebSocketsClient {
 public:
  typedef std::function<void(WStype_t type, uint8_t* payload, size_t length)> WebSocketClientEvent;

  void begin(const char* host, uint16_t port, const char* url = "/", const char* protocol = "arduino");
  void beginSSL(const char* host, uint16_t port, const char* url = "/", const uint8_t* fingerprint = NULL,
                const char* protocol = "arduino");
  void beginSslWithCA(const char* host, uint16_t port, const char* url = "/", BearSSL::X509List* CA_cert = NULL,
                      const char* protocol = "arduino");
  void beginSslWithCA(const char* host, uint16_t port, const char* url = "/", const char* CA_cert = NULL,
                      const char* protocol = "arduino");
  void loop(void);
  void onEvent(WebSocketClientEvent cbEvent);
  bool sendTXT(uint8_t* payload, size_t length = 0, bool headerToPayload = false);
  bool sendTXT(const uint8_t* payload, size_t length = 0);
  bool sendTXT(char* payload, size_t length = 0, bool headerToPayload = false);
  bool sendTXT(const char* payload, size_t length = 0);
  void disconnect(void);
  void setExtraHeaders(const char* extraHeaders = NULL);
  void setReconnectInterval(unsigned long time);
};
