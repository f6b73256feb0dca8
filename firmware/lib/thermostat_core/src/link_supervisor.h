// The broker link's decisions, over a small transport port: when to look the
// broker's name up and connect (the ReconnectPolicy, reconnect.h), which name
// lookup answer belongs to the attempt under way, when an attempt is given
// up, when the broker is told of a logon, whether an incoming frame may be
// read (the FrameGate, frame_gate.h), and when a link is dropped: on the
// core's request (deferred until the library's loop has returned), when the
// broker has been silent too long (docs/protocol.md "Staying connected"), when
// the network goes, when the broker changes. The device's glue
// (src/websocket_link.h) and the simulator (sim/sim_main.cpp) each bind the
// port to their WebSocket client and report its events back here.
//
//   LinkSupervisor link(transport, random, now);  Thermostat core(..., link, ...);
//   link.attach(core);  link.set_broker(now, url, pin_or_null);
//   loop: core.tick(now); link.poll(now, network_up, may_dial);
//   from inside transport.service()/close(): link.link_opened/closed/text/heard(...)
//   from the name lookup (any time): link.name_resolved(attempt, found)
#pragma once
#include "core_types.h"
#include "frame_gate.h"
#include "logon.h"
#include "ports.h"
#include "reconnect.h"
#include "thermostat.h"
#include "tls_pin.h"

namespace hearth {

// Where to connect, as parse_device_broker_url gives it, and how the broker's
// certificate is checked for wss://: against the pinned SHA-1 fingerprint, or
// against the built-in roots (which need the date).
struct LinkTarget {
  DeviceBrokerUrl url;
  bool pinned;
  uint8_t pin[kFingerprintBytes];
  bool checks_roots() const { return url.tls && !pinned; }
};

enum class NameLookup : uint8_t {
  found,    // the address is known now (a literal address, or the resolver's cache)
  pending,  // the answer comes later, through LinkSupervisor::name_resolved()
  failed,   // the lookup could not even start
};

// What the supervisor asks of a WebSocket client. Every call returns without
// waiting on the network, except connect()/service() where the library itself
// connects synchronously (firmware/README.md "What blocks, and for how long").
class LinkTransport {
 public:
  // Starts looking `host` up for attempt number `attempt`; a pending answer
  // is reported with that number, so that a late answer to an earlier
  // attempt can be told apart.
  virtual NameLookup resolve(const char* host, uint32_t attempt) = 0;
  // Starts connecting (TCP, TLS, the WebSocket upgrade); opened or closed is
  // reported from service(). io when it cannot even start.
  virtual Status connect(const LinkTarget& target) = 0;
  // Runs the client once: connects, reads, answers pings, reports events.
  virtual void service(Millis now) = 0;
  // The HTTP upgrade is under way: the client ends it by itself within its
  // own bound, so a timed-out attempt is left to finish.
  virtual bool upgrading() = 0;
  // With the link open: the first bytes received and not yet read, as far as
  // they can be seen without consuming them (returns how many were copied
  // into head), and in *available how many there are in all.
  virtual size_t peek_incoming(uint8_t* head, size_t capacity, size_t* available) = 0;
  virtual bool send_text(const char* text, size_t length) = 0;
  // Ends whatever is open or under way, now: with a close frame carrying
  // `code`, or none when code is 0. Events it raises are not acted on.
  virtual void close(uint16_t code) = 0;

 protected:
  ~LinkTransport() = default;
};

struct LinkConfig {
  ReconnectConfig reconnect;
  // How long one incoming frame may take to arrive in full (FrameGate).
  uint32_t frame_patience_ms = 5000;
  // A link over which nothing at all (frame or ping) has come for this long
  // is dead: the broker pings every 30 s (docs/protocol.md "Staying
  // connected"), so this is two and a half of its intervals.
  uint32_t silent_link_ms = 75000;
};

// Why the last link or attempt ended (for logs and tests).
enum class LinkEnd : uint8_t {
  none,            // nothing has ended yet
  refused,         // the attempt failed: name, TCP, TLS or upgrade
  name_not_found,  // the name lookup answered: no such name
  timed_out,       // the attempt was not heard of within its timeout: given up
  closed,          // the broker or the network closed the open link
  dropped,         // the core asked for it (no logon ACK, a failed write)
  silent,          // nothing heard from the broker for silent_link_ms
  too_large,       // an incoming frame over kMaxFrameBytes (closed 1009)
  too_slow,        // an incoming frame not all there within the patience (1002)
  network_down,    // Wi-Fi left connected
  broker_changed,  // set_broker() or clear_broker()
};
const char* link_end_name(LinkEnd end);

class LinkSupervisor final : public Link {
 public:
  enum class Phase : uint8_t { idle, resolving, connecting, open };

  LinkSupervisor(LinkTransport& transport, Random& random, Millis now, const LinkConfig& config = LinkConfig());
  LinkSupervisor(const LinkSupervisor&) = delete;
  LinkSupervisor& operator=(const LinkSupervisor&) = delete;

  // Where link events go. Until then no attempt starts.
  void attach(Thermostat& core) { core_ = &core; }
  // A new broker (pin: its certificate's fingerprint, or null): the link to
  // the old one is dropped and the new one tried at once.
  void set_broker(Millis now, const DeviceBrokerUrl& url, const uint8_t* pin);
  void clear_broker(Millis now);

  // Once per pass of the loop, after core.tick(). network_up: Wi-Fi is
  // connected (when it goes, so does the link); may_dial: the glue's other
  // conditions for starting an attempt now (the date known when needs_clock()
  // says so: certificate dates mean nothing before; nobody busy at the serial
  // port). An open link is kept whatever may_dial says.
  void poll(Millis now, bool network_up, bool may_dial);

  // From the transport, while the supervisor runs it (service, close):
  void link_opened(Millis now);
  void link_closed(Millis now);
  void link_text(const char* text, size_t length, Millis now);
  // Any other sign of life from the broker: a ping (answered by the client),
  // a pong, a frame the contract does not use.
  void link_heard(Millis now);
  // From the name lookup, at any time (on the ESP8266 from lwIP's context,
  // between or during passes): only notes the answer if it is the attempt's
  // under way; poll() acts on it.
  void name_resolved(uint32_t attempt, bool found);

  // hearth::Link, for the core.
  Status send_text(const char* text, size_t length) override;
  // The core calls this from its own handlers, which may run inside the
  // client's loop: closing there would pull the client out from under it.
  // The link is closed once the client's loop has returned.
  void drop() override { drop_requested_ = true; }

  Phase phase() const { return phase_; }
  bool open() const { return phase_ == Phase::open; }
  bool configured() const { return configured_; }
  // A broker checked against the built-in roots is set, and the date is needed before dialling it.
  bool needs_clock() const { return configured_ && target_.checks_roots(); }
  const LinkTarget& target() const { return target_; }
  const ReconnectPolicy& policy() const { return policy_; }
  // The attempt number of the latest attempt (0 before the first).
  uint32_t attempt() const { return attempt_; }
  LinkEnd last_end() const { return last_end_; }
  // How many links and attempts have ended: a change says last_end() is new.
  uint32_t ends() const { return ends_; }

 private:
  enum class Answer : uint8_t { none, found, not_found };

  // The later of `now` and the latest time seen: the glue may hand an event
  // the library's current millis() and the pass after it the time the pass
  // started, and the policy's and the core's clocks must never go back.
  Millis advance(Millis now);
  void start_attempt(Millis now);
  void begin_connect(Millis now);
  void service(Millis now);
  // Closes what is open or under way (close frame `code`, none when 0), tells
  // the policy and the core, and notes why.
  void end(Millis now, LinkEnd why, uint16_t code);
  // A link or attempt that was `was` has ended: tells the policy, and the
  // core when the link was open.
  void finished(Millis now, Phase was);

  LinkTransport& transport_;
  ReconnectPolicy policy_;
  FrameGate gate_;
  LinkConfig config_;
  Thermostat* core_ = nullptr;
  LinkTarget target_{};
  bool configured_ = false;
  Phase phase_ = Phase::idle;
  uint32_t attempt_ = 0;
  Answer answer_ = Answer::none;
  bool network_was_up_ = false;
  bool drop_requested_ = false;
  bool logon_reported_ = false;
  Millis latest_;
  Millis heard_at_ = 0;
  LinkEnd last_end_ = LinkEnd::none;
  uint32_t ends_ = 0;
};

}  // namespace hearth
