#include "onboarding.h"

#include <stdio.h>
#include <string.h>

#include "tls_pin.h"

namespace hearth {

namespace {

uint32_t elapsed(Millis now, Millis then) { return static_cast<uint32_t>(now - then); }

// The longest console line, its '\n' included.
constexpr size_t kLongestLine = kMaxConsoleLine + kPairingLinkCapacity;
// A state or error packet, its '\n' included.
constexpr size_t kImprovShortPacket = kImprovHeaderBytes + 2 + 1 + 2;
constexpr size_t kLongestOf(size_t a, size_t b) { return a > b ? a : b; }
// The most one console line or Improv packet can make the thermostat write:
// an error packet and the longest line (forget-wifi or factory-reset while
// provisioning), or error, state and a result (a current-state request).
// Serial input is taken only while the outbox has room for this much.
constexpr size_t kMaxAnswerBytes =
    kLongestOf(kImprovShortPacket + kLongestLine, 2 * kImprovShortPacket + kImprovMaxPacket);
static_assert(SerialOutbox::kCapacity >= kMaxAnswerBytes, "the outbox holds the longest answer");

// A console line assembled from parts; cut short (never overrun) when too long.
class Line {
 public:
  Line& add(const char* text) { return add(text, strlen(text)); }
  Line& add(const char* text, size_t length) {
    const size_t room = sizeof text_ - 1 - length_;
    if (length > room) length = room;
    memcpy(text_ + length_, text, length);
    length_ += length;
    text_[length_] = '\0';
    return *this;
  }
  const char* text() const { return text_; }

 private:
  char text_[kLongestLine] = {};
  size_t length_ = 0;
};

const char* wifi_status_name(WifiStatus status) {
  switch (status) {
    case WifiStatus::idle: return "idle";
    case WifiStatus::connecting: return "connecting";
    case WifiStatus::connected: return "connected";
    case WifiStatus::failed: return "failed";
  }
  return "";
}

const char* improv_state_name(ImprovState state) {
  switch (state) {
    case ImprovState::ready: return "ready";
    case ImprovState::provisioning: return "provisioning";
    case ImprovState::provisioned: return "provisioned";
  }
  return "";
}

}  // namespace

bool SerialOutbox::put(const uint8_t* bytes, size_t length) {
  if (!room_for(length)) {
    ++dropped_;
    return false;
  }
  memcpy(buffer_ + length_, bytes, length);
  length_ += length;
  return true;
}

bool SerialOutbox::put_line(const char* text, size_t length) {
  if (!room_for(length) || !room_for(length + 1)) {
    ++dropped_;
    return false;
  }
  memcpy(buffer_ + length_, text, length);
  length_ += length;
  buffer_[length_++] = '\n';
  return true;
}

void SerialOutbox::consume(size_t length) {
  if (length >= length_) {
    length_ = 0;
    return;
  }
  memmove(buffer_, buffer_ + length, length_ - length);
  length_ -= length;
}

Onboarding::Onboarding(Thermostat& thermostat, WifiStation& wifi, NetworkSettings& network,
                       const OnboardingConfig& config)
    : thermostat_(thermostat), wifi_(wifi), network_(network), config_(config), demux_(*this, config.packet_timeout_ms) {}

void Onboarding::attach_flash(FileStorage& storage, FlashVolume& volume) {
  flash_storage_ = &storage;
  flash_volume_ = &volume;
}

void Onboarding::begin(Millis now) {
  (void)now;
  if (wifi_.has_saved_network()) {
    wifi_.connect_saved();
    state_ = ImprovState::provisioned;
  } else {
    state_ = ImprovState::ready;
  }
  wifi_status_ = wifi_.status();
}

size_t Onboarding::receive(const uint8_t* bytes, size_t length, Millis now) {
  if (length > input_room()) length = input_room();
  memcpy(inbox_ + inbox_length_, bytes, length);
  inbox_length_ += length;
  if (length > 0) {
    serial_heard_ = true;
    serial_heard_at_ = now;
  }
  take_inbox(now);
  return length;
}

// Byte by byte, each only while the longest answer still fits: the byte that
// ends a line or packet is answered at once, in full.
void Onboarding::take_inbox(Millis now) {
  size_t taken = 0;
  while (taken < inbox_length_ && outbox_.room_for(kMaxAnswerBytes)) demux_.receive(inbox_ + taken++, 1, now);
  if (taken == 0) return;
  memmove(inbox_, inbox_ + taken, inbox_length_ - taken);
  inbox_length_ -= taken;
}

bool Onboarding::serial_active(Millis now) const {
  if (state_ == ImprovState::provisioning || scan_pending_ || scan_sending_) return true;
  if (redirect_pending_) return false;  // connected: the logon it waits for is due
  return serial_heard_ && elapsed(now, serial_heard_at_) < config_.serial_hold_off_ms;
}

void Onboarding::poll(Millis now) {
  take_inbox(now);
  // A packet is late only once every byte that came for it has been read.
  if (inbox_length_ == 0 && outbox_.room_for(kMaxAnswerBytes)) demux_.poll(now);
  // Forgotten once over, so that the 32-bit clock wrapping never brings it back.
  if (serial_heard_ && elapsed(now, serial_heard_at_) >= config_.serial_hold_off_ms) serial_heard_ = false;
  wifi_status_ = wifi_.status();
  poll_provisioning(now);
  poll_redirect(now);
  poll_scan(now);
}

bool Onboarding::take_broker_change() {
  const bool changed = broker_changed_;
  broker_changed_ = false;
  return changed;
}

bool Onboarding::print_line(const char* text) {
  return outbox_.put_line(text, strlen(text));
}

void Onboarding::answer(const char* first, const char* second, const char* third) {
  Line line;
  print_line(line.add(first).add(second).add(third).text());
}

// ---- Improv ----

void Onboarding::improv_packet(uint8_t type, const uint8_t* data, size_t length, Millis now) {
  if (type != static_cast<uint8_t>(ImprovType::rpc)) {
    send_error(ImprovError::invalid_rpc);
    return;
  }
  ImprovRpc rpc;
  const ImprovError error = parse_improv_rpc(data, length, &rpc);
  if (error != ImprovError::none) {
    send_error(error);
    return;
  }
  // The serial spec: every RPC first clears the error state.
  send_error(ImprovError::none);
  run_rpc(rpc, now);
}

void Onboarding::improv_invalid(Millis now) {
  (void)now;
  send_error(ImprovError::invalid_rpc);
}

void Onboarding::run_rpc(const ImprovRpc& rpc, Millis now) {
  switch (static_cast<ImprovCommand>(rpc.command)) {
    case ImprovCommand::wifi_settings:
      start_provisioning(rpc.wifi, now);
      return;
    case ImprovCommand::current_state:
      send_state();
      if (state_ == ImprovState::provisioned) send_redirect(ImprovCommand::current_state, now);
      return;
    case ImprovCommand::device_info: {
      ImprovResult info(ImprovCommand::device_info);
      info.add(config_.firmware);
      info.add(config_.firmware_version);
      info.add(config_.chip);
      info.add(config_.device_name);
      send_result(info);
      return;
    }
    case ImprovCommand::scan:
      // A scan would stop the radio's connect attempt: none while provisioning.
      if (state_ == ImprovState::provisioning) {
        send_result(ImprovResult(ImprovCommand::scan));
        return;
      }
      // A second request while one runs is answered by the same list.
      if (scan_pending_ || scan_sending_) return;
      wifi_.start_scan();
      scan_pending_ = true;
      scan_started_ = now;
      return;
  }
  send_error(ImprovError::unknown_rpc);
}

void Onboarding::start_provisioning(const WifiCredentials& credentials, Millis now) {
  if (scan_pending_) {
    scan_pending_ = false;
    wifi_.scan_clear();
    send_result(ImprovResult(ImprovCommand::scan));
  }
  wifi_.connect(credentials.ssid, credentials.password);
  wifi_status_ = WifiStatus::connecting;
  state_ = ImprovState::provisioning;
  connect_started_ = now;
  attempt_underway_ = false;
  redirect_pending_ = false;
  send_state();
}

void Onboarding::poll_provisioning(Millis now) {
  if (state_ != ImprovState::provisioning) return;
  // Waits for room rather than lose the client's answer (the outbox drains).
  if (!outbox_.room_for(kMaxAnswerBytes)) return;
  // Right after connect() the radio may still report the network it was on,
  // or the last try's refusal: only once it has been trying does it speak
  // for this try.
  if (wifi_status_ == WifiStatus::connecting || wifi_status_ == WifiStatus::idle) attempt_underway_ = true;
  if (wifi_status_ == WifiStatus::connected && attempt_underway_) {
    const Status saved = wifi_.remember();
    if (saved != Error::none) {
      answer("error Wi-Fi network in use but not saved: ", error_name(saved),
             " (it is forgotten at the next restart)");
    }
    state_ = ImprovState::provisioned;
    send_state();
    redirect_pending_ = true;
    connected_at_ = now;
    serial_heard_ = false;  // the setup is done: the broker may be dialled
    return;
  }
  if ((wifi_status_ == WifiStatus::failed && attempt_underway_) ||
      elapsed(now, connect_started_) >= config_.connect_timeout_ms) {
    end_provisioning_failed(now);
  }
}

void Onboarding::end_provisioning_failed(Millis now) {
  (void)now;
  // Back to the network that worked, if there is one.
  if (wifi_.has_saved_network()) {
    wifi_.connect_saved();
    state_ = ImprovState::provisioned;
  } else {
    wifi_.disconnect();
    state_ = ImprovState::ready;
  }
  wifi_status_ = wifi_.status();
  send_error(ImprovError::unable_to_connect);
  send_state();
}

void Onboarding::poll_redirect(Millis now) {
  if (!redirect_pending_ || !outbox_.room_for(kImprovMaxPacket)) return;
  if (!thermostat_.online() && elapsed(now, connected_at_) < config_.logon_grace_ms) return;
  send_redirect(ImprovCommand::wifi_settings, now);
  redirect_pending_ = false;
}

// Each link carries a new invitation (docs/protocol.md "Keys and pairing").
size_t Onboarding::pairing_link(char* out, size_t capacity, Millis now) {
  if (network_.app_url()[0] == '\0') return 0;
  const Result<size_t> link = thermostat_.pairing_link(network_.app_url(), out, capacity, now);
  return link.ok() ? link.value : 0;
}

void Onboarding::send_redirect(ImprovCommand command, Millis now) {
  ImprovResult result(command);
  char link[kPairingLinkCapacity];
  const size_t length = pairing_link(link, sizeof link, now);
  // Without a link (no identity yet, no app URL) the result has no URL,
  // as the spec allows.
  if (length > 0) result.add(link, length);
  send_result(result);
}

void Onboarding::poll_scan(Millis now) {
  if (scan_pending_) {
    const WifiScanState scan = wifi_.scan_state();
    if (scan == WifiScanState::done) {
      collect_scan();
    } else if (scan == WifiScanState::running && elapsed(now, scan_started_) < config_.scan_timeout_ms) {
      return;
    } else {
      scan_found_ = 0;  // failed, never started or too slow: an empty list
    }
    wifi_.scan_clear();
    scan_pending_ = false;
    scan_sending_ = true;
    scan_sent_ = 0;
    // A radio scans by leaving a network it is still trying to reach (the
    // ESP8266 does): try the saved one again.
    if (state_ == ImprovState::provisioned && wifi_.status() != WifiStatus::connected) wifi_.connect_saved();
  }
  if (scan_sending_) send_scan_results();
}

// One entry per name (the strongest), at most kMaxScanResults (the strongest
// ones), strongest first. Hidden networks have no name to offer.
void Onboarding::collect_scan() {
  scan_found_ = 0;
  const size_t count = wifi_.scan_count();
  // The ESP8266 reports at most 127; a port saying more is not believed.
  const size_t limit = count < 128 ? count : 128;
  for (size_t i = 0; i < limit; ++i) {
    WifiNetwork network;
    if (!wifi_.scan_result(i, &network)) continue;
    network.ssid[kMaxSsidBytes] = '\0';
    if (network.ssid[0] == '\0') continue;
    size_t slot = scan_found_;
    for (size_t j = 0; j < scan_found_; ++j) {
      if (strcmp(scan_[j].ssid, network.ssid) == 0) {
        slot = j;
        break;
      }
    }
    if (slot < scan_found_) {
      if (network.rssi > scan_[slot].rssi) scan_[slot] = network;
      continue;
    }
    if (scan_found_ < kMaxScanResults) {
      scan_[scan_found_++] = network;
      continue;
    }
    size_t weakest = 0;
    for (size_t j = 1; j < scan_found_; ++j) {
      if (scan_[j].rssi < scan_[weakest].rssi) weakest = j;
    }
    if (network.rssi > scan_[weakest].rssi) scan_[weakest] = network;
  }
  for (size_t i = 1; i < scan_found_; ++i) {
    const WifiNetwork moving = scan_[i];
    size_t j = i;
    for (; j > 0 && scan_[j - 1].rssi < moving.rssi; --j) scan_[j] = scan_[j - 1];
    scan_[j] = moving;
  }
}

// As many results as the port can take now; the rest on later passes, then
// the empty result that ends the list.
void Onboarding::send_scan_results() {
  uint8_t packet[kImprovMaxPacket];
  while (scan_sent_ < scan_found_) {
    const WifiNetwork& network = scan_[scan_sent_];
    char rssi[8];
    snprintf(rssi, sizeof rssi, "%d", static_cast<int>(network.rssi));
    ImprovResult result(ImprovCommand::scan);
    result.add(network.ssid);
    result.add(rssi);
    result.add(network.secured ? "YES" : "NO");
    const size_t length = result.write_packet(packet, sizeof packet);
    if (!outbox_.room_for(length)) return;
    outbox_.put(packet, length);
    ++scan_sent_;
  }
  const size_t length = ImprovResult(ImprovCommand::scan).write_packet(packet, sizeof packet);
  if (!outbox_.room_for(length)) return;
  outbox_.put(packet, length);
  scan_sending_ = false;
}

void Onboarding::send_state() {
  uint8_t packet[16];
  outbox_.put(packet, write_improv_state(state_, packet, sizeof packet));
}

void Onboarding::send_error(ImprovError error) {
  uint8_t packet[16];
  outbox_.put(packet, write_improv_error(error, packet, sizeof packet));
}

void Onboarding::send_result(const ImprovResult& result) {
  uint8_t packet[kImprovMaxPacket];
  outbox_.put(packet, result.write_packet(packet, sizeof packet));
}

// ---- Console ----

void Onboarding::console_fault(LineFault fault, Millis now) {
  (void)now;
  if (fault == LineFault::too_long) {
    print_line("error line too long (at most 200 bytes): ignored up to its end");
  } else {
    print_line("error control character in line: ignored");
  }
}

void Onboarding::console_line(const char* line, size_t length, Millis now) {
  const ConsoleCommand command = parse_console_command(line, length);
  const bool takes_argument = command.verb == ConsoleVerb::broker ||
                              command.verb == ConsoleVerb::broker_pin || command.verb == ConsoleVerb::app;
  if (command.verb != ConsoleVerb::unknown && !takes_argument && command.argument_length > 0) {
    answer("error ", console_verb_name(command.verb), " takes no argument");
    return;
  }
  switch (command.verb) {
    case ConsoleVerb::help:
      print_line(
          "ok commands: help, pair, broker <ws:// or wss:// URL>, broker-pin <SHA-1 fingerprint> or none, "
          "app <http(s):// URL of the app>, forget-wifi, factory-reset, status");
      return;
    case ConsoleVerb::pair: command_pair(now); return;
    case ConsoleVerb::broker: command_broker(command); return;
    case ConsoleVerb::broker_pin: command_broker_pin(command); return;
    case ConsoleVerb::app: command_app(command); return;
    case ConsoleVerb::forget_wifi: command_forget_wifi(now); return;
    case ConsoleVerb::factory_reset: command_factory_reset(now); return;
    case ConsoleVerb::status: command_status(); return;
    case ConsoleVerb::unknown: break;
  }
  if (command.word_length == 0) return;
  Line line_out;
  print_line(line_out.add("error unknown command: ").add(command.word, command.word_length).add(" (try help)").text());
}

void Onboarding::command_pair(Millis now) {
  if (network_.app_url()[0] == '\0') {
    print_line("error no app URL: set it with app <URL of the app>");
    return;
  }
  if (!thermostat_.identity_ready()) {
    answer("error no pairing link: the identity is not ready (", error_name(thermostat_.identity_error()), ")");
    return;
  }
  if (thermostat_.members_full()) {
    print_line("error no pairing link: 8 members are there; a member must remove one first");
    return;
  }
  char link[kPairingLinkCapacity];
  if (pairing_link(link, sizeof link, now) == 0) {
    print_line("error no pairing link: the app URL is too long");
    return;
  }
  answer("PAIR ", link);
  print_line("ok pair");
}

void Onboarding::command_broker(const ConsoleCommand& command) {
  char url[kMaxConsoleLine + 1];
  memcpy(url, command.argument, command.argument_length);
  url[command.argument_length] = '\0';
  const bool same = strcmp(url, network_.broker_url()) == 0;
  const bool was_pinned = network_.broker_pinned();
  const Status stored = network_.set_broker_url(url);
  if (stored == Error::bad_format || stored == Error::too_large) {
    print_line("error broker takes a ws:// or wss:// URL with a host name or IPv4 address, e.g. "
               "wss://hearth.example/ws");
    return;
  }
  if (stored != Error::none) {
    answer("error broker URL not stored: ", error_name(stored));
    return;
  }
  // The app sends its broker at every setup: the one in use again is no
  // reason to drop a working link (and wait seconds for TLS to dial it again).
  if (same) {
    answer("ok broker ", url);
    return;
  }
  broker_changed_ = true;
  answer("ok broker ", url,
         was_pinned && !network_.broker_pinned()
             ? " (the pin of the old broker's certificate is cleared: broker-pin to pin this one)"
             : "");
}

void Onboarding::command_broker_pin(const ConsoleCommand& command) {
  Status stored;
  if (command.argument_length == 4 && memcmp(command.argument, "none", 4) == 0) {
    stored = network_.set_broker_pin(nullptr);
  } else {
    uint8_t fingerprint[kFingerprintBytes];
    if (parse_certificate_fingerprint(command.argument, command.argument_length, fingerprint) != Error::none) {
      print_line("error broker-pin takes the certificate's SHA-1 fingerprint (40 hex digits) or none");
      return;
    }
    stored = network_.set_broker_pin(fingerprint);
  }
  if (stored != Error::none) {
    answer("error broker pin not stored: ", error_name(stored));
    return;
  }
  broker_changed_ = true;
  answer("ok broker-pin ", network_.broker_pinned() ? "set" : "none");
}

void Onboarding::command_app(const ConsoleCommand& command) {
  char url[kMaxConsoleLine + 1];
  memcpy(url, command.argument, command.argument_length);
  url[command.argument_length] = '\0';
  const Status stored = network_.set_app_url(url);
  if (stored == Error::bad_format || stored == Error::too_large) {
    print_line("error app takes the http:// or https:// URL of the app, without a #fragment, e.g. "
               "https://hearth.example/");
    return;
  }
  if (stored != Error::none) {
    answer("error app URL not stored: ", error_name(stored));
    return;
  }
  answer("ok app ", url);
}

void Onboarding::forget_wifi() {
  const bool was_provisioning = state_ == ImprovState::provisioning;
  wifi_.forget();
  wifi_status_ = wifi_.status();
  state_ = ImprovState::ready;
  redirect_pending_ = false;
  // A client waiting for its credentials to connect gets its answer.
  if (was_provisioning) send_error(ImprovError::unable_to_connect);
}

void Onboarding::command_forget_wifi(Millis now) {
  (void)now;
  forget_wifi();
  print_line("ok forget-wifi");
}

void Onboarding::command_factory_reset(Millis now) {
  const ResetFlashOutcome flash = flash_storage_ != nullptr ? prepare_flash_for_reset(*flash_storage_, *flash_volume_)
                                                            : ResetFlashOutcome::left_as_is;
  if (flash == ResetFlashOutcome::format_failed || flash == ResetFlashOutcome::mount_failed) {
    answer("error factory-reset: the flash cannot be formatted (",
           flash == ResetFlashOutcome::format_failed ? "format failed" : "formatted, but it does not mount",
           "): no logon, heating goes on by its rules; last resort: erase the flash and flash again");
    return;
  }
  const bool formatted = flash == ResetFlashOutcome::formatted;
  const Status reset = thermostat_.factory_reset(now);
  // After a format nothing of the old storage is left to keep: the reset goes
  // on, and the core makes the new identity as soon as it can, as on a new board.
  if (reset != Error::none && !formatted) {
    answer("error factory-reset failed: ", error_name(reset), " (Wi-Fi and broker kept; try again)");
    return;
  }
  const Status cleared = network_.clear();
  forget_wifi();
  broker_changed_ = true;
  if (reset != Error::none) {
    answer("error factory-reset: flash formatted, Wi-Fi and broker forgotten; the new identity is made as soon "
           "as it can be (",
           error_name(reset), ")");
    return;
  }
  if (cleared != Error::none) {
    answer("error factory-reset: new identity and Wi-Fi forgotten, but the broker and app URLs were not "
           "cleared: ",
           error_name(cleared));
    return;
  }
  print_line(formatted ? "ok factory-reset (the flash was formatted)" : "ok factory-reset");
}

void Onboarding::command_status() {
  Line line;
  line.add("ok status wifi=").add(wifi_status_name(wifi_status_));
  line.add(" improv=").add(improv_state_name(state_));
  line.add(" broker=").add(network_.broker_url()[0] != '\0' ? network_.broker_url() : "none");
  line.add(" pin=").add(network_.broker_pinned() ? "set" : "none");
  line.add(" online=").add(thermostat_.online() ? "yes" : "no");
  line.add(" thermostat=").add(thermostat_.identity_ready() ? thermostat_.identity().id : "none");
  print_line(line.text());
}

}  // namespace hearth
