#include "thermostat.h"

#include <string.h>

#if __has_include(<cjson/cJSON.h>)
#include <cjson/cJSON.h>
#else
#include <cJSON.h>
#endif

#include "json_writer.h"
#include "secretbox.h"

namespace hearth {

namespace {

const char* string_field(const cJSON* object, const char* name) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  return cJSON_IsString(item) ? item->valuestring : nullptr;
}

// seq must be a positive integer that a JSON number holds exactly (2^53).
bool seq_field(const cJSON* object, uint64_t* out) {
  return json_whole_number(cJSON_GetObjectItemCaseSensitive(object, "seq"), out);
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

// A START's nonce (docs/protocol.md "Sessions and replay"): strict base64url of 12 to 48 bytes, so
// 16 to 64 characters, exactly what isStartNonce in protocol/messages.ts takes.
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
  read_settings(t);
  read_owntracks(t);
  const Status status = load_identity(t);
  seed_json_check();
  return status;
}

void Thermostat::read_settings(uint64_t now) {
  settings_read_at_ = now;
  uint8_t blob[kSettingsBlobSize + 1];
  const Result<size_t> stored = storage_.read(Blob::settings, blob, sizeof blob);
  const bool was_unstored = settings_unstored();
  if (!stored.ok() && stored.error != Error::not_found && stored.error != Error::too_large) {
    // Storage cannot tell what it holds: what the user set may be there, so
    // defaults run in memory only, and STATE says storage until a read succeeds.
    settings_read_pending_ = true;
    storage_error_ = stored.error;
  } else {
    settings_read_pending_ = false;
    const Result<Settings> decoded = stored.ok() ? decode_settings(blob, stored.value)
                                                 : Result<Settings>::failure(Error::not_found);
    if (decoded.ok()) {
      settings_ = decoded.value;
      persisted_ = settings_;
      persisted_known_ = true;
      storage_error_ = Error::none;
    } else {
      // Missing, oversized or corrupt: defaults, written back so the next boot finds them.
      settings_ = Settings();
      persist_settings(now);
    }
  }
  if (settings_unstored() != was_unstored) push_pending_ = true;
}

// The OwnTracks registrations are read and written as the settings are (docs/protocol.md "What
// the thermostat accepts"): none in memory while storage cannot read them, none written back
// over them then, and none, written back, when they are damaged.
void Thermostat::read_owntracks(uint64_t now) {
  owntracks_storage_at_ = now;
  const bool was_unstored = owntracks_unstored();
  const Result<size_t> stored = storage_.read(Blob::owntracks, scratch(), kOwntracksBlobMaxBytes);
  const Status damaged = stored.ok() ? decode_owntracks_members(scratch(), stored.value, &owntracks_)
                                     : stored.error;
  if (stored.ok()) memset(scratch(), 0, stored.value);
  if (!stored.ok()) owntracks_.clear();
  // As for the settings: what storage cannot tell (io) may be the members' registrations.
  owntracks_read_pending_ = damaged != Error::none && damaged != Error::not_found &&
                            damaged != Error::too_large && damaged != Error::corrupt;
  owntracks_error_ = owntracks_read_pending_ ? damaged : Error::none;
  // Missing is none; too large or damaged is none, written back.
  owntracks_dirty_ = damaged == Error::too_large || damaged == Error::corrupt;
  persist_owntracks(now);
  // The apps hear at once when the registrations are, or are no longer, at risk.
  if (owntracks_unstored() != was_unstored) push_pending_ = true;
}

void Thermostat::owntracks_changed(uint64_t now) {
  owntracks_dirty_ = true;
  persist_owntracks(now);
}

void Thermostat::persist_owntracks(uint64_t now) {
  if (owntracks_read_pending_ || !owntracks_dirty_) return;
  owntracks_storage_at_ = now;
  const bool was_unstored = owntracks_unstored();
  const size_t length = encode_owntracks_members(owntracks_, scratch());
  owntracks_error_ = storage_.write(Blob::owntracks, scratch(), length);
  memset(scratch(), 0, length);  // the secrets
  if (owntracks_error_ == Error::none) owntracks_dirty_ = false;
  if (owntracks_unstored() != was_unstored) push_pending_ = true;
}

// Keys made to collide under a seed someone knows cost the checker 64 full
// comparisons each (json_check.h); one drawn at random they cannot know.
void Thermostat::seed_json_check() {
  uint8_t seed[4];
  if (random_.fill(seed, sizeof seed) != Error::none) return;
  json_space_.seed = load_le32(seed);
  json_seeded_ = true;
}

Status Thermostat::load_identity(uint64_t now) {
  identity_attempt_at_ = now;
  IdentityLoad loaded;
  identity_error_ = hearth::load_identity(storage_, random_, &loaded);
  identity_copies_ = loaded.copies;
  if (identity_error_ == Error::none) adopt_identity(loaded, now);
  memset(&loaded.identity, 0, sizeof loaded.identity);
  return identity_error_;
}

void Thermostat::adopt_identity(const IdentityLoad& loaded, uint64_t now) {
  identity_ = loaded.identity;
  identity_ready_ = true;
  identity_error_ = Error::none;
  identity_copies_ = loaded.copies;
  identity_copy_behind_ = loaded.copy_behind;
  identity_behind_ = loaded.behind;
  if (link_open_ && !logged_on_) start_logon(now);
}

// An identity fault is retried in case it was transient (a flash or card
// that answers again); a copy behind is rewritten; both at the storage pace.
void Thermostat::retry_identity(uint64_t now) {
  if (!identity_ready_) {
    const uint64_t pause = identity_error_ == Error::no_random ? 1000 : config_.storage_retry_ms;
    if (now - identity_attempt_at_ >= pause) load_identity(now);
    return;
  }
  if (identity_copy_behind_ && now - identity_attempt_at_ >= config_.storage_retry_ms) {
    identity_attempt_at_ = now;
    const Status written = write_identity_copy(storage_, identity_behind_, identity_);
    if (identity_behind_ == Blob::identity) {
      identity_copies_.primary = written;
    } else {
      identity_copies_.backup = written;
    }
    identity_copy_behind_ = written != Error::none;
  }
}

Status Thermostat::factory_reset(Millis now) {
  const uint64_t t = clock_.advance(now);
  IdentityLoad made;
  const Status status = reset_identity(storage_, random_, &made);
  if (status != Error::none && !made.revoked) return status;  // nothing changed
  // The old identity is revoked in storage, and with it go the apps'
  // sessions and the broker's logon.
  for (Peer& peer : peers_) peer = Peer();
  owntracks_.clear();
  // Forgotten on purpose: none is what is stored, whatever the file held.
  owntracks_read_pending_ = false;
  owntracks_changed(t);
  if (link_open_) {
    end_link();
    link_.drop();
  }
  identity_attempt_at_ = t;
  if (status == Error::none) {
    adopt_identity(made, t);
  } else {
    // Revoked, but the new identity is not stored: a fault until a retry
    // (load_identity) finds the reset's mark and finishes it.
    memset(&identity_, 0, sizeof identity_);
    identity_ready_ = false;
    identity_error_ = status;
    identity_copies_ = made.copies;
  }
  memset(&made.identity, 0, sizeof made.identity);
  settings_read_pending_ = false;
  settings_ = Settings();
  persist_settings(t);
  push_pending_ = true;
  return status;
}

Result<size_t> Thermostat::pairing_link(const char* app_url, char* out, size_t capacity) const {
  if (!identity_ready_) return Result<size_t>::failure(identity_error_);
  return hearth::pairing_link(identity_, app_url, out, capacity);
}

size_t Thermostat::active_sessions() const {
  size_t n = 0;
  for (const Peer& p : peers_) n += session_active(p, clock_.elapsed()) ? 1 : 0;
  return n;
}

bool Thermostat::presence_fresh(const Peer& peer, uint64_t now) const {
  return peer.used && peer.has_presence && now - peer.presence_at < config_.presence_fresh_ms;
}

bool Thermostat::session_active(const Peer& peer, uint64_t now) const {
  return peer.used && peer.session[0] != '\0' && peer.reachable &&
         now - peer.heard_at < config_.session_active_ms;
}

void Thermostat::tick(Millis now) {
  const uint64_t t = clock_.advance(now);
  // The heater's decision for this tick comes before anything slow.
  if (readings_.sample_due(t)) readings_.record(t, sensor_.read(now));
  // One a tick: another settles a tick later, with its age counted from its own arrival.
  if (const OwntracksMember* left = owntracks_.settled_leave(t)) {
    owntracks_presence(*left, false, left->leave_since, t);
  }
  control_step(t);
  if (settings_read_pending_ && t - settings_read_at_ >= config_.storage_retry_ms) {
    read_settings(t);
  }
  if (settings_dirty() && t - persist_attempt_at_ >= config_.storage_retry_ms) {
    persist_settings(t);
  }
  if (t - owntracks_storage_at_ >= config_.storage_retry_ms) {
    if (owntracks_read_pending_) {
      read_owntracks(t);
    } else {
      persist_owntracks(t);  // when a change is not yet stored
    }
  }
  retry_identity(t);
  if (!json_seeded_) seed_json_check();
  if (challenge_pending_ && identity_ready_ && link_open_) send_logon(t);
  if (logon_pending_ && config_.logon_timeout_ms != 0 &&
      t - logon_started_at_ >= config_.logon_timeout_ms) {
    // No CHALLENGE, or no ACK_LOG_ON: a new connection gets a new CHALLENGE.
    end_link();
    link_.drop();
  }
  if (!logged_on_) return;
  const bool ok = readings_.good(t);
  const Centi temperature = to_centi(readings_.latest().temperature);
  const Centi moved = temperature > pushed_temperature_ ? temperature - pushed_temperature_
                                                        : pushed_temperature_ - temperature;
  if (push_pending_ || heater_.on() != pushed_heater_ ||
      ok != pushed_sensor_ok_ || (ok && moved >= config_.push_on_move) ||
      (held_changed_since_push() && t - last_push_at_ >= config_.push_on_held_gap_ms) ||
      t - last_push_at_ >= config_.push_period_ms) {
    push_states(t, nullptr);
  }
}

Regime Thermostat::decide_regime(uint64_t now) const {
  if (settings_.mode == Mode::home) return Regime::home;
  if (settings_.mode == Mode::away) return Regime::away;
  bool any_fresh = false;
  for (const Peer& p : peers_) {
    if (!presence_fresh(p, now)) continue;
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
  // Never over settings that could not be read: they may be the user's.
  if (settings_read_pending_ || !settings_dirty()) return;
  persist_attempt_at_ = now;
  uint8_t blob[kSettingsBlobSize];
  encode_settings(settings_, blob);
  const bool was_unstored = settings_unstored();
  storage_error_ = storage_.write(Blob::settings, blob, sizeof blob);
  if (storage_error_ == Error::none) {
    persisted_ = settings_;
    persisted_known_ = true;
  }
  // The apps hear at once when their settings are, or are no longer, at risk.
  if (settings_unstored() != was_unstored) push_pending_ = true;
}

void Thermostat::link_opened(Millis now, const char* broker_host) {
  const uint64_t t = clock_.advance(now);
  end_link();
  link_open_ = true;
  // A host that cannot be signed for is left empty: no logon, and the
  // timeout drops the link.
  const size_t length = broker_host != nullptr ? strlen(broker_host) : 0;
  if (length <= kMaxBrokerHostLength) memcpy(broker_host_, broker_host, length);
  broker_host_[length <= kMaxBrokerHostLength ? length : 0] = '\0';
  if (identity_ready_) start_logon(t);
}

void Thermostat::link_closed(Millis now) {
  clock_.advance(now);
  end_link();
}

void Thermostat::end_link() {
  link_open_ = false;
  logged_on_ = false;
  logon_pending_ = false;
  challenge_pending_ = false;
  awaiting_ack_ = false;
}

void Thermostat::start_logon(uint64_t now) {
  logon_pending_ = true;
  logon_started_at_ = now;
}

// docs/protocol.md "Logging on": one LOG_ON per CHALLENGE, signed for the
// host the link was opened to.
void Thermostat::send_logon(uint64_t now) {
  challenge_pending_ = false;
  if (broker_host_[0] == '\0') return;
  if (!logon_pending_) start_logon(now);
  uint8_t signature[kSignatureBytes];
  if (sign_logon(identity_.private_key, challenge_nonce_, broker_host_, signature) != Error::none) {
    return;
  }
  char public_key_text[base64url_length(kPublicKeyBytes) + 1];
  char signature_text[base64url_length(kSignatureBytes) + 1];
  base64url_encode(identity_.public_key, kPublicKeyBytes, public_key_text, sizeof public_key_text);
  base64url_encode(signature, kSignatureBytes, signature_text, sizeof signature_text);
  JsonWriter w(tx_frame_, sizeof tx_frame_);
  w.begin_object()
      .string("packet_type", "LOG_ON")
      .string("transmitter", identity_.id)
      .string("public_key", public_key_text)
      .string("signature", signature_text)
      .end_object();
  if (w.ok() && link_.send_text(tx_frame_, w.length()) == Error::none) awaiting_ack_ = true;
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
  } else if (strcmp(type, "CHALLENGE") == 0) {
    // Answered in the next tick, not here: signing is slow on the device.
    const char* nonce = string_field(packet, "nonce");
    if (link_open_ && !awaiting_ack_ && !logged_on_ && nonce != nullptr &&
        is_challenge_nonce(nonce, strlen(nonce))) {
      memcpy(challenge_nonce_, nonce, sizeof challenge_nonce_);
      challenge_pending_ = true;
    }
  } else if (strcmp(type, "ACK_LOG_ON") == 0) {
    const char* receiver = string_field(packet, "receiver");
    if (awaiting_ack_ && receiver != nullptr && strcmp(receiver, identity_.id) == 0) {
      awaiting_ack_ = false;
      logon_pending_ = false;
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
               (logged_on_ || awaiting_ack_)) {
      // A CHALLENGE is answered once per connection: a new one is needed.
      end_link();
      link_.drop();
    }
  } else if (strcmp(type, "MSG") == 0 || strcmp(type, "START") == 0 || strcmp(type, "RELAY") == 0) {
    // A RELAY comes from the broker and names the member whose phone sealed it
    // (docs/protocol.md "RELAY"); anything else is dropped without an answer.
    const bool relay = type[0] == 'R';
    const char* transmitter = string_field(packet, "transmitter");
    const char* receiver = string_field(packet, "receiver");
    const char* sender = relay ? string_field(packet, "member") : transmitter;
    const char* data = string_field(packet, "data");
    if (identity_ready_ && transmitter != nullptr && sender != nullptr && receiver != nullptr &&
        is_valid_id(sender, strlen(sender)) && strcmp(receiver, identity_.id) == 0 &&
        data != nullptr && (!relay || strcmp(transmitter, "BROKER") == 0)) {
      char packet_type[6];
      char sender_id[kIdLength + 1];
      strcpy(packet_type, type);
      strcpy(sender_id, sender);
      const size_t data_length = strlen(data);
      // The broker packet is freed before the plaintext is parsed, to halve
      // the peak heap of a message.
      if (relay) {
        // The box is opened only for a member with a secret; data that is not such base64 is a box
        // that does not open (docs/protocol.md "OwnTracks bodies").
        OwntracksMember* member = data_length <= kMaxOwntracksDataChars ? owntracks_.find(sender_id) : nullptr;
        if (member == nullptr) {
          cJSON_Delete(packet);
          return;
        }
        const Result<size_t> decoded = base64_decode(data, data_length, scratch(), kMaxOwntracksBoxBytes);
        cJSON_Delete(packet);
        handle_relay(*member, decoded, now);
        return;
      }
      const Result<size_t> opened = envelope_open(identity_.key, EnvelopeAddress{packet_type, sender_id, identity_.id},
                                                  data, data_length, rx_plain_, sizeof rx_plain_ - 1);
      cJSON_Delete(packet);
      packet = nullptr;
      if (!opened.ok()) {
        ++dropped_envelopes_;  // silently: no oracle, no amplification
      } else {
        handle_envelope(packet_type, sender_id, now, opened.value);
      }
    }
  }
  cJSON_Delete(packet);
}

// docs/protocol.md "What the thermostat accepts": the box opens under the member's secret, the
// plaintext keeps the JSON rules, and the member's record decides what it changes.
void Thermostat::handle_relay(OwntracksMember& member, Result<size_t> decoded, uint64_t now) {
  // A secret of 32 ASCII characters is its own OwnTracks key: owntracks_key() would neither cut
  // nor pad it.
  static_assert(kOwntracksSecretLength == kSecretboxKeyBytes, "the secret is the key");
  const uint8_t* key = reinterpret_cast<const uint8_t*>(member.secret);
  uint8_t* box = scratch();
  const Result<size_t> opened =
      decoded.ok() ? secretbox_open(key, box, decoded.value, box + kSecretboxOverhead,
                                    kMaxOwntracksBoxBytes - kSecretboxOverhead)
                   : decoded;
  if (!opened.ok()) {
    ++dropped_envelopes_;
    return;
  }
  cJSON* message = parse_opened(box + kSecretboxOverhead, opened.value);
  const OwntracksVerdict verdict = cJSON_IsObject(message) ? owntracks_.receive(member, message, now)
                                                           : OwntracksVerdict::dropped;
  cJSON_Delete(message);
  if (verdict == OwntracksVerdict::dropped || verdict == OwntracksVerdict::replayed) return;
  // The time it was accepted at is stored, so that a reboot does not reopen the door.
  owntracks_changed(now);
  if (verdict == OwntracksVerdict::enter) owntracks_presence(member, true, now, now);
  control_step(now);
}

void Thermostat::owntracks_presence(const OwntracksMember& member, bool home, uint64_t at,
                                    uint64_t now) {
  Peer* peer = peers_.find(member.id);
  // The last report wins: a HOME_set that came after the leave arrived stands.
  if (peer != nullptr && peer->has_presence && peer->presence_at > at) return;
  if (peer == nullptr) {
    // A phone's report never pushes out an app in use or a report that still counts
    // (docs/protocol.md "What the thermostat accepts"): with 8 such members it is not counted.
    peer = peers_.claim(member.id, [this, now](const Peer& p) {
      return !session_active(p, now) && !presence_fresh(p, now);
    });
    if (peer == nullptr) return;
    memcpy(peer->name, member.name, sizeof peer->name);
  }
  peer->has_presence = true;
  peer->home = home;
  peer->from_owntracks = true;
  peer->presence_at = at;
  push_pending_ = true;
}

// An opened plaintext keeps the JSON rules (docs/protocol.md "JSON rules") or none of it is read;
// it is wiped either way once parsed.
cJSON* Thermostat::parse_opened(uint8_t* plaintext, size_t length) {
  const char* text = reinterpret_cast<const char*>(plaintext);
  cJSON* message = nullptr;
  if (json_check(text, length, json_space_) != JsonFault::none) {
    ++refused_json_;
  } else {
    message = cJSON_ParseWithLength(text, length);
  }
  memset(plaintext, 0, length);
  return message;
}

void Thermostat::handle_envelope(const char* packet_type, const char* transmitter, uint64_t now,
                                 size_t plain_length) {
  cJSON* message = parse_opened(rx_plain_, plain_length);
  const char* type = cJSON_IsObject(message) ? string_field(message, "type") : nullptr;
  if (type != nullptr) {
    const bool start_packet = strcmp(packet_type, "START") == 0;
    if (strcmp(type, "START") == 0) {
      if (start_packet) handle_start(transmitter, message, now);
    } else if (!start_packet && (strcmp(type, "SET") == 0 || strcmp(type, "HOME_set") == 0 ||
                                 strcmp(type, "OWNTRACKS_set") == 0)) {
      handle_command(type, transmitter, message, now);
    }
  }
  cJSON_Delete(message);
}

// A START needs a nonce and a name of at most kMaxNameUnits (docs/protocol.md "Sessions and
// replay"). A bad one is dropped without an answer: the app trusts only a STATE that carries the
// nonce of its latest START, so nothing else could be told to it, and its session stays as it was.
void Thermostat::handle_start(const char* transmitter, const cJSON* message, uint64_t now) {
  const char* nonce = string_field(message, "nonce");
  const char* name = string_field(message, "name");
  if (nonce == nullptr || !is_nonce(nonce)) return;
  if (name == nullptr || utf16_length(name) > kMaxNameUnits) return;
  uint8_t session[kSessionBytes];
  if (random_.fill(session, sizeof session) != Error::none) return;

  // An app that opens takes a slot whatever it holds: the member least recently active gives it up.
  Peer& peer = *peers_.claim(transmitter, [](const Peer&) { return true; });
  base64url_encode(session, sizeof session, peer.session, sizeof peer.session);
  peer.last_rx_seq = 0;
  peer.tx_seq = 0;
  peer.heard_at = now;
  peer.reachable = true;
  copy_display_name(name, peer.name);
  send_state(peer, nonce, nullptr, now);
}

void Thermostat::handle_command(const char* type, const char* transmitter, const cJSON* message,
                                uint64_t now) {
  Peer* peer = peers_.find(transmitter);
  const char* session = string_field(message, "session");
  if (peer == nullptr || peer->session[0] == '\0' || session == nullptr ||
      strcmp(session, peer->session) != 0) {
    send_stale_session(transmitter);
    return;
  }
  uint64_t seq = 0;
  if (!seq_field(message, &seq) || seq <= peer->last_rx_seq) return;  // replay: silently
  peer->last_rx_seq = seq;
  peer->heard_at = now;
  peer->reachable = true;

  const Settings before = settings_;
  const bool listed = owntracks_.find(peer->id) != nullptr;
  const bool set = strcmp(type, "SET") == 0;
  const char* error = set                               ? apply_set(message)
                      : strcmp(type, "HOME_set") == 0 ? apply_home(*peer, message, now)
                                                      : apply_owntracks_set(*peer, message, now);
  // A SET while the stored settings cannot be read makes those in force, as
  // every STATE has shown them, the ones to store.
  if (set && error == nullptr && settings_ != before) settings_read_pending_ = false;
  control_step(now);
  if (settings_ != before) persist_settings(now);
  send_state(*peer, nullptr, error, now);
  // The other apps see the settings, and STATE's owntracks list, as they now stand.
  const bool relisted = (owntracks_.find(peer->id) != nullptr) != listed;
  if (settings_ != before || relisted) push_states(now, peer);
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
  peer.from_owntracks = false;
  peer.presence_at = now;
  return nullptr;
}

// docs/protocol.md "Messages", OWNTRACKS_set: mistyped before out of range before storage before
// full.
const char* Thermostat::apply_owntracks_set(const Peer& peer, const cJSON* message, uint64_t now) {
  const cJSON* secret = cJSON_GetObjectItemCaseSensitive(message, "secret");
  const cJSON* wtst = cJSON_GetObjectItemCaseSensitive(message, "wtst");
  const bool forget = cJSON_IsNull(secret);
  const bool well_formed = forget || (cJSON_IsString(secret) &&
                                      is_owntracks_secret(secret->valuestring) && cJSON_IsNumber(wtst));
  if (!well_formed) return "bad_message";
  uint64_t region = 0;
  if (!forget && !json_whole_number(wtst, &region)) return "out_of_range";
  // While the stored registrations cannot be read, a write would leave only this member's in the
  // file and lose the others' with their replay times: read again, else change nothing (the app
  // sends it again while its ID is missing from STATE's owntracks).
  if (owntracks_read_pending_) read_owntracks(now);
  if (owntracks_read_pending_) return "storage";
  if (forget) {
    if (owntracks_.forget(peer.id)) owntracks_changed(now);
    return nullptr;
  }
  bool changed = false;
  if (owntracks_.set(peer.id, secret->valuestring, region, peer.name, &changed) != Error::none) {
    return "full";
  }
  if (changed) owntracks_changed(now);
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
  pushed_source_ = setpoint_source();
  pushed_setpoint_ = held_setpoint();
  pushed_reason_ = heater_.reason();
}

SetpointSource Thermostat::setpoint_source() const {
  switch (heater_.held()) {
    case HeldSetpoint::none: return SetpointSource::none;
    case HeldSetpoint::frost: return SetpointSource::frost;
    case HeldSetpoint::regime: break;
  }
  return settings_.last_regime == Regime::home ? SetpointSource::comfort : SetpointSource::away;
}

Centi Thermostat::held_setpoint() const {
  switch (setpoint_source()) {
    case SetpointSource::none: return 0;
    case SetpointSource::frost: return config_.control.frost_below;
    case SetpointSource::comfort: return settings_.target;
    case SetpointSource::away: return settings_.away_target;
    case SetpointSource::schedule:
    case SetpointSource::boost:
    case SetpointSource::manual: break;
  }
  return 0;
}

bool Thermostat::held_changed_since_push() const {
  return setpoint_source() != pushed_source_ || held_setpoint() != pushed_setpoint_ ||
         heater_.reason() != pushed_reason_;
}

static const char* setpoint_source_name(SetpointSource source) {
  switch (source) {
    case SetpointSource::none: return "none";
    case SetpointSource::comfort: return "comfort";
    case SetpointSource::away: return "away";
    case SetpointSource::frost: return "frost";
    case SetpointSource::schedule: return "schedule";
    case SetpointSource::boost: return "boost";
    case SetpointSource::manual: return "manual";
  }
  return "none";
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
      .boolean("heater", heater_.on());
  const SetpointSource source = setpoint_source();
  if (source == SetpointSource::none) {
    w.null("setpoint");
  } else {
    w.number("setpoint", held_setpoint() / 100.0, 2);
  }
  w.string("setpoint_source", setpoint_source_name(source));
  w.string("heat_reason", heat_reason_name(heater_.reason())).begin_array("members");
  for (const Peer& m : peers_) {
    if (!m.used || !m.has_presence) continue;
    w.begin_object().string("id", m.id).string("name", m.name).boolean("home", m.home);
    // OwnTracks says in or out of the region: the thermostat does not know where home is.
    if (m.from_owntracks) {
      w.null("distance");
    } else {
      w.number("distance", m.distance, 1);
    }
    w.integer("age_s", (now - m.presence_at) / 1000)
        .string("source", m.from_owntracks ? "owntracks" : "app")
        .end_object();
  }
  w.end_array().begin_array("owntracks");
  for (const OwntracksMember& m : owntracks_) {
    if (m.used) w.string(nullptr, m.id);
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
  // The message's own error first; else settings not (yet) stored: a SET is
  // confirmed only once it is (docs/protocol.md "What the thermostat does,
  // whatever it is told").
  if (error == nullptr && (settings_unstored() || owntracks_unstored())) error = "storage";
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
