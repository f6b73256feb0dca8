#include "thermostat.h"

#include <string.h>

#if __has_include(<cjson/cJSON.h>)
#include <cjson/cJSON.h>
#else
#include <cJSON.h>
#endif

#include "json_writer.h"

namespace hearth {

namespace {

const char* string_field(const cJSON* object, const char* name) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  return cJSON_IsString(item) ? item->valuestring : nullptr;
}

// seq must be a positive integer that a JSON number holds exactly (2^53).
bool seq_field(const cJSON* object, uint64_t* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, "seq");
  if (!cJSON_IsNumber(item)) return false;
  const double d = item->valuedouble;
  if (!(d >= 1 && d <= 9007199254740991.0)) return false;
  const uint64_t v = static_cast<uint64_t>(d);
  if (static_cast<double>(v) != d) return false;
  *out = v;
  return true;
}

enum class Field { absent, ok, mistyped, out_of_range };

// A temperature setting (docs/protocol.md "Messages"): the tenth of a degree nearest the number
// when it lies within 0.01 tenth of it (binary floating-point noise such as 21.299999) and that
// tenth is in [lo, hi]; any other number is out of range. The same arithmetic on the same double
// as settingValue in protocol/messages.ts, so that the app and the thermostat agree on every value.
Field tenth_field(const cJSON* object, const char* name, Centi lo, Centi hi, Centi* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  if (item == nullptr) return Field::absent;
  if (!cJSON_IsNumber(item)) return Field::mistyped;
  const double d = item->valuedouble;
  // Also refuses ±inf (1e400 in JSON) and keeps the conversion below defined and non-negative.
  if (!(d >= 0 && d <= hi / 100.0 + 1)) return Field::out_of_range;
  const double tenths = d * 10.0;
  const Centi nearest = static_cast<Centi>(tenths + 0.5);
  const double off = tenths - nearest;
  if (off > 0.01 || off < -0.01) return Field::out_of_range;
  if (nearest * 10 < lo || nearest * 10 > hi) return Field::out_of_range;
  *out = nearest * 10;
  return Field::ok;
}

bool is_nonce(const char* text) {
  const size_t length = strlen(text);
  uint8_t bytes[48];
  if (length < base64url_length(12) || length > base64url_length(sizeof bytes)) return false;
  return base64url_decode(text, length, bytes, sizeof bytes).ok();
}

}  // namespace

Thermostat::Thermostat(Sensor& sensor, Relay& relay, Storage& storage, Link& link,
                       Random& random, Millis now, const CoreConfig& config)
    : config_(config),
      sensor_(sensor),
      storage_(storage),
      link_(link),
      random_(random),
      clock_(now),
      readings_(config_.control),
      heater_(config_.control, relay, 0) {}

Status Thermostat::begin(Millis now) {
  const uint64_t t = clock_.advance(now);
  uint8_t blob[kSettingsBlobSize + 1];
  const Result<size_t> stored = storage_.read(Blob::settings, blob, sizeof blob);
  Result<Settings> decoded = Result<Settings>::failure(Error::not_found);
  if (stored.ok()) decoded = decode_settings(blob, stored.value);
  if (decoded.ok()) {
    settings_ = decoded.value;
    persisted_ = settings_;
    persisted_known_ = true;
  } else {
    // Missing or corrupt: defaults, written back so the next boot finds them.
    settings_ = Settings();
    persist_settings(t);
  }
  return load_identity(t);
}

Status Thermostat::load_identity(uint64_t now) {
  identity_attempt_at_ = now;
  const Result<Identity> identity = load_or_create_identity(storage_, random_);
  if (!identity.ok()) return identity.error;
  identity_ = identity.value;
  identity_ready_ = true;
  return Error::none;
}

Result<size_t> Thermostat::pairing_link(const char* app_url, char* out, size_t capacity) const {
  if (!identity_ready_) return Result<size_t>::failure(Error::no_random);
  return hearth::pairing_link(identity_, app_url, out, capacity);
}

size_t Thermostat::active_sessions() const {
  size_t n = 0;
  for (const Peer& p : peers_) n += session_active(p, clock_.elapsed()) ? 1 : 0;
  return n;
}

bool Thermostat::session_active(const Peer& peer, uint64_t now) const {
  return peer.used && peer.reachable && now - peer.heard_at < config_.session_active_ms;
}

void Thermostat::tick(Millis now) {
  const uint64_t t = clock_.advance(now);
  // A missing identity is retried once a second; a link that opened
  // meanwhile has been waiting for it to log on.
  if (!identity_ready_ && t - identity_attempt_at_ >= 1000) {
    if (load_identity(t) == Error::none && link_open_) send_logon(t);
  }
  if (readings_.sample_due(t)) readings_.record(t, sensor_.read());
  control_step(t);
  if (settings_dirty() && t - persist_attempt_at_ >= config_.storage_retry_ms) {
    persist_settings(t);
  }
  if (awaiting_ack_ && config_.logon_timeout_ms != 0 &&
      t - logon_sent_at_ >= config_.logon_timeout_ms) {
    awaiting_ack_ = false;
    link_.drop();
  }
  if (!logged_on_) return;
  const bool ok = readings_.good(t);
  const Centi temperature = to_centi(readings_.latest().temperature);
  const Centi moved = temperature > pushed_temperature_ ? temperature - pushed_temperature_
                                                        : pushed_temperature_ - temperature;
  if (push_pending_ || heater_.on() != pushed_heater_ ||
      ok != pushed_sensor_ok_ || (ok && moved >= config_.push_on_move) ||
      t - last_push_at_ >= config_.push_period_ms) {
    push_states(t, nullptr);
  }
}

Regime Thermostat::decide_regime(uint64_t now) const {
  if (settings_.mode == Mode::home) return Regime::home;
  if (settings_.mode == Mode::away) return Regime::away;
  bool any_fresh = false;
  for (const Peer& p : peers_) {
    if (!p.used || !p.has_presence || now - p.presence_at >= config_.presence_fresh_ms) continue;
    if (p.home) return Regime::home;
    any_fresh = true;
  }
  return any_fresh ? Regime::away : settings_.last_regime;
}

void Thermostat::control_step(uint64_t now) {
  const Regime regime = decide_regime(now);
  if (regime != settings_.last_regime) {
    settings_.last_regime = regime;
    persist_settings(now);
    push_pending_ = true;
  }
  const Centi setpoint = regime == Regime::home ? settings_.target : settings_.away_target;
  heater_.update(now, readings_, setpoint, settings_.hysteresis);
}

void Thermostat::persist_settings(uint64_t now) {
  if (!settings_dirty()) return;
  persist_attempt_at_ = now;
  uint8_t blob[kSettingsBlobSize];
  encode_settings(settings_, blob);
  storage_error_ = storage_.write(Blob::settings, blob, sizeof blob);
  if (storage_error_ == Error::none) {
    persisted_ = settings_;
    persisted_known_ = true;
  }
}

void Thermostat::link_opened(Millis now) {
  const uint64_t t = clock_.advance(now);
  link_open_ = true;
  logged_on_ = false;
  if (identity_ready_) send_logon(t);
}

void Thermostat::link_closed(Millis now) {
  clock_.advance(now);
  link_open_ = false;
  logged_on_ = false;
  awaiting_ack_ = false;
}

void Thermostat::send_logon(uint64_t now) {
  char proof[base64url_length(kSecretBytes) + 1];
  base64url_encode(identity_.secret, kSecretBytes, proof, sizeof proof);
  JsonWriter w(tx_frame_, sizeof tx_frame_);
  w.begin_object()
      .string("packet_type", "LOG_ON")
      .string("transmitter", identity_.id)
      .string("proof", proof)
      .end_object();
  memset(proof, 0, sizeof proof);
  if (link_.send_text(tx_frame_, w.length()) == Error::none) {
    awaiting_ack_ = true;
    logon_sent_at_ = now;
  }
  memset(tx_frame_, 0, w.length());
}

void Thermostat::link_text(const char* text, size_t length, Millis now) {
  const uint64_t t = clock_.advance(now);
  handle_broker_packet(text, length, t);
}

void Thermostat::handle_broker_packet(const char* text, size_t length, uint64_t now) {
  if (length > config_.max_frame_bytes) {
    ++dropped_envelopes_;
    return;
  }
  // The whole frame keeps the JSON rules (docs/protocol.md, "JSON rules") or
  // none of it is read: cJSON then nests at most 8 deep and no key has two values.
  if (json_check(text, length, json_space_) != JsonFault::none) {
    ++refused_json_;
    return;
  }
  cJSON* packet = cJSON_ParseWithLength(text, length);
  if (!cJSON_IsObject(packet)) {
    cJSON_Delete(packet);
    return;
  }
  const char* type = string_field(packet, "packet_type");
  if (type == nullptr) {
    // Not a broker packet; nothing to act on.
  } else if (strcmp(type, "ACK_LOG_ON") == 0) {
    const char* receiver = string_field(packet, "receiver");
    if (awaiting_ack_ && receiver != nullptr && strcmp(receiver, identity_.id) == 0) {
      awaiting_ack_ = false;
      logged_on_ = true;
      push_pending_ = true;
    }
  } else if (strcmp(type, "ERROR") == 0) {
    const char* code = string_field(packet, "code");
    const char* receiver = string_field(packet, "receiver");
    if (code != nullptr && strcmp(code, "receiver_offline") == 0 && receiver != nullptr) {
      // Stop pushing to an app that is gone until it speaks again.
      if (Peer* peer = peers_.find(receiver)) peer->reachable = false;
    } else if (code != nullptr && strcmp(code, "not_logged_on") == 0 && link_open_ &&
               identity_ready_ && !awaiting_ack_) {
      logged_on_ = false;
      send_logon(now);
    }
  } else if (strcmp(type, "MSG") == 0 || strcmp(type, "START") == 0) {
    const char* transmitter = string_field(packet, "transmitter");
    const char* receiver = string_field(packet, "receiver");
    const cJSON* data = cJSON_GetObjectItemCaseSensitive(packet, "data");
    if (identity_ready_ && transmitter != nullptr && receiver != nullptr &&
        is_valid_id(transmitter, strlen(transmitter)) && strcmp(receiver, identity_.id) == 0 &&
        cJSON_IsString(data)) {
      char packet_type[6];
      char sender[kIdLength + 1];
      strcpy(packet_type, type);
      strcpy(sender, transmitter);
      const EnvelopeAddress address{packet_type, sender, identity_.id};
      const Result<size_t> opened =
          envelope_open(identity_.key, address, data->valuestring, strlen(data->valuestring),
                        rx_plain_, sizeof rx_plain_ - 1);
      // The broker packet is freed before the plaintext is parsed, to halve
      // the peak heap of a message.
      cJSON_Delete(packet);
      packet = nullptr;
      if (!opened.ok()) {
        ++dropped_envelopes_;  // silently: no oracle, no amplification
        return;
      }
      handle_envelope(packet_type, sender, now, opened.value);
    }
  }
  cJSON_Delete(packet);
}

void Thermostat::handle_envelope(const char* packet_type, const char* transmitter, uint64_t now,
                                 size_t plain_length) {
  if (json_check(reinterpret_cast<const char*>(rx_plain_), plain_length, json_space_) !=
      JsonFault::none) {
    memset(rx_plain_, 0, plain_length);
    ++refused_json_;
    return;
  }
  cJSON* message = cJSON_ParseWithLength(reinterpret_cast<const char*>(rx_plain_), plain_length);
  memset(rx_plain_, 0, plain_length);
  const char* type = cJSON_IsObject(message) ? string_field(message, "type") : nullptr;
  if (type != nullptr) {
    const bool start_packet = strcmp(packet_type, "START") == 0;
    if (strcmp(type, "START") == 0) {
      if (start_packet) handle_start(transmitter, message, now);
    } else if (!start_packet && (strcmp(type, "SET") == 0 || strcmp(type, "HOME_set") == 0)) {
      handle_command(type, transmitter, message, now);
    }
  }
  cJSON_Delete(message);
}

void Thermostat::handle_start(const char* transmitter, const cJSON* message, uint64_t now) {
  const char* nonce = string_field(message, "nonce");
  const cJSON* name_item = cJSON_GetObjectItemCaseSensitive(message, "name");
  if (nonce == nullptr || !is_nonce(nonce)) return;
  if (name_item != nullptr && !cJSON_IsString(name_item)) return;
  uint8_t session[kSessionBytes];
  if (random_.fill(session, sizeof session) != Error::none) return;

  Peer& peer = peers_.claim(transmitter);
  base64url_encode(session, sizeof session, peer.session, sizeof peer.session);
  peer.last_rx_seq = 0;
  peer.tx_seq = 0;
  peer.heard_at = now;
  peer.reachable = true;
  if (name_item != nullptr) copy_display_name(name_item->valuestring, peer.name);
  send_state(peer, nonce, nullptr, now);
}

void Thermostat::handle_command(const char* type, const char* transmitter, const cJSON* message,
                                uint64_t now) {
  Peer* peer = peers_.find(transmitter);
  const char* session = string_field(message, "session");
  if (peer == nullptr || session == nullptr || strcmp(session, peer->session) != 0) {
    send_stale_session(transmitter);
    return;
  }
  uint64_t seq = 0;
  if (!seq_field(message, &seq) || seq <= peer->last_rx_seq) return;  // replay: silently
  peer->last_rx_seq = seq;
  peer->heard_at = now;
  peer->reachable = true;

  const Settings before = settings_;
  const char* error = strcmp(type, "SET") == 0 ? apply_set(message)
                                                : apply_home(*peer, message, now);
  control_step(now);
  if (settings_ != before) persist_settings(now);
  send_state(*peer, nullptr, error, now);
  if (settings_ != before) push_states(now, peer);
}

const char* Thermostat::apply_set(const cJSON* message) {
  Settings next = settings_;
  const Field fields[] = {
      tenth_field(message, "target", kTargetMin, kTargetMax, &next.target),
      tenth_field(message, "away_target", kAwayMin, kAwayMax, &next.away_target),
      tenth_field(message, "hysteresis", kHysteresisMin, kHysteresisMax, &next.hysteresis),
  };
  bool mistyped = false;
  bool out_of_range = false;
  for (Field f : fields) {
    mistyped |= f == Field::mistyped;
    out_of_range |= f == Field::out_of_range;
  }
  const cJSON* mode = cJSON_GetObjectItemCaseSensitive(message, "mode");
  if (mode != nullptr) {
    if (!cJSON_IsString(mode)) {
      mistyped = true;
    } else if (!parse_mode(mode->valuestring, &next.mode)) {
      out_of_range = true;
    }
  }
  if (mistyped) return "bad_message";
  if (out_of_range) return "out_of_range";
  settings_ = next;  // whole or not at all
  return nullptr;
}

const char* Thermostat::apply_home(Peer& peer, const cJSON* message, uint64_t now) {
  const cJSON* home = cJSON_GetObjectItemCaseSensitive(message, "home");
  const cJSON* distance = cJSON_GetObjectItemCaseSensitive(message, "distance");
  if (!cJSON_IsBool(home) || !cJSON_IsNumber(distance)) return "bad_message";
  if (!(distance->valuedouble >= 0 && distance->valuedouble <= kMaxDistance)) return "out_of_range";
  peer.has_presence = true;
  peer.home = cJSON_IsTrue(home);
  peer.distance = distance->valuedouble;
  peer.presence_at = now;
  return nullptr;
}

void Thermostat::push_states(uint64_t now, const Peer* except) {
  for (Peer& peer : peers_) {
    if (&peer != except && session_active(peer, now)) send_state(peer, nullptr, nullptr, now);
  }
  last_push_at_ = now;
  push_pending_ = false;
  pushed_heater_ = heater_.on();
  pushed_sensor_ok_ = readings_.good(now);
  pushed_temperature_ = to_centi(readings_.latest().temperature);
}

void Thermostat::write_state_fields(JsonWriter& w, uint64_t now) const {
  const bool ok = readings_.good(now);
  const Reading& r = readings_.latest();
  if (ok) {
    w.number("temperature", r.temperature, 2)
        .number("humidity", r.humidity, 1)
        .number("pressure", r.pressure, 1);
  } else {
    w.null("temperature").null("humidity").null("pressure");
  }
  w.boolean("sensor_ok", ok)
      .number("target", settings_.target / 100.0, 2)
      .number("away_target", settings_.away_target / 100.0, 2)
      .number("hysteresis", settings_.hysteresis / 100.0, 2)
      .string("mode", mode_name(settings_.mode))
      .string("regime", regime_name(settings_.last_regime))
      .boolean("heater", heater_.on())
      .begin_array("members");
  for (const Peer& m : peers_) {
    if (!m.used || !m.has_presence) continue;
    w.begin_object().string("id", m.id).string("name", m.name).boolean("home", m.home);
    w.number("distance", m.distance, 1);
    w.integer("age_s", (now - m.presence_at) / 1000).end_object();
  }
  w.end_array().integer("uptime_s", now / 1000);
}

Status Thermostat::send_state(Peer& peer, const char* nonce, const char* error, uint64_t now) {
  if (!logged_on_) return Error::io;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object()
      .string("type", "STATE")
      .string("session", peer.session)
      .integer("seq", peer.tx_seq + 1);
  if (nonce != nullptr) w.string("nonce", nonce);
  write_state_fields(w, now);
  if (error != nullptr) {
    w.string("error", error);
  } else {
    w.null("error");
  }
  w.end_object();
  if (!w.ok()) return Error::too_large;
  const Status status = send_sealed(peer.id, w.length());
  if (status == Error::none) ++peer.tx_seq;
  return status;
}

Status Thermostat::send_stale_session(const char* receiver) {
  if (!logged_on_) return Error::io;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object().string("type", "ERROR").string("code", "stale_session").end_object();
  return send_sealed(receiver, w.length());
}

Status Thermostat::send_sealed(const char* receiver, size_t plain_length) {
  JsonWriter w(tx_frame_, sizeof tx_frame_);
  w.begin_object()
      .string("packet_type", "MSG")
      .string("transmitter", identity_.id)
      .string("receiver", receiver)
      .key("data");
  // The envelope is sealed straight into the frame, then the frame closed.
  const size_t at = w.length();
  tx_frame_[at] = '"';
  const EnvelopeAddress address{"MSG", identity_.id, receiver};
  const Result<size_t> sealed =
      envelope_seal(identity_.key, address, random_, tx_plain_, plain_length, sizeof tx_plain_,
                    tx_frame_ + at + 1, sizeof tx_frame_ - at - 1 - 3);
  memset(tx_plain_, 0, plain_length + kTagBytes);
  if (!sealed.ok()) return sealed.error;
  size_t end = at + 1 + sealed.value;
  tx_frame_[end++] = '"';
  tx_frame_[end++] = '}';
  tx_frame_[end] = '\0';
  return link_.send_text(tx_frame_, end);
}

}  // namespace hearth
