// The broker link's transport on the ESP8266: the core's LinkTransport port
// (link_supervisor.h) over links2004/WebSockets 2.6.1 and lwIP's name lookup.
// It only binds: every decision (when to look up, connect, give up, drop,
// whether a frame may be read) is the core's LinkSupervisor, tested on the
// host. The arguments for each bound are in firmware/README.md "What blocks,
// and for how long" and "Memory at peak".
//
//   WebSocketTransport g_transport;                      // static: lives forever
//   hearth::LinkSupervisor g_link(g_transport, g_random, 0);
//   setup():  g_transport.report_to(g_link);
//
// What the library does on its own, and how it is kept from it (2.6.1 sources):
// - It reconnects by itself from loop() whenever it is not connected and
//   `_reconnectInterval` has passed since the last failure. The supervisor
//   calls service() (the library's loop()) only while an attempt it started,
//   or the link it opened, is under way. The library's own interval is kept
//   above 0 so that the loop() that reports a failure does not reconnect in
//   the same call.
// - One loop() call connects synchronously: DNS (WiFiClient: 5 s; TLS: 10 s),
//   TCP (5 s; TLS: 15 s) and the TLS handshake (15 s) may each take their whole
//   timeout, and no build flag shortens them (WEBSOCKETS_TCP_TIMEOUT is not
//   used for the ESP8266 connect). DNS is taken out of it: resolve() asks
//   lwIP's asynchronous dns_gethostbyname() first, so the library's lookup is
//   answered from lwIP's cache at once (unless the answer's TTL was 0).
// - A frame is malloc'ed whole, up to WEBSOCKETS_MAX_DATA_SIZE (15 KB), before
//   the core sees it. That #define is unconditional in WebSockets.h, so no -D
//   flag can lower it: peek_incoming() shows the supervisor's FrameGate the
//   head of the stream without consuming it, before the library reads anything.
// - The library answers the broker's pings itself and raises WStype_PING:
//   reported as a sign of life (the supervisor drops a silent link).
// - clientDisconnect() raises WStype_DISCONNECTED from inside close(); the
//   supervisor ignores what it raises there.
#pragma once
#include <Arduino.h>
#include <ESP8266WiFi.h>
#include <WebSocketsClient.h>
#include <lwip/dns.h>

#include <memory>
#include <new>

#include "link_supervisor.h"
#include "thermostat.h"
#include "trust_anchors.h"

// The library must never refuse a frame the core accepts (it would close the
// link on an envelope the core would have read). The bound the other way, the
// core's, is the FrameGate's: see above.
static_assert(WEBSOCKETS_MAX_DATA_SIZE >= hearth::kMaxFrameBytes,
              "the WebSocket library refuses frames the core accepts");

namespace hearth_glue {

// The library client with what the transport needs of its (protected) state.
class GatedWebSocketsClient final : public WebSocketsClient {
 public:
  bool receiving_frames() { return _client.status == WSC_CONNECTED && _client.tcp != nullptr; }
  // Connected (TCP, and TLS for wss://) and waiting for the HTTP upgrade's
  // answer, which the library bounds by WEBSOCKETS_TCP_TIMEOUT.
  bool upgrading() { return _client.tcp != nullptr && (_client.status == WSC_HEADER || _client.status == WSC_BODY); }
  size_t available() {
    const int n = _client.tcp != nullptr ? _client.tcp->available() : 0;
    return n > 0 ? size_t(n) : 0;
  }
  // At most `capacity` bytes, never more than available(): so it never waits.
  // A TCP client copies from its first receive buffer only, TLS from the current record.
  size_t peek(uint8_t* out, size_t capacity) {
    const size_t n = available() < capacity ? available() : capacity;
    return n > 0 ? _client.tcp->peekBytes(out, n) : 0;
  }
  // Closes (a close frame with `code` first unless it is 0) and frees the
  // client; WStype_DISCONNECTED follows at once if there was one.
  void close_with(uint16_t code) { WebSockets::clientDisconnect(&_client, code); }
};

class WebSocketTransport final : public hearth::LinkTransport {
 public:
  // Above 0 (see the top of this file); begin() sets the library's last
  // failure to 0, so this also delays the first connect until millis() passes it.
  static constexpr unsigned long kLibraryRetryGuardMs = 1000;

  WebSocketTransport() {
    client_.onEvent([this](WStype_t type, uint8_t* payload, size_t length) { on_event(type, payload, length); });
  }
  WebSocketTransport(const WebSocketTransport&) = delete;
  WebSocketTransport& operator=(const WebSocketTransport&) = delete;

  // Where the library's events and lwIP's answers go.
  void report_to(hearth::LinkSupervisor& link) { link_ = &link; }
  // The built-in roots were made without ISRG Root X2 (out of memory): only X1 is trusted.
  bool anchors_short() const { return anchors_short_; }

  hearth::NameLookup resolve(const char* host, uint32_t attempt) override {
    IPAddress literal;
    if (literal.fromString(host)) return hearth::NameLookup::found;
    // lwIP answers from its cache (ERR_OK) or calls back later; either way the
    // library's own lookup then finds the name in that cache at once.
    ip_addr_t address;
    const err_t result = dns_gethostbyname(host, &address, &WebSocketTransport::on_name_answer,
                                           reinterpret_cast<void*>(uintptr_t(attempt)));
    if (result == ERR_OK) return hearth::NameLookup::found;
    return result == ERR_INPROGRESS ? hearth::NameLookup::pending : hearth::NameLookup::failed;
  }

  hearth::Status connect(const hearth::LinkTarget& target) override {
    const hearth::DeviceBrokerUrl& url = target.url;
    // The library keeps the fingerprint's and the anchors' addresses, not
    // copies: both outlive the connection (the supervisor's target, this object).
    if (target.checks_roots()) {
      BearSSL::X509List* anchors = trust_anchors();
      if (anchors == nullptr) return hearth::Error::io;
      client_.beginSslWithCA(url.host, url.port, url.path, anchors);
    } else {
      if (url.tls) {
        client_.beginSSL(url.host, url.port, url.path, target.pin);
      } else {
        client_.begin(url.host, url.port, url.path);
      }
      // The begin*() above took the library's pointer to the roots away, and
      // the previous client was closed: the 2.8 KB go back to the heap.
      anchors_.reset();
    }
    // The library sends "Origin: file://" unless told otherwise; a device has
    // no origin, and the broker refuses browser origins it does not serve.
    client_.setExtraHeaders("");
    client_.setReconnectInterval(kLibraryRetryGuardMs);
    return hearth::Error::none;
  }

  void service(hearth::Millis) override { client_.loop(); }
  bool upgrading() override { return client_.upgrading(); }

  size_t peek_incoming(uint8_t* head, size_t capacity, size_t* available) override {
    *available = client_.receiving_frames() ? client_.available() : 0;
    return *available > 0 ? client_.peek(head, capacity) : 0;
  }

  bool send_text(const char* text, size_t length) override {
    return client_.sendTXT(reinterpret_cast<const uint8_t*>(text), length);
  }

  void close(uint16_t code) override { client_.close_with(code); }

 private:
  // The roots, made the first time a broker checked against them is dialled
  // (not at boot: a pinned or ws:// broker never needs their ~2.8 KB).
  BearSSL::X509List* trust_anchors() {
    if (anchors_ != nullptr) return anchors_.get();
    anchors_.reset(new (std::nothrow) BearSSL::X509List(kIsrgRootX1));
    if (anchors_ != nullptr && anchors_->getCount() == 0) anchors_.reset();  // X1 did not fit either
    if (anchors_ == nullptr) return nullptr;
    anchors_short_ = !anchors_->append(kIsrgRootX2);
    return anchors_.get();
  }

  // lwIP calls this from its own context, between passes of loop() or while
  // the library waits inside one: the supervisor only notes the answer.
  static void on_name_answer(const char*, const ip_addr_t* address, void* attempt) {
    if (link_ != nullptr) link_->name_resolved(uint32_t(reinterpret_cast<uintptr_t>(attempt)), address != nullptr);
  }

  void on_event(WStype_t type, uint8_t* payload, size_t length) {
    if (link_ == nullptr) return;
    const hearth::Millis now = hearth::Millis(millis());
    switch (type) {
      case WStype_CONNECTED:
        link_->link_opened(now);
        break;
      case WStype_DISCONNECTED:
        link_->link_closed(now);
        break;
      case WStype_TEXT:
        link_->link_text(reinterpret_cast<const char*>(payload), length, now);
        break;
      default:
        // Pings (the library has answered them), pongs, and binary or
        // fragmented frames, which the contract does not use: signs of life.
        link_->link_heard(now);
        break;
    }
  }

  GatedWebSocketsClient client_;
  std::unique_ptr<BearSSL::X509List> anchors_;
  bool anchors_short_ = false;
  static inline hearth::LinkSupervisor* link_ = nullptr;
};

}  // namespace hearth_glue
