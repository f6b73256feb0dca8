// The link to the broker on the ESP8266: hearth::Link over links2004/WebSockets
// 2.6.1, with every connect decided by the core's ReconnectPolicy (reconnect.h)
// and every incoming frame let through by the core's FrameGate (frame_gate.h).
// The arguments for each bound are in firmware/README.md "What blocks, and for
// how long" and "Memory at peak".
//
//   WebSocketLink g_link(g_random, millis());       // static: it lives forever
//   setup():  g_link.attach(core); g_link.set_broker(url, pin_or_null, anchors);
//   loop():   core.tick(now); g_link.poll(now, may_connect);
//
// What the library does on its own, and how it is kept from it (2.6.1 sources):
// - It reconnects by itself from loop() whenever it is not connected and
//   `_reconnectInterval` has passed since the last failure. Here loop() is only
//   called while an attempt this adapter started, or the link it opened, is
//   under way; once the library reports either over, nothing calls it until
//   the policy starts the next attempt. The library's own interval is kept
//   above 0 so that the loop() that reports a failure does not reconnect in the
//   same call.
// - A failed DNS lookup, TCP connect or TLS handshake raises no event in the
//   loop() that fails; WStype_DISCONNECTED comes on the next loop() (its
//   clientIsConnected() cleans up the client and reports it). Either way the
//   policy also times an attempt out.
// - One loop() call connects synchronously: DNS (WiFiClient: 5 s; TLS: 10 s),
//   TCP (5 s; TLS: 15 s) and the TLS handshake (15 s) may each take their whole
//   timeout, and no build flag shortens them (WEBSOCKETS_TCP_TIMEOUT is not
//   used for the ESP8266 connect). DNS is taken out of it: the name is
//   resolved first with lwIP's asynchronous dns_gethostbyname(), so the
//   library's lookup is answered from lwIP's cache at once.
// - A frame is malloc'ed whole, up to WEBSOCKETS_MAX_DATA_SIZE (15 KB), before
//   the core sees it, and its payload is then awaited with a timeout that
//   restarts with every byte. That #define is unconditional in WebSockets.h, so
//   no -D flag can lower it: the FrameGate checks the length in the frame's
//   header, peeked without consuming it, and closes the link (1009) when it is
//   over kMaxFrameBytes, before the library reads anything.
#pragma once
#include <Arduino.h>
#include <ESP8266WiFi.h>
#include <WebSocketsClient.h>
#include <lwip/dns.h>

#include "frame_gate.h"
#include "logon.h"
#include "reconnect.h"
#include "thermostat.h"
#include "tls_pin.h"

// The library must never refuse a frame the core accepts (it would close the
// link on an envelope the core would have read). The bound the other way, the
// core's, is the FrameGate's: see above.
static_assert(WEBSOCKETS_MAX_DATA_SIZE >= hearth::kMaxFrameBytes,
              "the WebSocket library refuses frames the core accepts");

namespace hearth_glue {

// The library client with what the adapter needs of its (protected) state:
// whether frames are flowing, and a look at the head of the received bytes.
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
  size_t peek(uint8_t* out, size_t capacity) {
    const size_t n = available() < capacity ? available() : capacity;
    return n > 0 ? _client.tcp->peekBytes(out, n) : 0;
  }
  // Closes with a status code; WStype_DISCONNECTED follows at once.
  void close_with(uint16_t code) { WebSockets::clientDisconnect(&_client, code); }
};

class WebSocketLink final : public hearth::Link {
 public:
  // Above 0 (see the top of this file); begin() sets the library's last
  // failure to 0, so this also delays the first connect until millis() passes it.
  static constexpr unsigned long kLibraryRetryGuardMs = 1000;
  // How long one incoming frame may take to arrive in full.
  static constexpr uint32_t kFramePatienceMs = 5000;

  WebSocketLink(hearth::Random& random, hearth::Millis now,
                const hearth::ReconnectConfig& config = hearth::ReconnectConfig())
      : policy_(random, now, config), gate_(hearth::kMaxFrameBytes, kFramePatienceMs) {
    client_.onEvent([this](WStype_t type, uint8_t* payload, size_t length) { on_event(type, payload, length); });
  }
  WebSocketLink(const WebSocketLink&) = delete;
  WebSocketLink& operator=(const WebSocketLink&) = delete;

  // Where link events go. Until then the link stays down.
  void attach(hearth::Thermostat& core) { core_ = &core; }

  // The broker to connect to (url as parse_device_broker_url gives it; pin:
  // the certificate's SHA-1 fingerprint, or null to check wss:// against
  // `anchors`, which must outlive the link). Drops a link to another broker
  // and tries the new one at once (the policy restarts).
  void set_broker(const hearth::DeviceBrokerUrl& url, const uint8_t* pin, BearSSL::X509List* anchors) {
    drop_now();
    policy_.restart(hearth::Millis(millis()));
    url_ = url;
    pinned_ = pin != nullptr;
    if (pinned_) memcpy(pin_, pin, sizeof pin_);
    anchors_ = anchors;
    configured_ = true;
  }
  void clear_broker() {
    drop_now();
    configured_ = false;
  }

  // wss:// checked against certificate authorities needs the date (SNTP)
  // before an attempt: may_connect should say so.
  bool needs_clock() const { return configured_ && url_.tls && !pinned_; }
  bool open() const { return phase_ == Phase::open; }
  const hearth::ReconnectPolicy& policy() const { return policy_; }

  // Once per pass of loop(), after core.tick() (the heater's decision comes
  // first). may_connect: Wi-Fi is up (and the clock set when needs_clock()).
  void poll(hearth::Millis now, bool may_connect) {
    if (drop_requested_) drop_now();
    if (phase_ == Phase::open && !logon_reported_ && core_ != nullptr && core_->online()) {
      policy_.logged_on(now);
      logon_reported_ = true;
    }
    const bool due = policy_.should_attempt(now);  // every pass: it keeps the policy's clock
    // The policy timed the attempt out. One that has got as far as the
    // upgrade (after a slow TLS handshake, say) ends by itself within
    // WEBSOCKETS_TCP_TIMEOUT and is still taken if it opens.
    if ((phase_ == Phase::resolving || phase_ == Phase::connecting) &&
        policy_.phase() != hearth::ReconnectPolicy::Phase::connecting && !client_.upgrading()) {
      abandon_attempt();
    }
    switch (phase_) {
      case Phase::idle:
        if (due && may_connect && configured_ && core_ != nullptr) start_attempt(now);
        break;
      case Phase::resolving:
        if (dns_answered_generation_ == dns_generation_) {
          if (dns_answer_ok_) {
            begin_library();
          } else {
            phase_ = Phase::idle;
            policy_.attempt_failed(now);
          }
        }
        break;
      case Phase::connecting:
      case Phase::open:
        service(now);
        break;
    }
  }

  hearth::Status send_text(const char* text, size_t length) override {
    if (phase_ != Phase::open || drop_requested_) return hearth::Error::io;
    // A write to a peer that stopped reading waits out the client's timeout
    // before it fails; the link is closed then, so that the next frames (a
    // push to 8 members is 8) do not each wait again.
    if (client_.sendTXT(reinterpret_cast<const uint8_t*>(text), length)) return hearth::Error::none;
    drop_requested_ = true;
    return hearth::Error::io;
  }
  // The core calls this from inside its own handlers, which the library calls
  // from inside its loop(): closing there would pull the client out from
  // under the library. The next poll() closes it.
  void drop() override { drop_requested_ = true; }

 private:
  enum class Phase : uint8_t { idle, resolving, connecting, open };

  void start_attempt(hearth::Millis now) {
    policy_.attempt_started(now);
    IPAddress literal;
    if (literal.fromString(url_.host)) {
      begin_library();
      return;
    }
    // lwIP answers from its cache (ERR_OK) or calls back later; either way the
    // library's own lookup then finds the name in that cache at once.
    ++dns_generation_;
    phase_ = Phase::resolving;
    ip_addr_t address;
    const err_t result = dns_gethostbyname(url_.host, &address, &WebSocketLink::on_dns_answer,
                                           reinterpret_cast<void*>(uintptr_t(dns_generation_)));
    if (result == ERR_OK) {
      begin_library();
    } else if (result != ERR_INPROGRESS) {
      phase_ = Phase::idle;
      policy_.attempt_failed(now);
    }
  }

  // lwIP calls this from its own context between passes of loop(): only notes the answer.
  static void on_dns_answer(const char*, const ip_addr_t* address, void* generation) {
    dns_answer_ok_ = address != nullptr;
    dns_answered_generation_ = uint32_t(reinterpret_cast<uintptr_t>(generation));
  }

  void begin_library() {
    gate_.reset();
    // The logon signature names the Host this library sends, port included
    // (docs/protocol.md "Logging on").
    if (url_.tls && pinned_) {
      client_.beginSSL(url_.host, url_.port, url_.path, pin_);
    } else if (url_.tls) {
      client_.beginSslWithCA(url_.host, url_.port, url_.path, anchors_);
    } else {
      client_.begin(url_.host, url_.port, url_.path);
    }
    // The library sends "Origin: file://" unless told otherwise; a device has
    // no origin, and the broker refuses browser origins it does not serve.
    client_.setExtraHeaders("");
    client_.setReconnectInterval(kLibraryRetryGuardMs);
    phase_ = Phase::connecting;
  }

  // Runs the library, but lets it read a frame only when the gate says the
  // whole frame is there and within kMaxFrameBytes.
  void service(hearth::Millis now) {
    if (client_.receiving_frames()) {
      uint8_t head[hearth::kMaxFrameHeaderBytes];
      const size_t available = client_.available();
      const size_t seen = client_.peek(head, sizeof head);
      switch (gate_.check(now, head, seen, available, !url_.tls)) {
        case hearth::FrameVerdict::wait:
          return;
        case hearth::FrameVerdict::too_large:
          client_.close_with(1009);  // "message too big" (RFC 6455 section 7.4.1)
          return;
        case hearth::FrameVerdict::too_slow:
          client_.close_with(1002);  // as the library closes a frame it timed out on
          return;
        case hearth::FrameVerdict::idle:
        case hearth::FrameVerdict::read:
          break;
      }
    }
    client_.loop();
  }

  void on_event(WStype_t type, uint8_t* payload, size_t length) {
    const hearth::Millis now = hearth::Millis(millis());
    switch (type) {
      case WStype_CONNECTED:
        phase_ = Phase::open;
        logon_reported_ = false;
        gate_.reset();
        policy_.link_opened(now);
        if (core_ != nullptr) core_->link_opened(now, url_.host_header);
        break;
      case WStype_DISCONNECTED:
        if (phase_ == Phase::open) {
          policy_.link_closed(now);
          if (core_ != nullptr) core_->link_closed(now);
        } else if (phase_ != Phase::idle) {
          policy_.attempt_failed(now);  // ignored when the policy already timed it out
        }
        phase_ = Phase::idle;
        break;
      case WStype_TEXT:
        if (core_ != nullptr) core_->link_text(reinterpret_cast<const char*>(payload), length, now);
        break;
      default:
        break;  // binary and fragmented frames are not part of the contract; pings are answered by the library
    }
  }

  void abandon_attempt() {
    // Its DISCONNECTED, if any, is not counted again: the policy ignores a
    // failure once it has timed the attempt out.
    client_.disconnect();
    phase_ = Phase::idle;
  }

  // Closes whatever is open or under way, now; its events are reported as usual.
  void drop_now() {
    drop_requested_ = false;
    if (phase_ == Phase::connecting || phase_ == Phase::open) client_.disconnect();
    // Still not idle: nothing was connected yet (resolving, or begun but not
    // yet run), so no event came. The library holds no client then, and the
    // next begin() starts it afresh.
    if (phase_ != Phase::idle) {
      policy_.attempt_failed(hearth::Millis(millis()));
      phase_ = Phase::idle;
    }
  }

  GatedWebSocketsClient client_;
  hearth::ReconnectPolicy policy_;
  hearth::FrameGate gate_;
  hearth::Thermostat* core_ = nullptr;
  hearth::DeviceBrokerUrl url_{};
  bool configured_ = false;
  bool pinned_ = false;
  uint8_t pin_[hearth::kFingerprintBytes] = {};
  BearSSL::X509List* anchors_ = nullptr;
  Phase phase_ = Phase::idle;
  bool logon_reported_ = false;
  bool drop_requested_ = false;
  uint32_t dns_generation_ = 0;
  static inline volatile uint32_t dns_answered_generation_ = 0;
  static inline volatile bool dns_answer_ok_ = false;
};

}  // namespace hearth_glue
