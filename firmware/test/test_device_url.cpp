// The broker URL as the ESP8266 glue dials it, and the Host it signs for.
#include <doctest/doctest.h>

#include <string.h>

#include <string>

#include "logon.h"

using namespace hearth;

TEST_CASE("the device signs the Host its WebSocket library sends: host:port, port always") {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    uint16_t port;
    const char* host_header;
    const char* path;
  };
  const Case cases[] = {
      {"wss://Broker.Example/ws", true, "broker.example", 443, "broker.example:443", "/ws"},
      {"wss://broker.example", true, "broker.example", 443, "broker.example:443", "/ws"},
      {"ws://192.168.1.10:8080/ws", false, "192.168.1.10", 8080, "192.168.1.10:8080", "/ws"},
      {"ws://hearth.local/", false, "hearth.local", 80, "hearth.local:80", "/"},
      {"WSS://broker.example:8443/hearth/ws?x=1", true, "broker.example", 8443, "broker.example:8443",
       "/hearth/ws?x=1"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    DeviceBrokerUrl url;
    REQUIRE(parse_device_broker_url(c.url, &url) == Error::none);
    CHECK(url.tls == c.tls);
    CHECK(std::string(url.host) == c.host);
    CHECK(url.port == c.port);
    CHECK(std::string(url.host_header) == c.host_header);
    CHECK(std::string(url.path) == c.path);
  }
}

TEST_CASE("a broker URL the device could not dial as written is refused, not half-used") {
  for (const char* url : {"ws://user:pw@host:8080/ws", "ws://@host/ws", "ws://host:0/ws", "ws://host/ws#frag",
                          "ws://host?x", "ws://host\\ws", "ws://host/w s", "http://host/ws", "ws://[::1]:8080/ws",
                          "ws://host:65536/ws", "ws://127.1/ws", "", "host:8080"}) {
    CAPTURE(url);
    DeviceBrokerUrl parsed;
    CHECK(parse_device_broker_url(url, &parsed) == Error::bad_format);
  }
}

#include "flash.h"

TEST_CASE("only all-erased flash counts as never formatted") {
  uint8_t block[64];
  memset(block, 0xFF, sizeof block);
  CHECK(is_erased_flash(block, sizeof block));
  block[63] = 0xFE;  // one programmed bit: something was there
  CHECK_FALSE(is_erased_flash(block, sizeof block));
  CHECK_FALSE(is_erased_flash(block, 0));
}
