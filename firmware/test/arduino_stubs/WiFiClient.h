// Stand-in for the ESP8266 core's libraries/ESP8266WiFi/src/WiFiClient.h and
// WiFiClientSecureBearSSL.h (3.1.2): the members an adapter reaching into the
// WebSocket library's client uses. On the chip <ESP8266WiFi.h> brings both in.
#pragma once
#include "Print.h"

class WiFiClient : public Stream {
 public:
  WiFiClient();
  virtual ~WiFiClient();
  // Bytes received and not yet read (the whole TCP receive queue).
  virtual int available() override;
  virtual int read() override;
  virtual int peek() override;
  // Waits (up to the client's timeout) while fewer than `length` bytes are
  // available, then copies from the first received buffer only, without
  // consuming: ask for no more than available() and it does not wait.
  virtual size_t peekBytes(uint8_t* buffer, size_t length);
  virtual uint8_t connected();
};

namespace BearSSL {
// available() and peekBytes() see the current decrypted TLS record only.
class WiFiClientSecure : public WiFiClient {
 public:
  WiFiClientSecure();
  int available() override;
  size_t peekBytes(uint8_t* buffer, size_t length) override;
};
}  // namespace BearSSL
using BearSSL::WiFiClientSecure;
