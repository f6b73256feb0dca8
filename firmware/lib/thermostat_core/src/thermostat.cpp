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
Field tenth_item(const cJSON* item, Centi lo, Centi hi, Centi* out) {
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

Field tenth_field(const cJSON* object, const char* name, Centi lo, Centi hi, Centi* out) {
  return tenth_item(cJSON_GetObjectItemCaseSensitive(object, name), lo, hi, out);
}

// A whole-number field (`time`, `minute`, `minutes`, `until`, `preheat_minutes`): a JSON number,
// else mistyped; whole and within [lo, hi], else out of range.
Field whole_item(const cJSON* item, int64_t lo, int64_t hi, int64_t* out) {
  if (item == nullptr) return Field::absent;
  if (!cJSON_IsNumber(item)) return Field::mistyped;
  const double d = item->valuedouble;
  if (!(d >= double(lo) && d <= double(hi))) return Field::out_of_range;
  const int64_t v = static_cast<int64_t>(d);
  if (static_cast<double>(v) != d) return Field::out_of_range;
  *out = v;
  return Field::ok;
}

// The worse of two verdicts in SET's judging order: a mistyped field before one out of range.
Field worse(Field a, Field b) {
  if (a == Field::mistyped || b == Field::mistyped) return Field::mistyped;
  if (a == Field::out_of_range || b == Field::out_of_range) return Field::out_of_range;
  return a == Field::ok || b == Field::ok ? Field::ok : Field::absent;
}

// SET's `schedule` (docs/protocol.md "The weekly schedule"): the shape (7 lists of at most 6
// entries, each a list of exactly two numbers) is judged over the whole value before any number.
Field schedule_item(const cJSON* item, WeekSchedule* out) {
  if (item == nullptr) return Field::absent;
  if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != kScheduleDays) return Field::mistyped;
  const cJSON* day;
  cJSON_ArrayForEach(day, item) {
    if (!cJSON_IsArray(day) || cJSON_GetArraySize(day) > kMaxSwitchPoints) return Field::mistyped;
    const cJSON* entry;
    cJSON_ArrayForEach(entry, day) {
      if (!cJSON_IsArray(entry) || cJSON_GetArraySize(entry) != 2 ||
          !cJSON_IsNumber(entry->child) || !cJSON_IsNumber(entry->child->next)) {
        return Field::mistyped;
      }
    }
  }
  *out = WeekSchedule();
  size_t d = 0;
  cJSON_ArrayForEach(day, item) {
    const cJSON* entry;
    cJSON_ArrayForEach(entry, day) {
      int64_t minute = 0;
      SwitchPoint& point = out->points[d][out->count[d]];
      if (whole_item(entry->child, 0, 1439, &minute) != Field::ok ||
          tenth_item(entry->child->next, kTargetMin, kTargetMax, &point.setpoint) != Field::ok ||
          (out->count[d] > 0 && minute <= out->points[d][out->count[d] - 1].minute)) {
        return Field::out_of_range;
      }
      point.minute = uint16_t(minute);
      ++out->count[d];
    }
    ++d;
  }
  return Field::ok;
}

// An object override (`boost`, `away_until`): null; an object whose two named fields are JSON
// numbers (others in it ignored); anything else is mistyped.
Field override_object(const cJSON* item, const char* first, const char* second, bool* ends) {
  if (item == nullptr) return Field::absent;
  *ends = cJSON_IsNull(item);
  if (*ends) return Field::ok;
  if (!cJSON_IsObject(item) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(item, first)) ||
      !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(item, second))) {
    return Field::mistyped;
  }
  return Field::ok;
}

// SET's fields, judged before anything is applied: applied whole or not at all.
struct SetFields {
  Centi target = 0, away_target = 0, hysteresis = 0;
  Field target_field = Field::absent, away_target_field = Field::absent, hysteresis_field = Field::absent;
  Mode mode = Mode::automatic;
  Field mode_field = Field::absent;
  int64_t time = 0;
  Field time_field = Field::absent;
  bool zone_ends = false;
  TimeZone zone{};
  Field zone_field = Field::absent;
  WeekSchedule schedule;
  Field schedule_field = Field::absent;
  bool manual_ends = false;
  Centi manual = 0;
  Field manual_field = Field::absent;
  bool boost_ends = false;
  Centi boost_setpoint = 0;
  int64_t boost_minutes = 0;
  Field boost_field = Field::absent;
  bool away_ends = false;
  int64_t away_until = 0, preheat_minutes = 0;
  Field away_field = Field::absent;
};

// Reads every SET field into `f`; returns the worst verdict over all of them.
Field read_set_fields(const cJSON* message, SetFields* f) {
  f->target_field = tenth_field(message, "target", kTargetMin, kTargetMax, &f->target);
  f->away_target_field = tenth_field(message, "away_target", kAwayMin, kAwayMax, &f->away_target);
  f->hysteresis_field =
      tenth_field(message, "hysteresis", kHysteresisMin, kHysteresisMax, &f->hysteresis);
  const cJSON* mode = cJSON_GetObjectItemCaseSensitive(message, "mode");
  if (mode != nullptr) {
    f->mode_field = !cJSON_IsString(mode)                      ? Field::mistyped
                    : parse_mode(mode->valuestring, &f->mode) ? Field::ok
                                                              : Field::out_of_range;
  }
  f->time_field = whole_item(cJSON_GetObjectItemCaseSensitive(message, "time"), kMinWallTime,
                             kMaxWallTime, &f->time);
  const cJSON* zone = cJSON_GetObjectItemCaseSensitive(message, "time_zone");
  if (zone != nullptr) {
    f->zone_ends = cJSON_IsNull(zone);
    if (!f->zone_ends && !cJSON_IsString(zone)) {
      f->zone_field = Field::mistyped;
    } else if (f->zone_ends) {
      f->zone_field = Field::ok;
    } else {
      const size_t length = strlen(zone->valuestring);
      f->zone_field = length <= kMaxTimeZoneBytes && parse_time_zone(zone->valuestring, length, &f->zone)
                          ? Field::ok
                          : Field::out_of_range;
    }
  }
  f->schedule_field = schedule_item(cJSON_GetObjectItemCaseSensitive(message, "schedule"), &f->schedule);
  const cJSON* manual = cJSON_GetObjectItemCaseSensitive(message, "manual");
  if (manual != nullptr) {
    f->manual_ends = cJSON_IsNull(manual);
    f->manual_field = f->manual_ends ? Field::ok
                      : cJSON_IsNumber(manual) ? tenth_item(manual, kTargetMin, kTargetMax, &f->manual)
                                               : Field::mistyped;
  }
  const cJSON* boost = cJSON_GetObjectItemCaseSensitive(message, "boost");
  f->boost_field = override_object(boost, "setpoint", "minutes", &f->boost_ends);
  if (f->boost_field == Field::ok && !f->boost_ends) {
    f->boost_field = worse(tenth_field(boost, "setpoint", kTargetMin, kTargetMax, &f->boost_setpoint),
                           whole_item(cJSON_GetObjectItemCaseSensitive(boost, "minutes"),
                                      kMinBoostMinutes, kMaxBoostMinutes, &f->boost_minutes));
  }
  const cJSON* away = cJSON_GetObjectItemCaseSensitive(message, "away_until");
  f->away_field = override_object(away, "until", "preheat_minutes", &f->away_ends);
  if (f->away_field == Field::ok && !f->away_ends) {
    f->away_field = worse(whole_item(cJSON_GetObjectItemCaseSensitive(away, "until"), kMinWallTime,
                                     kMaxWallTime, &f->away_until),
                          whole_item(cJSON_GetObjectItemCaseSensitive(away, "preheat_minutes"), 0,
                                     kMaxPreheatMinutes, &f->preheat_minutes));
  }
  const Field fields[] = {f->target_field, f->away_target_field, f->hysteresis_field,
                          f->mode_field,   f->time_field,        f->zone_field,
                          f->schedule_field, f->manual_field,    f->boost_field,
                          f->away_field};
  Field verdict = Field::absent;
  for (Field field : fields) verdict = worse(verdict, field);
  return verdict;
}

// An override shown in STATE: set, and its end not passed, or the clock unknown ("Which set
// point holds": shown with its end while the clock is unknown, though not running).
bool shown(bool active, bool has_end, int64_t end, bool clock_known, int64_t clock) {
  return clock_known ? runs_at(active, has_end, end, clock) : active;
}

// docs/protocol.md "Which set point holds": a boost, hold or away-until whose end has passed is
// over, and forgotten, so that a clock set back later does not bring it back. True when one was.
bool forget_ended_overrides(Settings& s, int64_t clock) {
  bool ended = false;
  if (s.boost.active && !runs_at(true, true, s.boost.until, clock)) {
    s.boost = Boost();
    ended = true;
  }
  if (s.manual.active && !runs_at(true, s.manual.has_until, s.manual.until, clock)) {
    s.manual = ManualHold();
    ended = true;
  }
  if (s.away_until.active && !runs_at(true, true, s.away_until.until, clock)) {
    s.away_until = AwayUntil();
    ended = true;
  }
  return ended;
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
  plan_stale_ = true;
  // Read in scratch() and decoded in place, as the registrations are: the ESP8266's loop stack is
  // 4 KB, and a blob and a Settings or two on it would take most of it.
  static_assert(sizeof tx_frame_ > kSettingsBlobSize, "scratch() holds a settings blob and one byte more");
  uint8_t* blob = scratch();
  const Result<size_t> stored = storage_.read(Blob::settings, blob, kSettingsBlobSize + 1);
  const bool was_unstored = settings_unstored();
  if (!stored.ok() && stored.error != Error::not_found && stored.error != Error::too_large) {
    // Storage cannot tell what it holds: what the user set may be there, so
    // defaults run in memory only, and STATE says storage until a read succeeds.
    settings_read_pending_ = true;
    storage_error_ = stored.error;
  } else {
    settings_read_pending_ = false;
    // Missing or oversized is decoded as no bytes at all: corrupt, and so the defaults.
    if (decode_settings(blob, stored.ok() ? stored.value : 0, &settings_) == Error::none) {
      settings_changed();
      persisted_version_ = settings_version_;
      persisted_known_ = true;
      storage_error_ = Error::none;
    } else {
      // Missing, oversized or corrupt (decode_settings left the defaults): defaults, written
      // back so the next boot finds them.
      settings_changed();
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
  // Read at last after the old shared key closed or a member went: the registrations of IDs that
  // are not members go.
  if (owntracks_strangers_pending_ && !owntracks_read_pending_) forget_strangers_owntracks();
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
  write_secret_blob(Blob::owntracks, encode_owntracks_members(owntracks_, scratch()), &owntracks_error_,
                    &owntracks_dirty_);
}

void Thermostat::write_secret_blob(Blob blob, size_t length, Status* error, bool* dirty) {
  const bool was_unstored = *error != Error::none;
  *error = storage_.write(blob, scratch(), length);
  wipe_secret(scratch(), length);
  if (*error == Error::none) *dirty = false;
  if ((*error != Error::none) != was_unstored) push_pending_ = true;
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
  if (identity_error_ == Error::none) {
    adopt_identity(loaded, now);
    // docs/protocol.md "Members storage": whether the identity was already there decides what a
    // missing members blob means.
    members_identity_new_ = loaded.created || loaded.reset_finished;
    read_members(now);
  }
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
  owntracks_strangers_pending_ = false;
  owntracks_changed(t);
  history_.forget(storage_);
  history_forget_at_ = t;
  // docs/protocol.md "Factory reset": no members, the old shared key closed, no invitation open.
  // The blob is written for the new ID; if that fails, what is stored names the old one, which
  // is never used beside the new identity.
  members_.clear();
  invitations_.clear();
  removed_.clear();
  cancel_join();
  members_read_pending_ = false;
  members_error_ = Error::none;
  members_dirty_ = true;
  members_identity_new_ = true;
  members_load_ = MembersLoad::reset;
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
  persist_members(t);
  settings_read_pending_ = false;
  settings_ = Settings();
  settings_changed();
  plan_stale_ = true;
  persist_settings(t);
  push_pending_ = true;
  return status;
}

Result<size_t> Thermostat::pairing_link(const char* app_url, char* out, size_t capacity, Millis now) {
  const uint64_t t = clock_.advance(now);
  if (!identity_ready_) return Result<size_t>::failure(identity_error_);
  if (members_full() || pairing_link_bytes(strlen(app_url)) > capacity) return Result<size_t>::failure(Error::too_large);
  uint8_t secret[kInvitationBytes];
  const Status drawn = random_.fill(secret, sizeof secret);
  if (drawn != Error::none) return Result<size_t>::failure(drawn);
  invitations_.make(secret, t);
  const Result<size_t> link = hearth::pairing_link(identity_.id, secret, app_url, out, capacity);
  wipe_secret(secret, sizeof secret);
  return link;
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
  const bool sampled = readings_.sample_due(t);
  if (sampled) readings_.record(t, sensor_.read(now));
  // One a tick: another settles a tick later, with its age counted from its own arrival.
  if (const OwntracksMember* left = owntracks_.settled_leave(t)) {
    owntracks_presence(*left, false, left->leave_since, t);
  }
  control_step(t);
  record_history(t, sampled);
  if (settings_read_pending_ && t - settings_read_at_ >= config_.storage_retry_ms) {
    read_settings(t);
  }
  if (settings_dirty() && t - persist_attempt_at_ >= config_.storage_retry_ms) {
    persist_settings(t);
  }
  if (history_.forgetting() && t - history_forget_at_ >= config_.storage_retry_ms) {
    history_forget_at_ = t;
    history_.retry_forget(storage_);
  }
  if (t - owntracks_storage_at_ >= config_.storage_retry_ms) {
    if (owntracks_read_pending_) {
      read_owntracks(t);
    } else {
      persist_owntracks(t);  // when a change is not yet stored
    }
  }
  if (identity_ready_ && t - members_storage_at_ >= config_.storage_retry_ms) {
    if (members_read_pending_) {
      read_members(t);
    } else {
      persist_members(t);  // when a change is not yet stored
    }
  }
  retry_identity(t);
  if (!json_seeded_) seed_json_check();
  // The slow steps, one a tick: the logon signature, else a JOIN's ECDH.
  if (challenge_pending_ && identity_ready_ && link_open_) {
    send_logon(t);
  } else if (join_.pending) {
    process_join(t);
  }
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

void Thermostat::set_wall_time(int64_t utc_seconds, Millis now) {
  const uint64_t t = clock_.advance(now);
  if (wall_clock_.set_from_sntp(utc_seconds, t)) plan_stale_ = true;
}

bool Thermostat::wall_time(Millis now, int64_t* utc_seconds) const {
  return wall_clock_.read(clock_.peek(now), utc_seconds);
}

PlanInput Thermostat::plan_input(uint64_t now, Regime regime) const {
  PlanInput input;
  input.clock_known = wall_clock_.read(now, &input.clock);
  input.zone = time_zone();
  input.schedule = &settings_.schedule;
  input.target = settings_.target;
  input.away_target = settings_.away_target;
  input.regime = regime;
  input.presence_decides = settings_.mode == Mode::automatic;
  input.manual = settings_.manual;
  input.boost = settings_.boost;
  input.away_until = settings_.away_until;
  return input;
}

// docs/protocol.md "Which set point holds": from the start of an away-until's pre-heat, presence
// reported before that start no longer counts.
bool Thermostat::presence_cutoff(uint64_t now, uint64_t* cutoff) const {
  const PlanInput input = plan_input(now, settings_.last_regime);
  if (!preheat_started(input)) return false;
  // A start before boot: every report (they live in RAM) is later.
  *cutoff = wall_clock_.monotonic_at(preheat_start(input.away_until));
  return true;
}

Regime Thermostat::decide_regime(uint64_t now) const {
  if (settings_.mode == Mode::home) return Regime::home;
  if (settings_.mode == Mode::away) return Regime::away;
  uint64_t cutoff = 0;
  const bool preheating = presence_cutoff(now, &cutoff);
  if (cutoff < presence_floor_) cutoff = presence_floor_;
  bool any_fresh = false;
  for (const Peer& p : peers_) {
    if (!presence_fresh(p, now) || p.presence_at < cutoff) continue;
    if (p.home) return Regime::home;
    any_fresh = true;
  }
  // In the pre-heat, home until a member reports again.
  if (preheating && !any_fresh) return Regime::home;
  return any_fresh ? Regime::away : settings_.last_regime;
}

void Thermostat::update_plan(uint64_t now) {
  const PlanInput input = plan_input(now, settings_.last_regime);
  // While the clock is unknown the plan changes only with its inputs, and the schedule, the
  // overrides and `next` do not run (docs/protocol.md "The wall clock").
  const int64_t second = input.clock_known ? input.clock : -1;
  if (!plan_stale_ && second == plan_second_) return;
  const bool inputs_changed = plan_stale_;
  plan_stale_ = false;
  plan_second_ = second;
  plan_held_ = hearth::held_setpoint(input);
  // next_change is the dear part (tens of date computations a step, which the ESP8266 divides in
  // software): what comes next stays what it was until it comes or an input changes. A null one
  // is looked for again each minute, as the 8 days ahead move on.
  const bool next_due = inputs_changed || !input.clock_known ||
                        (next_known_ ? second >= next_at_ : second - next_second_ >= 60);
  if (!next_due) return;
  next_second_ = second;
  Held then{0, SetpointSource::none};
  int64_t at = 0;
  next_known_ = next_change(input, &at, &then);
  next_at_ = next_known_ ? at : 0;
  next_held_ = next_known_ ? then : Held{0, SetpointSource::none};
}

void Thermostat::control_step(uint64_t now) {
  // A settings change like any other, stored: one write per end, rare.
  int64_t clock = 0;
  if (wall_clock_.read(now, &clock) && forget_ended_overrides(settings_, clock)) {
    settings_changed();
    plan_stale_ = true;
    persist_settings(now);
  }
  // Kept once seen, so that a later jump of the clock (SNTP) does not make old reports count again.
  uint64_t cutoff = 0;
  if (presence_cutoff(now, &cutoff) && cutoff > presence_floor_) presence_floor_ = cutoff;
  const Regime regime = decide_regime(now);
  if (regime != settings_.last_regime) {
    settings_.last_regime = regime;
    settings_changed();
    plan_stale_ = true;
    persist_settings(now);
    push_pending_ = true;
  }
  update_plan(now);
  heater_.update(now, readings_, plan_held_.setpoint, settings_.hysteresis);
}

uint8_t Thermostat::overrides_shown(uint64_t now) const {
  int64_t clock = 0;
  const bool known = wall_clock_.read(now, &clock);
  const Settings& s = settings_;
  return (shown(s.manual.active, s.manual.has_until, s.manual.until, known, clock) ? kManualShown : 0) |
         (shown(s.boost.active, true, s.boost.until, known, clock) ? kBoostShown : 0) |
         (shown(s.away_until.active, true, s.away_until.until, known, clock) ? kAwayUntilShown : 0);
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
    persisted_version_ = settings_version_;
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
        // that does not open (docs/protocol.md "OwnTracks bodies"). A secret of an ID that is no
        // member (one stored before a removal or the old shared key's close that was not pruned
        // in time) counts only while the old shared key is open ("The old shared key").
        OwntracksMember* member =
            data_length <= kMaxOwntracksDataChars && (members_.old_link_open || is_member(sender_id))
                ? owntracks_.find(sender_id)
                : nullptr;
        if (member == nullptr) {
          cJSON_Delete(packet);
          return;
        }
        const Result<size_t> decoded = base64_decode(data, data_length, scratch(), kMaxOwntracksBoxBytes);
        cJSON_Delete(packet);
        handle_relay(*member, decoded, now);
        return;
      }
      Opening opening;
      const Result<size_t> opened = open_envelope(packet_type, sender_id, data, data_length, now, &opening);
      cJSON_Delete(packet);
      packet = nullptr;
      if (!opened.ok()) {
        ++dropped_envelopes_;  // silently: no oracle, no amplification
      } else {
        handle_envelope(packet_type, sender_id, opening, now, opened.value);
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
  member_heard(member.id, now);
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
    // (docs/protocol.md "What the thermostat accepts"): with 8 such members it is not counted. A
    // member's place goes only to a member ("Sessions and replay").
    const bool household = is_member(member.id);
    peer = peers_.claim(member.id, [this, now, household](const Peer& p) {
      return !session_active(p, now) && !presence_fresh(p, now) && (household || !is_member(p.id));
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

// docs/protocol.md "Joining", "The old shared key", "Members": a START packet opens under the
// transmitter's member key, else under an open invitation (one redeemed opens only for the ID that
// redeemed it) or the old shared key while open; a MSG under the member's key, or, from an ID that
// is not a member, under the old shared key while open. A removed member's old key is tried last,
// for its ERROR. No JOIN opens while the members cannot be read.
Result<size_t> Thermostat::open_envelope(const char* packet_type, const char* transmitter, const char* data,
                                         size_t length, uint64_t now, Opening* opening) {
  const EnvelopeAddress address{packet_type, transmitter, identity_.id};
  Result<size_t> opened = Result<size_t>::failure(Error::auth_failed);
  const auto opens_under = [&](const uint8_t* key) {
    opened = envelope_open(key, address, data, length, rx_plain_, sizeof rx_plain_ - 1);
    return opened.ok();
  };
  const auto took = [&](OpenedUnder under, const uint8_t* key) {
    opening->under = under;
    opening->key = key;
    return opened;
  };
  const bool start_packet = strcmp(packet_type, "START") == 0;
  const Member* member = members_.find(transmitter);
  if (member != nullptr && opens_under(member->key)) return took(OpenedUnder::member, member->key);
  if (start_packet && !members_read_pending_) {
    if (const Invitation* invitation = invitations_.find(transmitter, now, opens_under)) {
      return took(OpenedUnder::invitation, invitation->secret);
    }
  }
  if (members_.old_link_open && (start_packet || member == nullptr) && opens_under(identity_.key)) {
    return took(OpenedUnder::old_key, identity_.key);
  }
  if (member == nullptr) {
    const uint8_t* old_key = removed_.find(transmitter);
    if (old_key != nullptr && opens_under(old_key)) return took(OpenedUnder::removed, old_key);
  }
  return Result<size_t>::failure(Error::auth_failed);
}

void Thermostat::handle_envelope(const char* packet_type, const char* transmitter, const Opening& opening,
                                 uint64_t now, size_t plain_length) {
  if (opening.under == OpenedUnder::removed) {
    // docs/protocol.md "Members": acted on in no way, answered so that the app can say why; a
    // plaintext against the JSON rules is refused unread, as anyone's.
    const char* text = reinterpret_cast<const char*>(rx_plain_);
    const bool keeps_rules = json_check(text, plain_length, json_space_) == JsonFault::none;
    memset(rx_plain_, 0, plain_length);
    if (keeps_rules) {
      send_error(transmitter, "not_member", nullptr, opening.key);
    } else {
      ++refused_json_;
    }
    return;
  }
  cJSON* message = parse_opened(rx_plain_, plain_length);
  const char* type = cJSON_IsObject(message) ? string_field(message, "type") : nullptr;
  const bool start_packet = strcmp(packet_type, "START") == 0;
  // Under an invitation, and under the old shared key from a member, only a JOIN is taken; a
  // JOIN comes under an invitation or the old shared key, never under a member key.
  const bool join_only = opening.under == OpenedUnder::invitation ||
                         (opening.under == OpenedUnder::old_key && is_member(transmitter));
  if (type == nullptr) {
    // Not a message.
  } else if (strcmp(type, "JOIN") == 0) {
    if (start_packet && opening.under != OpenedUnder::member) queue_join(transmitter, message, opening);
  } else if (join_only) {
    // Dropped.
  } else if (strcmp(type, "START") == 0) {
    if (start_packet) handle_start(transmitter, message, now);
  } else if (!start_packet && (strcmp(type, "SET") == 0 || strcmp(type, "HOME_set") == 0 ||
                               strcmp(type, "OWNTRACKS_set") == 0 || strcmp(type, "HISTORY_get") == 0 ||
                               (strcmp(type, "MEMBERS_set") == 0 && opening.under == OpenedUnder::member))) {
    handle_command(type, transmitter, message, now);
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

  // An app that opens takes a place whatever it holds: the app least recently active gives it up,
  // among the apps on the old shared key first; a member's only to a member (docs/protocol.md
  // "Sessions and replay"). An app on the old shared key finds none when 8 members hold them all.
  Member* member = members_.find(transmitter);
  Peer* place = peers_.claim(transmitter, [this](const Peer& p) { return !is_member(p.id); });
  if (place == nullptr && member != nullptr) place = peers_.claim(transmitter, [](const Peer&) { return true; });
  if (place == nullptr) return;
  Peer& peer = *place;
  if (member != nullptr) {
    member_heard(transmitter, now);
    // The member's name is START's, as STATE shows it: stored when it changes.
    char kept[kMaxNameBytes + 1];
    copy_display_name(name, kept);
    if (strcmp(kept, member->name) != 0) {
      memcpy(member->name, kept, sizeof kept);
      members_changed(now);
    }
  }
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
  member_heard(transmitter, now);
  if (strcmp(type, "HISTORY_get") == 0) {
    handle_history_get(*peer, message, now);
    return;
  }
  if (strcmp(type, "MEMBERS_set") == 0) {
    handle_members_set(*peer, message, now);
    return;
  }

  // No copy of the settings (over 500 bytes with the schedule) on the loop's 4 KB stack: the SET
  // says what it changed, the regime is compared alone.
  const Regime regime_before = settings_.last_regime;
  bool changed = false;
  const bool listed = owntracks_.find(peer->id) != nullptr;
  const bool set = strcmp(type, "SET") == 0;
  const char* error = set                               ? apply_set(message, now, &changed)
                      : strcmp(type, "HOME_set") == 0 ? apply_home(*peer, message, now)
                                                      : apply_owntracks_set(*peer, message, now);
  // A SET while the stored settings cannot be read makes those in force, as
  // every STATE has shown them, the ones to store.
  if (changed) settings_changed();
  if (set && error == nullptr && changed) settings_read_pending_ = false;
  plan_stale_ = true;
  control_step(now);
  changed |= settings_.last_regime != regime_before;
  if (changed) persist_settings(now);
  send_state(*peer, nullptr, error, now);
  // The other apps see the settings, and STATE's owntracks list, as they now stand.
  const bool relisted = (owntracks_.find(peer->id) != nullptr) != listed;
  if (changed || relisted) push_states(now, peer);
}

// docs/protocol.md "Messages", SET's judging order: types, values, the clock; then everything,
// `time` first.
const char* Thermostat::apply_set(const cJSON* message, uint64_t now, bool* changed) {
  SetFields f;
  const Field verdict = read_set_fields(message, &f);
  if (verdict == Field::mistyped) return "bad_message";
  if (verdict == Field::out_of_range) return "out_of_range";
  // The clock after this SET's `time`, which is taken only while SNTP is not fresh.
  int64_t clock = 0;
  bool clock_known = wall_clock_.read(now, &clock);
  if (f.time_field == Field::ok && wall_clock_.app_time_allowed(now)) {
    clock = f.time;
    clock_known = true;
  }
  if (f.away_field == Field::ok && !f.away_ends && clock_known &&
      (f.away_until <= clock || f.away_until > clock + kMaxAwayAheadS)) {
    return "out_of_range";
  }
  const bool needs_clock = (f.manual_field == Field::ok && !f.manual_ends) ||
                           (f.boost_field == Field::ok && !f.boost_ends) ||
                           (f.away_field == Field::ok && !f.away_ends);
  if (needs_clock && !clock_known) return "no_clock";

  if (f.time_field == Field::ok && wall_clock_.set_from_app(f.time, now)) plan_stale_ = true;
  Settings& s = settings_;
  const bool ends_hold =
      (f.mode_field == Field::ok && f.mode != s.mode) ||
      (f.zone_field == Field::ok &&
       (f.zone_ends ? s.has_time_zone : !s.has_time_zone || f.zone != s.time_zone)) ||
      (f.schedule_field == Field::ok && f.schedule != s.schedule);
  const auto assign = [changed](auto& field, const auto& value) {
    if (!(field == value)) {
      field = value;
      *changed = true;
    }
  };
  if (f.target_field == Field::ok) assign(s.target, f.target);
  if (f.away_target_field == Field::ok) assign(s.away_target, f.away_target);
  if (f.hysteresis_field == Field::ok) assign(s.hysteresis, f.hysteresis);
  if (f.mode_field == Field::ok) assign(s.mode, f.mode);
  if (f.zone_field == Field::ok) {
    assign(s.has_time_zone, !f.zone_ends);
    if (!f.zone_ends) assign(s.time_zone, f.zone);
  }
  if (f.schedule_field == Field::ok) assign(s.schedule, f.schedule);
  if (ends_hold && s.manual.active) {
    s.manual = ManualHold();
    *changed = true;
  }
  if (f.manual_field == Field::ok) {
    ManualHold hold;
    if (!f.manual_ends) {
      // Until the next switch point after this SET, when the schedule runs; else until a SET ends it.
      hold.active = true;
      hold.setpoint = f.manual;
      hold.has_until = s.has_time_zone &&
                       next_switch_point(s.schedule, s.time_zone, clock, &hold.until);
      // Ends are times STATE shows, within the range of `time`, even in December 2099.
      if (hold.until > kMaxWallTime) hold.until = kMaxWallTime;
      if (!hold.has_until) hold.until = 0;
    }
    assign(s.manual.active, hold.active);
    assign(s.manual.setpoint, hold.setpoint);
    assign(s.manual.has_until, hold.has_until);
    assign(s.manual.until, hold.until);
  }
  if (f.boost_field == Field::ok) {
    Boost boost;
    if (!f.boost_ends) {
      const int64_t until = clock + f.boost_minutes * 60;
      boost = Boost{true, f.boost_setpoint, until < kMaxWallTime ? until : kMaxWallTime};
    }
    assign(s.boost.active, boost.active);
    assign(s.boost.setpoint, boost.setpoint);
    assign(s.boost.until, boost.until);
  }
  if (f.away_field == Field::ok) {
    AwayUntil away;
    if (!f.away_ends) away = AwayUntil{true, f.away_until, uint16_t(f.preheat_minutes)};
    assign(s.away_until.active, away.active);
    assign(s.away_until.until, away.until);
    assign(s.away_until.preheat_minutes, away.preheat_minutes);
  }
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
  pushed_next_known_ = next_known_;
  pushed_next_at_ = next_at_;
  pushed_next_ = next_held_;
  pushed_overrides_ = overrides_shown(now);
  pushed_clock_known_ = wall_clock_.known();
}

SetpointSource Thermostat::setpoint_source() const {
  switch (heater_.held()) {
    case HeldSetpoint::none: return SetpointSource::none;
    case HeldSetpoint::frost: return SetpointSource::frost;
    case HeldSetpoint::regime: break;
  }
  return plan_held_.source;
}

Centi Thermostat::held_setpoint() const {
  switch (setpoint_source()) {
    case SetpointSource::none: return 0;
    case SetpointSource::frost: return config_.control.frost_below;
    case SetpointSource::comfort:
    case SetpointSource::away:
    case SetpointSource::schedule:
    case SetpointSource::boost:
    case SetpointSource::manual: break;
  }
  return plan_held_.setpoint;
}

// docs/protocol.md "Messages", STATE's push rules: what is held and why, `next`, an override
// that ends and the clock becoming known.
bool Thermostat::held_changed_since_push() const {
  return setpoint_source() != pushed_source_ || held_setpoint() != pushed_setpoint_ ||
         heater_.reason() != pushed_reason_ || next_known_ != pushed_next_known_ ||
         (next_known_ && (next_at_ != pushed_next_at_ || next_held_ != pushed_next_)) ||
         overrides_shown(clock_.elapsed()) != pushed_overrides_ ||
         wall_clock_.known() != pushed_clock_known_;
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
  w.string("heat_reason", heat_reason_name(heater_.reason()));
  write_plan_fields(w, now);
  w.begin_array("members");
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

// docs/protocol.md "Messages", STATE: the clock, the zone, the schedule, the overrides (null once
// over) and what comes next.
void Thermostat::write_plan_fields(JsonWriter& w, uint64_t now) const {
  int64_t clock = 0;
  const bool known = wall_clock_.read(now, &clock);
  if (known) {
    w.integer("time", uint64_t(clock)).string("clock", clock_source_name(wall_clock_.source()));
  } else {
    w.null("time").null("clock");
  }
  const Settings& s = settings_;
  if (s.has_time_zone) {
    w.string("time_zone", s.time_zone.text);
  } else {
    w.null("time_zone");
  }
  w.begin_array("schedule");
  for (size_t day = 0; day < kScheduleDays; ++day) {
    w.begin_array(nullptr);
    for (size_t i = 0; i < s.schedule.count[day] && i < kMaxSwitchPoints; ++i) {
      const SwitchPoint& point = s.schedule.points[day][i];
      w.begin_array(nullptr).integer(nullptr, point.minute);
      w.number(nullptr, point.setpoint / 100.0, 2).end_array();
    }
    w.end_array();
  }
  w.end_array();
  const uint8_t overrides = overrides_shown(now);
  if ((overrides & kManualShown) != 0) {
    w.begin_object("manual").number("setpoint", s.manual.setpoint / 100.0, 2);
    if (s.manual.has_until) {
      w.integer("until", uint64_t(s.manual.until));
    } else {
      w.null("until");
    }
    w.end_object();
  } else {
    w.null("manual");
  }
  if ((overrides & kBoostShown) != 0) {
    w.begin_object("boost").number("setpoint", s.boost.setpoint / 100.0, 2)
        .integer("until", uint64_t(s.boost.until)).end_object();
  } else {
    w.null("boost");
  }
  if ((overrides & kAwayUntilShown) != 0) {
    w.begin_object("away_until").integer("until", uint64_t(s.away_until.until))
        .integer("preheat_minutes", s.away_until.preheat_minutes).end_object();
  } else {
    w.null("away_until");
  }
  if (next_known_ && known) {
    w.begin_object("next").integer("at", uint64_t(next_at_))
        .number("setpoint", next_held_.setpoint / 100.0, 2)
        .string("source", setpoint_source_name(next_held_.source)).end_object();
  } else {
    w.null("next");
  }
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
  if (error == nullptr && (settings_unstored() || owntracks_unstored() || members_unstored())) error = "storage";
  if (error != nullptr) {
    w.string("error", error);
  } else {
    w.null("error");
  }
  w.end_object();
  if (!w.ok()) return Error::too_large;
  const Status status = send_sealed(peer.id, w.length(), key_for(peer.id));
  if (status == Error::none) ++peer.tx_seq;
  return status;
}

void Thermostat::record_history(uint64_t now, bool sampled) {
  int64_t utc = 0;
  if (!wall_clock_.read(now, &utc)) {
    history_.stop();
    return;
  }
  HistoryTick seen;
  seen.reading = sampled && readings_.good(now);
  seen.temperature = to_centi(readings_.latest().temperature);
  seen.held = setpoint_source() != SetpointSource::none;
  seen.setpoint = held_setpoint();
  seen.heater_on = heater_.on();
  history_.record(utc, now, seen, storage_, scratch());
}

// docs/protocol.md "Messages", HISTORY_get: a missing or mistyped `from` is bad_message, one off
// the range of `time` or not whole out_of_range, both answered by a STATE as a SET's are.
void Thermostat::handle_history_get(Peer& peer, const cJSON* message, uint64_t now) {
  int64_t from = 0;
  const Field field =
      whole_item(cJSON_GetObjectItemCaseSensitive(message, "from"), kMinWallTime, kMaxWallTime, &from);
  if (field != Field::ok) {
    send_state(peer, nullptr, field == Field::out_of_range ? "out_of_range" : "bad_message", now);
    return;
  }
  send_history(peer, from, now);
}

Status Thermostat::send_history(Peer& peer, int64_t from, uint64_t now) {
  if (!logged_on_) return Error::io;
  int64_t clock = 0;
  const bool known = wall_clock_.read(now, &clock);
  // The samples first (a past day read into scratch(), the page after it), then the text.
  HistorySample* page = history_page();
  const size_t count = known ? history_.page(from, clock, storage_, scratch(), page) : 0;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object()
      .string("type", "HISTORY")
      .string("session", peer.session)
      .integer("seq", peer.tx_seq + 1);
  if (known) {
    w.integer("time", uint64_t(clock));
  } else {
    w.null("time");
  }
  w.integer("from", uint64_t(history_slot_start(from))).integer("interval_s", uint64_t(kHistoryIntervalS));
  w.begin_array("temperature");
  for (size_t i = 0; i < count; ++i) {
    if (page[i].recorded() && page[i].temperature != kHistoryNoTemperature) {
      w.number(nullptr, page[i].temperature / 100.0, 2);
    } else {
      w.null(nullptr);
    }
  }
  w.end_array().begin_array("setpoint");
  for (size_t i = 0; i < count; ++i) {
    if (page[i].recorded() && page[i].setpoint != kHistoryNoSetpoint) {
      w.number(nullptr, history_setpoint_centi(page[i].setpoint) / 100.0, 1);
    } else {
      w.null(nullptr);
    }
  }
  w.end_array().begin_array("heater_s");
  for (size_t i = 0; i < count; ++i) {
    if (page[i].recorded()) {
      w.integer(nullptr, uint64_t(page[i].heater) * 10);
    } else {
      w.null(nullptr);
    }
  }
  w.end_array().end_object();
  if (!w.ok()) return Error::too_large;
  const Status status = send_sealed(peer.id, w.length(), key_for(peer.id));
  if (status == Error::none) ++peer.tx_seq;
  return status;
}

Status Thermostat::send_stale_session(const char* receiver) {
  if (!logged_on_) return Error::io;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object().string("type", "ERROR").string("code", "stale_session").end_object();
  return send_sealed(receiver, w.length(), key_for(receiver));
}

Status Thermostat::send_sealed(const char* receiver, size_t plain_length, const uint8_t* key) {
  if (key == nullptr) {
    memset(tx_plain_, 0, plain_length);
    return Error::io;
  }
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
      envelope_seal(key, address, random_, tx_plain_, plain_length, sizeof tx_plain_,
                    tx_frame_ + at + 1, sizeof tx_frame_ - at - 1 - 3);
  memset(tx_plain_, 0, plain_length + kTagBytes);
  if (!sealed.ok()) return sealed.error;
  size_t end = at + 1 + sealed.value;
  tx_frame_[end++] = '"';
  tx_frame_[end++] = '}';
  tx_frame_[end] = '\0';
  return link_.send_text(tx_frame_, end);
}

// ---- Members (docs/protocol.md "Joining", "The old shared key", "Members") ----------------------

const uint8_t* Thermostat::key_for(const char* id) const {
  if (const Member* member = members_.find(id)) return member->key;
  return members_.old_link_open ? identity_.key : nullptr;
}

void Thermostat::member_heard(const char* id, uint64_t now) {
  if (Member* member = members_.find(id)) {
    member->heard = true;
    member->heard_at = now;
  }
}

// "Joining": name and nonce as START's, public_key the 65-byte point as base64url (whether it is
// on the curve, process_join finds out). One at a time: another is dropped while one waits.
void Thermostat::queue_join(const char* transmitter, const cJSON* message, const Opening& opening) {
  if (join_.pending) return;
  const char* nonce = string_field(message, "nonce");
  const char* name = string_field(message, "name");
  const char* public_key = string_field(message, "public_key");
  if (nonce == nullptr || !is_nonce(nonce)) return;
  if (name == nullptr || utf16_length(name) > kMaxNameUnits) return;
  if (public_key == nullptr || !decode_join_public_key(public_key, strlen(public_key), join_.public_key)) return;
  join_.pending = true;
  join_.under_invitation = opening.under == OpenedUnder::invitation;
  memcpy(join_.transmitter, transmitter, kIdLength + 1);
  copy_display_name(name, join_.name);
  memcpy(join_.nonce, nonce, strlen(nonce) + 1);
  memcpy(join_.secret, opening.key, kKeyBytes);
}

void Thermostat::cancel_join() { wipe_secret(&join_, sizeof join_); }

// "Joining", steps 1 to 4, after the heater decision: a one-time key pair, the member key from
// the ECDH and the secret the JOIN came under, the member added or given the new key (or ERROR
// full), the invitation redeemed, the members stored, and WELCOME sealed under that secret.
void Thermostat::process_join(uint64_t now) {
  // One whose invitation ended (expired, pushed out, ended by a removal) or whose old shared key
  // closed while it waited is dropped ("Joining").
  const uint8_t* secret = join_.secret;
  Invitation* invitation =
      join_.under_invitation
          ? invitations_.find(join_.transmitter, now,
                              [secret](const uint8_t* s) { return memcmp(s, secret, kInvitationBytes) == 0; })
          : nullptr;
  if (join_.under_invitation ? invitation == nullptr : !members_.old_link_open) {
    cancel_join();
    return;
  }
  JoinKeys keys;
  uint8_t shared_x[kSharedXBytes];
  uint8_t key[kKeyBytes];
  const bool agreed = make_join_keys(random_, &keys) == Error::none &&
                      join_shared_x(keys.private_key, join_.public_key, shared_x);
  if (agreed) derive_member_key(shared_x, join_.secret, identity_.id, join_.transmitter, key);
  wipe_secret(shared_x, sizeof shared_x);
  wipe_secret(keys.private_key, sizeof keys.private_key);
  if (!agreed) {
    // Not a point on the curve (or no randomness yet): dropped without an answer.
    wipe_join_keys(&keys);
    cancel_join();
    return;
  }
  Member* member = members_.find(join_.transmitter);
  if (member == nullptr && members_full()) {
    // "The ninth member": nothing changes, the invitation stays open.
    send_error(join_.transmitter, "full", join_.nonce, join_.secret);
  } else {
    if (member != nullptr) {
      // A member's new key: what it sealed under the old one no longer opens, its session ends.
      if (Peer* peer = peers_.find(join_.transmitter)) peer->session[0] = '\0';
    }
    members_.add(join_.transmitter, key, join_.name);
    removed_.forget(join_.transmitter);
    member_heard(join_.transmitter, now);
    if (invitation != nullptr) Invitations::redeem(*invitation, join_.transmitter);
    members_changed(now);
    char public_key[base64url_length(kJoinPublicKeyBytes) + 1];
    base64url_encode(keys.public_key, sizeof keys.public_key, public_key, sizeof public_key);
    if (logged_on_) {
      JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
      w.begin_object()
          .string("type", "WELCOME")
          .string("nonce", join_.nonce)
          .string("public_key", public_key)
          .end_object();
      if (w.ok()) send_sealed(join_.transmitter, w.length(), join_.secret);
    }
  }
  wipe_secret(key, sizeof key);
  wipe_join_keys(&keys);
  cancel_join();
}

// "Members": session and seq as SET (handle_command), then shapes, then values, then
// unknown_member, then full (counting the removal this message asks for). With an error nothing
// changes; else the member is removed, the old shared key closed, the invitation made.
void Thermostat::handle_members_set(Peer& peer, const cJSON* message, uint64_t now) {
  const cJSON* invite = cJSON_GetObjectItemCaseSensitive(message, "invite");
  const cJSON* remove = cJSON_GetObjectItemCaseSensitive(message, "remove");
  const cJSON* old_link = cJSON_GetObjectItemCaseSensitive(message, "old_link");
  const char* error = nullptr;
  if ((invite != nullptr && !cJSON_IsBool(invite)) || (old_link != nullptr && !cJSON_IsBool(old_link)) ||
      (remove != nullptr && !cJSON_IsString(remove))) {
    error = "bad_message";
  } else if (cJSON_IsFalse(invite) || cJSON_IsTrue(old_link) ||
             (remove != nullptr && !is_valid_id(remove->valuestring, strlen(remove->valuestring)))) {
    error = "out_of_range";
  } else if (remove != nullptr && !is_member(remove->valuestring)) {
    error = "unknown_member";
  } else if (invite != nullptr && members_.count() - (remove != nullptr ? 1 : 0) >= kMaxMembers) {
    error = "full";
  }
  uint8_t secret[kInvitationBytes];
  const bool inviting = error == nullptr && invite != nullptr;
  // Without randomness there is no invitation to make: dropped, and the app asks again.
  if (inviting && random_.fill(secret, sizeof secret) != Error::none) return;

  // The answer goes to the app that asked, under the key it asked with, even when it removes
  // itself: its session, counter and key are taken before anything is forgotten.
  char receiver[kIdLength + 1];
  char session[sizeof peer.session];
  uint8_t key[kKeyBytes];
  memcpy(receiver, peer.id, sizeof receiver);
  memcpy(session, peer.session, sizeof session);
  memcpy(key, key_for(peer.id), sizeof key);
  const uint64_t seq = ++peer.tx_seq;
  bool changed = false;
  if (error == nullptr) {
    if (remove != nullptr) {
      remove_member(remove->valuestring, now);
      changed = true;
    }
    if (remove != nullptr || old_link != nullptr) changed = close_old_link(now) || changed;
    if (inviting) invitations_.make(secret, now);
    if (changed) members_changed(now);
    // "Members": when the members, or the OwnTracks registrations this changed, failed to be
    // written (unread ones are not written over: pruned once read).
    if (members_unstored() || (changed && owntracks_unstored() && !owntracks_read_pending_)) error = "storage";
  }
  send_members(receiver, session, seq, key, inviting ? secret : nullptr, error, now);
  wipe_secret(key, sizeof key);
  wipe_secret(secret, sizeof secret);
  if (changed) {
    // STATE's members and owntracks, and the regime the presence decides, as they now stand.
    plan_stale_ = true;
    control_step(now);
    push_states(now, nullptr);
  }
}

void Thermostat::remove_member(const char* id, uint64_t now) {
  Member* member = members_.find(id);
  if (member == nullptr) return;
  removed_.remember(id, member->key);
  // "Members": every open invitation ends, the one it joined with included (it may have made or
  // seen any of them); a JOIN still waiting under one is dropped at its tick (process_join).
  invitations_.clear();
  // A JOIN from it still waiting would bring it back.
  if (join_.pending && strcmp(join_.transmitter, id) == 0) cancel_join();
  if (Peer* peer = peers_.find(id)) *peer = Peer();
  if (owntracks_.forget(id)) owntracks_changed(now);
  // Unread, it may hold the member's: forgotten once read (the old shared key is closed by now).
  if (owntracks_read_pending_) owntracks_strangers_pending_ = true;
  members_.remove(id);
}

bool Thermostat::close_old_link(uint64_t now) {
  if (!members_.old_link_open) return false;
  members_.old_link_open = false;
  // docs/protocol.md "The old shared key": nothing more goes out under it, and a phone that never
  // joined is nobody's member: its session and presence end, its OwnTracks secret is forgotten
  // and so stored, as a removed member's.
  for (Peer& peer : peers_) {
    if (peer.used && !is_member(peer.id)) peer = Peer();
  }
  forget_strangers_owntracks();
  persist_owntracks(now);
  if (join_.pending && !join_.under_invitation) cancel_join();
  return true;
}

void Thermostat::forget_strangers_owntracks() {
  // Storage cannot tell what it holds: what it holds is pruned once read.
  owntracks_strangers_pending_ = owntracks_read_pending_;
  for (OwntracksMember& registration : owntracks_) {
    if (registration.used && !is_member(registration.id) && owntracks_.forget(registration.id)) {
      owntracks_dirty_ = true;
    }
  }
}

// docs/protocol.md "Members storage". Read once the identity is there (the blob names its ID).
void Thermostat::read_members(uint64_t now) {
  members_storage_at_ = now;
  const bool was_unstored = members_unstored();
  uint8_t* blob = scratch();
  static_assert(sizeof tx_frame_ > kMembersBlobSize, "scratch() holds a members blob and one byte more");
  const Result<size_t> stored = storage_.read(Blob::members, blob, kMembersBlobSize + 1);
  const Status decoded = stored.ok() ? decode_members(blob, stored.value, identity_.id, &members_) : stored.error;
  if (stored.ok()) wipe_secret(blob, stored.value);
  members_read_pending_ = false;
  members_error_ = Error::none;
  members_dirty_ = false;
  if (decoded == Error::none) {
    members_load_ = MembersLoad::read;
  } else if (decoded == Error::not_found && !members_identity_new_) {
    // Updated from before member keys: every phone keeps working on the old shared key.
    members_.clear();
    members_.old_link_open = true;
    members_load_ = MembersLoad::updated;
    members_dirty_ = true;
  } else if (decoded == Error::not_found || decoded == Error::too_large || decoded == Error::corrupt) {
    members_.clear();
    members_load_ = decoded == Error::not_found ? MembersLoad::missing_new : MembersLoad::damaged;
    members_dirty_ = true;
  } else {
    // Storage cannot tell what it holds: no members, no JOIN, nothing written over it.
    members_.clear();
    members_read_pending_ = true;
    members_error_ = decoded;
    members_load_ = MembersLoad::unread;
  }
  persist_members(now);
  if (members_unstored() != was_unstored) push_pending_ = true;
}

void Thermostat::members_changed(uint64_t now) {
  members_dirty_ = true;
  persist_members(now);
}

void Thermostat::persist_members(uint64_t now) {
  if (!identity_ready_ || members_read_pending_ || !members_dirty_) return;
  members_storage_at_ = now;
  write_secret_blob(Blob::members, encode_members(members_, identity_.id, scratch()), &members_error_,
                    &members_dirty_);
}

Status Thermostat::send_error(const char* receiver, const char* code, const char* nonce, const uint8_t* key) {
  if (!logged_on_) return Error::io;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object().string("type", "ERROR").string("code", code);
  if (nonce != nullptr) w.string("nonce", nonce);
  w.end_object();
  return send_sealed(receiver, w.length(), key);
}

// docs/protocol.md "Members", MEMBERS.
Status Thermostat::send_members(const char* receiver, const char* session, uint64_t seq, const uint8_t* key,
                                const uint8_t* invitation, const char* error, uint64_t now) {
  if (!logged_on_) return Error::io;
  JsonWriter w(reinterpret_cast<char*>(tx_plain_), sizeof tx_plain_ - kTagBytes);
  w.begin_object().string("type", "MEMBERS").string("session", session).integer("seq", seq);
  w.begin_array("members");
  for (const Member& member : members_) {
    w.begin_object().string("id", member.id).string("name", member.name);
    if (member.heard) {
      w.integer("heard_s", (now - member.heard_at) / 1000);
    } else {
      w.null("heard_s");
    }
    w.end_object();
  }
  w.end_array().boolean("old_link", members_.old_link_open);
  if (invitation != nullptr) {
    char secret[base64url_length(kInvitationBytes) + 1];
    base64url_encode(invitation, kInvitationBytes, secret, sizeof secret);
    w.begin_object("invitation").string("secret", secret).integer("expires_s", kInvitationLifetimeMs / 1000).end_object();
    wipe_secret(secret, sizeof secret);
  } else {
    w.null("invitation");
  }
  if (error != nullptr) {
    w.string("error", error);
  } else {
    w.null("error");
  }
  w.end_object();
  if (!w.ok()) return Error::too_large;
  return send_sealed(receiver, w.length(), key);
}

}  // namespace hearth
