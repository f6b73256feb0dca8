#include "link_supervisor.h"

#include <string.h>

namespace hearth {

const char* link_end_name(LinkEnd end) {
  switch (end) {
    case LinkEnd::none: return "none";
    case LinkEnd::refused: return "refused";
    case LinkEnd::name_not_found: return "name_not_found";
    case LinkEnd::timed_out: return "timed_out";
    case LinkEnd::closed: return "closed";
    case LinkEnd::dropped: return "dropped";
    case LinkEnd::silent: return "silent";
    case LinkEnd::too_large: return "too_large";
    case LinkEnd::too_slow: return "too_slow";
    case LinkEnd::network_down: return "network_down";
    case LinkEnd::broker_changed: return "broker_changed";
  }
  return "?";
}

LinkSupervisor::LinkSupervisor(LinkTransport& transport, Random& random, Millis now, const LinkConfig& config)
    : transport_(transport),
      policy_(random, now, config.reconnect),
      gate_(kMaxFrameBytes, config.frame_patience_ms),
      config_(config),
      latest_(now) {}

Millis LinkSupervisor::advance(Millis now) {
  if (int32_t(now - latest_) > 0) latest_ = now;
  return latest_;
}

void LinkSupervisor::set_broker(Millis at, const DeviceBrokerUrl& url, const uint8_t* pin) {
  const Millis now = advance(at);
  end(now, LinkEnd::broker_changed, 1000);
  policy_.restart(now);
  target_.url = url;
  target_.pinned = pin != nullptr;
  if (target_.pinned) {
    memcpy(target_.pin, pin, sizeof target_.pin);
  } else {
    memset(target_.pin, 0, sizeof target_.pin);
  }
  configured_ = true;
}

void LinkSupervisor::clear_broker(Millis at) {
  const Millis now = advance(at);
  end(now, LinkEnd::broker_changed, 1000);
  configured_ = false;
}

void LinkSupervisor::poll(Millis at, bool network_up, bool may_dial) {
  const Millis now = advance(at);
  if (!network_up && network_was_up_) {
    // The station left its network: the ESP8266 core keeps its TCP clients
    // open regardless, and a link over a network that is gone hears nothing
    // more. What failed before says nothing about the network that comes
    // back, so the first attempt then is immediate.
    end(now, LinkEnd::network_down, 0);
    policy_.restart(now);
  }
  network_was_up_ = network_up;
  if (drop_requested_) end(now, LinkEnd::dropped, 1000);
  if (phase_ == Phase::open && uint32_t(now - heard_at_) >= config_.silent_link_ms) {
    // No close frame: nobody is there to read it, and a write to a dead peer
    // would only wait for its acknowledgement.
    end(now, LinkEnd::silent, 0);
  }
  if (phase_ == Phase::open && !logon_reported_ && core_ != nullptr && core_->online()) {
    policy_.logged_on(now);
    logon_reported_ = true;
  }
  const bool due = policy_.should_attempt(now);  // every pass: it keeps the policy's clock
  // The policy timed the attempt out (and counted it). One that has got as
  // far as the upgrade (after a slow TLS handshake, say) ends by itself
  // within the client's bound and is still taken if it opens.
  const bool attempting = phase_ == Phase::resolving || (phase_ == Phase::connecting && !transport_.upgrading());
  if (attempting && policy_.phase() != ReconnectPolicy::Phase::connecting) end(now, LinkEnd::timed_out, 0);

  switch (phase_) {
    case Phase::idle:
      if (due && network_up && may_dial && configured_ && core_ != nullptr) start_attempt(now);
      break;
    case Phase::resolving:
      if (answer_ == Answer::found) {
        begin_connect(now);
      } else if (answer_ == Answer::not_found) {
        end(now, LinkEnd::name_not_found, 0);
      }
      break;
    case Phase::connecting:
    case Phase::open:
      service(now);
      break;
  }
  // Asked for from inside the client's loop (a handler of the core's, a
  // write that failed): closed now that the loop has returned.
  if (drop_requested_) end(now, LinkEnd::dropped, 1000);
}

void LinkSupervisor::start_attempt(Millis now) {
  policy_.attempt_started(now);
  ++attempt_;
  answer_ = Answer::none;
  phase_ = Phase::resolving;  // before resolve(): an answer given from inside it counts
  switch (transport_.resolve(target_.url.host, attempt_)) {
    case NameLookup::found:
      begin_connect(now);
      break;
    case NameLookup::pending:
      break;
    case NameLookup::failed:
      end(now, LinkEnd::name_not_found, 0);
      break;
  }
}

void LinkSupervisor::begin_connect(Millis now) {
  answer_ = Answer::none;
  gate_.reset();
  if (transport_.connect(target_) != Error::none) {
    end(now, LinkEnd::refused, 0);  // still resolving: nothing to close
    return;
  }
  phase_ = Phase::connecting;
}

// Runs the client, but lets it read a frame only when the gate says the whole
// frame is there and within kMaxFrameBytes.
void LinkSupervisor::service(Millis now) {
  if (phase_ == Phase::open) {
    uint8_t head[kMaxFrameHeaderBytes];
    size_t available = 0;
    size_t seen = transport_.peek_incoming(head, sizeof head, &available);
    if (seen > sizeof head) seen = sizeof head;
    if (seen > available) available = seen;
    // Plain TCP counts every byte received; TLS only the current record.
    switch (gate_.check(now, head, seen, available, !target_.url.tls)) {
      case FrameVerdict::wait:
        return;
      case FrameVerdict::too_large:
        end(now, LinkEnd::too_large, 1009);  // "message too big" (RFC 6455 section 7.4.1)
        return;
      case FrameVerdict::too_slow:
        end(now, LinkEnd::too_slow, 1002);  // as the library closes a frame it timed out on
        return;
      case FrameVerdict::idle:
      case FrameVerdict::read:
        break;
    }
  }
  transport_.service(now);
}

void LinkSupervisor::end(Millis at, LinkEnd why, uint16_t code) {
  const Millis now = advance(at);  // events inside the pass may have been later than the pass
  drop_requested_ = false;
  const Phase was = phase_;
  if (was == Phase::idle) return;
  // Idle first: a closed event the transport raises from inside close() is
  // not counted a second time.
  phase_ = Phase::idle;
  answer_ = Answer::none;
  last_end_ = why;
  ++ends_;
  // While resolving nothing is open yet; a late answer is told apart by its attempt number.
  if (was != Phase::resolving) transport_.close(code);
  finished(now, was);
}

void LinkSupervisor::link_opened(Millis at) {
  const Millis now = advance(at);
  if (phase_ != Phase::connecting) return;
  phase_ = Phase::open;
  logon_reported_ = false;
  heard_at_ = now;
  gate_.reset();
  policy_.link_opened(now);
  // The logon signature names the Host the client sends (docs/protocol.md "Logging on").
  if (core_ != nullptr) core_->link_opened(now, target_.url.host_header);
}

void LinkSupervisor::link_closed(Millis at) {
  const Millis now = advance(at);
  const Phase was = phase_;
  if (was != Phase::connecting && was != Phase::open) return;
  phase_ = Phase::idle;
  drop_requested_ = false;
  last_end_ = was == Phase::open ? LinkEnd::closed : LinkEnd::refused;
  ++ends_;
  finished(now, was);
}

void LinkSupervisor::finished(Millis now, Phase was) {
  if (was == Phase::open) {
    policy_.link_closed(now);
    if (core_ != nullptr) core_->link_closed(now);
  } else {
    policy_.attempt_failed(now);  // ignored once the policy has timed the attempt out
  }
}

void LinkSupervisor::link_text(const char* text, size_t length, Millis at) {
  const Millis now = advance(at);
  if (phase_ != Phase::open) return;
  heard_at_ = now;
  if (core_ != nullptr) core_->link_text(text, length, now);
}

void LinkSupervisor::link_heard(Millis at) {
  const Millis now = advance(at);
  if (phase_ == Phase::open) heard_at_ = now;
}

void LinkSupervisor::name_resolved(uint32_t attempt, bool found) {
  if (phase_ != Phase::resolving || attempt != attempt_ || answer_ != Answer::none) return;
  answer_ = found ? Answer::found : Answer::not_found;
}

Status LinkSupervisor::send_text(const char* text, size_t length) {
  if (phase_ != Phase::open || drop_requested_) return Error::io;
  // A write to a peer that stopped reading waits out the client's timeout
  // before it fails; the link is closed then, so that the next frames (a
  // push to 8 members is 8) do not each wait again.
  if (transport_.send_text(text, length)) return Error::none;
  drop_requested_ = true;
  return Error::io;
}

}  // namespace hearth
