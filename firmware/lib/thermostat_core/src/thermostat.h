// The thermostat: layer 6 client, layer 7 sessions, settings and presence,
// and the heater control. It never blocks; the glue calls it with the time.
//
//   Thermostat core(sensor, relay, storage, link, random, millis());
//   core.begin(millis());
//   loop: core.tick(millis()); link events -> link_opened/closed/text, where
//   link_opened gets broker_host_from_url(<the broker URL>) (logon.h).
#pragma once
#include "codec.h"
#include "core_types.h"
#include "heater_control.h"
#include "history_log.h"
#include "identity.h"
#include "json_check.h"
#include "logon.h"
#include "members.h"
#include "owntracks_presence.h"
#include "peers.h"
#include "ports.h"
#include "schedule.h"
#include "settings.h"
#include "wall_clock.h"

struct cJSON;

namespace hearth {
class JsonWriter;
}

namespace hearth {

// The largest frame the thermostat reads; our envelopes are far smaller. The
// device's WebSocket adapter refuses a larger frame before the library
// allocates it (firmware/src/websocket_link.h).
constexpr size_t kMaxFrameBytes = 4096;

struct CoreConfig {
  ControlConfig control;
  uint32_t presence_fresh_ms = 12ul * 3600 * 1000;
  uint32_t session_active_ms = 10ul * 60 * 1000;
  uint32_t push_period_ms = 60000;
  Centi push_on_move = 10;                // 0.1 °C
  // A change of the held set point, its source or the heat reason alone pushes no sooner than
  // this after the last push: a reason flapping with every reading cannot flood the apps.
  uint32_t push_on_held_gap_ms = 1000;
  uint32_t logon_timeout_ms = 20000;      // not logged on this long after the link opened: drop it
  uint32_t storage_retry_ms = 30000;      // also an identity fault and an identity copy behind
  size_t max_frame_bytes = kMaxFrameBytes;
};

class Thermostat {
 public:
  // The largest STATE plaintext it writes: the widest STATE (8 members with 32-byte names of
  // characters JSON escapes, 8 OwnTracks IDs, a full schedule, every override, a 64-byte zone) is
  // measured in test_schedule_core.cpp against it.
  static constexpr size_t kStatePlainBytes = 3072;
  // A MSG frame around a sealed STATE: the packet's fields (under 150 bytes) and the envelope.
  static constexpr size_t kFrameBytes = base64url_length(kStatePlainBytes + kTagBytes) + 192;
  Thermostat(Sensor& sensor, Relay& relay, Storage& storage, Link& link, Random& random,
             Millis now, const CoreConfig& config = CoreConfig());
  Thermostat(const Thermostat&) = delete;
  Thermostat& operator=(const Thermostat&) = delete;

  // Loads settings (defaults when missing or corrupt, written back; defaults
  // in memory only while storage cannot read them, retried) and the identity
  // (made on first boot only), then the members stored for it. Heating works whatever happens to
  // the identity: its error is returned (no_random while the random source is not
  // ready; io or corrupt for an identity fault) and tick() keeps retrying.
  Status begin(Millis now);
  // Heater decision first; then storage retries and, when the broker's
  // CHALLENGE is waiting, the logon signature, else a JOIN's ECDH (each tens to
  // hundreds of ms on the ESP8266), so that neither delays the heater.
  void tick(Millis now);

  // broker_host: the host the link was opened to, as broker_host_from_url
  // gives it; the logon signature covers it.
  void link_opened(Millis now, const char* broker_host);
  void link_closed(Millis now);
  void link_text(const char* text, size_t length, Millis now);

  // Forgets the identity, the settings, the apps' sessions, the members and
  // every invitation, closes the old shared key, and makes a new identity
  // (every phone must be invited again). The old identity is revoked
  // in storage before the new one is written (identity.h, reset_identity),
  // so no later fault brings it back. On error (no_random, io) either nothing
  // changed (identity_ready() as before), or the old identity is revoked and
  // the new one not stored: an identity fault, retried until the reset is
  // finished.
  Status factory_reset(Millis now);

  bool identity_ready() const { return identity_ready_; }
  // none when ready; else why not: no_random (a fresh device waiting for
  // randomness), or an identity fault, io or corrupt: no logon until it clears.
  Status identity_error() const { return identity_error_; }
  // Each copy as last read, or as its last rewrite went (identity.h).
  const IdentityCopies& identity_copies() const { return identity_copies_; }
  const Identity& identity() const { return identity_; }
  // "<app_url>#pair=<ID>.<base64url(secret)>" with a new invitation (docs/protocol.md "Keys and
  // pairing"), made only when the link fits: each call makes one (a fifth pushes out the oldest).
  // Fails with the identity's error while it is not ready, no_random, or too_large when the link
  // does not fit `capacity` or no member fits: 8 are there (members_full(), "The ninth member" in
  // "Members").
  Result<size_t> pairing_link(const char* app_url, char* out, size_t capacity, Millis now);
  bool members_full() const { return members_.count() >= kMaxMembers; }

  // An SNTP answer (docs/protocol.md "The wall clock"): always taken, unless outside SET's
  // `time` range.
  void set_wall_time(int64_t utc_seconds, Millis now);
  // The wall clock at `now`; false while it is unknown.
  bool wall_time(Millis now, int64_t* utc_seconds) const;
  // STATE's `clock`: none while unknown, else where the time last came from.
  ClockSource clock_source() const { return wall_clock_.source(); }
  // The time zone in force, nullptr when none is set.
  const TimeZone* time_zone() const { return settings_.has_time_zone ? &settings_.time_zone : nullptr; }
  // What "Which set point holds" chose at the last tick (before the reading's frost and none).
  Held plan_held() const { return plan_held_; }

  bool online() const { return logged_on_; }
  const Settings& settings() const { return settings_; }
  Regime regime() const { return settings_.last_regime; }
  bool heater_on() const { return heater_.on(); }
  HeatReason heat_reason() const { return heater_.reason(); }
  bool sensor_ok() const { return readings_.good(clock_.elapsed()); }
  // The latest sample's status after the core's range checks (a good one may
  // still not be acted on: stale or stuck, see sensor_ok()).
  SensorStatus sensor_status() const { return readings_.status(); }
  const Reading& reading() const { return readings_.latest(); }
  const PeerTable& peers() const { return peers_; }
  size_t active_sessions() const;
  uint64_t uptime_ms() const { return clock_.elapsed(); }
  uint32_t dropped_envelopes() const { return dropped_envelopes_; }
  // Frames and opened plaintexts refused unread by the JSON rules.
  uint32_t refused_json() const { return refused_json_; }
  // Whether the JSON checker's key hash has its random seed yet, and the key
  // code units the last check compared (json_check.h): what a text made to
  // collide costs.
  bool json_seeded() const { return json_seeded_; }
  uint32_t json_key_units_compared() const { return json_space_.key_units_compared; }
  // True while the stored settings could not be read (io): defaults run in
  // memory, nothing is written over them, and the read is retried.
  bool settings_unread() const { return settings_read_pending_; }
  Status storage_error() const { return storage_error_; }
  // True while the settings in force may not be in storage (a write failed
  // and its retry has not yet succeeded): every STATE says "storage" then.
  bool settings_unstored() const { return settings_dirty() && storage_error_ != Error::none; }
  // The OwnTracks registrations, and whether those in force may not be in
  // storage (a read or a write failed; retried like the settings'): every
  // STATE says "storage" then too.
  const OwntracksMembers& owntracks() const { return owntracks_; }
  // The history being recorded (docs/protocol.md "History").
  const HistoryLog& history() const { return history_; }
  bool owntracks_unstored() const { return owntracks_error_ != Error::none; }
  // The members (docs/protocol.md "Members") and whether the old shared key is open.
  const MemberTable& members() const { return members_; }
  // What the members blob held when last read (docs/protocol.md "Members storage"): `read`;
  // `updated` (missing beside an identity that was already there: the old shared key open);
  // `missing_new`, `damaged` (damaged or naming another thermostat ID): none, the old shared key
  // closed, written back, which the console says; `unread` while storage cannot read it (no
  // members, no JOIN, read again every 30 s); `reset` after a factory reset.
  enum class MembersLoad : uint8_t { none, read, updated, missing_new, damaged, unread, reset };
  MembersLoad members_load() const { return members_load_; }
  // True while the members in force may not be in storage (a write failed, retried every 30 s,
  // or they cannot be read): every STATE says "storage" then.
  bool members_unstored() const { return members_error_ != Error::none; }
  // A JOIN waits for the next tick (the ECDH after the heater decision).
  bool join_pending() const { return join_.pending; }
  // Invitations open at `now` (redeemed ones included, until they expire).
  size_t open_invitations(Millis now) const { return invitations_.open_count(clock_.peek(now)); }
  // The state fields of a STATE message (readings, null while the sensor is
  // not good; settings; regime; heater; members with presence; uptime), into
  // an object the caller has opened. One writer for the STATE the apps get
  // and the simulator's state line, so that the two cannot drift apart.
  // `now` is the core's clock, uptime_ms().
  void write_state_fields(JsonWriter& w, uint64_t now) const;

 private:
  // Loads the identity, or makes and stores it on first boot; on success the
  // thermostat can log on. begin() calls it once, tick() retries it.
  Status load_identity(uint64_t now);
  void adopt_identity(const IdentityLoad& loaded, uint64_t now);
  void retry_identity(uint64_t now);
  void read_settings(uint64_t now);
  void seed_json_check();
  void control_step(uint64_t now);
  Regime decide_regime(uint64_t now) const;
  void persist_settings(uint64_t now);
  // True while storage may not hold settings_: they changed since the last
  // write that succeeded, or no write or read has succeeded yet. A version
  // counts the changes instead of a second copy of the settings (over 500
  // bytes of RAM with the schedule); every change goes through
  // settings_changed().
  bool settings_dirty() const { return !persisted_known_ || settings_version_ != persisted_version_; }
  void settings_changed() { ++settings_version_; }
  void start_logon(uint64_t now);
  void send_logon(uint64_t now);
  void end_link();
  void handle_broker_packet(const char* text, size_t length, uint64_t now);
  // Which key opened an envelope (docs/protocol.md "Joining", "The old shared key", "Members").
  enum class OpenedUnder : uint8_t { member, invitation, old_key, removed };
  struct Opening {
    OpenedUnder under = OpenedUnder::member;
    const uint8_t* key = nullptr;  // the key or secret it opened under
  };
  Result<size_t> open_envelope(const char* packet_type, const char* transmitter, const char* data,
                               size_t length, uint64_t now, Opening* opening);
  void handle_envelope(const char* packet_type, const char* transmitter, const Opening& opening,
                       uint64_t now, size_t plain_length);
  void handle_start(const char* transmitter, const cJSON* message, uint64_t now);
  // A JOIN that checks out waits in join_ for the next tick; process_join works it out there.
  void queue_join(const char* transmitter, const cJSON* message, const Opening& opening);
  void process_join(uint64_t now);
  void cancel_join();
  void handle_members_set(Peer& peer, const cJSON* message, uint64_t now);
  // Forgets the member, its session, presence and OwnTracks registration, and remembers its key
  // for the ERROR not_member (docs/protocol.md "Members").
  void remove_member(const char* id, uint64_t now);
  // Closes the old shared key for good; the apps on it lose their sessions, presence and OwnTracks
  // registrations. False: already closed.
  bool close_old_link(uint64_t now);
  // Forgets the OwnTracks registrations of IDs that are not members (the caller stores them);
  // while storage cannot read them, once it can.
  void forget_strangers_owntracks();
  // The key what goes to this app is sealed under: its member key, else the old shared key while
  // open, else none.
  const uint8_t* key_for(const char* id) const;
  bool is_member(const char* id) const { return members_.find(id) != nullptr; }
  void member_heard(const char* id, uint64_t now);
  void read_members(uint64_t now);
  void members_changed(uint64_t now);
  void persist_members(uint64_t now);
  void handle_command(const char* type, const char* transmitter, const cJSON* message,
                      uint64_t now);
  // *changed: whether a setting (stored) changed; the clock may change without it.
  const char* apply_set(const cJSON* message, uint64_t now, bool* changed);
  // The inputs of "Which set point holds" at `now` (monotonic ms), with `regime` in force.
  PlanInput plan_input(uint64_t now, Regime regime) const;
  // Recomputes the held set point (cached: once a wall-clock second, or when plan_stale_ says an
  // input changed) and `next` (when an input changed or the clock reached it; a null one each
  // minute).
  void update_plan(uint64_t now);
  // The overrides STATE shows (not null), as bits.
  static constexpr uint8_t kManualShown = 1, kBoostShown = 2, kAwayUntilShown = 4;
  uint8_t overrides_shown(uint64_t now) const;
  // The monotonic ms from which presence counts in auto: 0, or the start of an away-until's
  // pre-heat once it has begun (docs/protocol.md "Which set point holds").
  bool presence_cutoff(uint64_t now, uint64_t* cutoff) const;
  const char* apply_home(Peer& peer, const cJSON* message, uint64_t now);
  const char* apply_owntracks_set(const Peer& peer, const cJSON* message, uint64_t now);
  void read_owntracks(uint64_t now);
  void owntracks_changed(uint64_t now);
  void persist_owntracks(uint64_t now);
  // Writes a blob of secrets encoded in scratch() (the OwnTracks registrations, the members) and
  // wipes the copy: clean once storage took it; the apps hear at once when it turns unstored or
  // stored again (owntracks_unstored() and members_unstored() are their last write's *error).
  void write_secret_blob(Blob blob, size_t length, Status* error, bool* dirty);
  // decoded: the RELAY's data decoded into scratch(), the box still sealed.
  void handle_relay(OwntracksMember& member, Result<size_t> decoded, uint64_t now);
  cJSON* parse_opened(uint8_t* plaintext, size_t length);
  // Presence as OwnTracks reported it at `at`, unless the app reported since, or the member has
  // no slot and every slot holds an active session or a fresh report.
  void owntracks_presence(const OwntracksMember& member, bool home, uint64_t at, uint64_t now);
  // The RELAY's box and the registrations blob are read and written here:
  // neither is in use while a frame is written, nor a frame while they are.
  uint8_t* scratch() { return reinterpret_cast<uint8_t*>(tx_frame_); }
  // A HISTORY page is made in scratch(): a past day's blob read at its start, the page's samples
  // after it; then written as JSON into tx_plain_, and only then sealed into tx_frame_.
  static constexpr size_t kHistoryPageAt = (kHistoryBlobSize + 3) / 4 * 4;
  HistorySample* history_page() { return reinterpret_cast<HistorySample*>(scratch() + kHistoryPageAt); }
  // One sample per tick while the wall clock is known (docs/protocol.md "History").
  void record_history(uint64_t now, bool sampled);
  // HISTORY_get: `from` judged as SET's fields are, then one HISTORY (docs/protocol.md "Messages").
  void handle_history_get(Peer& peer, const cJSON* message, uint64_t now);
  Status send_history(Peer& peer, int64_t from, uint64_t now);
  void push_states(uint64_t now, const Peer* except);
  // STATE's setpoint_source; held_setpoint() is STATE's setpoint unless the source is none.
  SetpointSource setpoint_source() const;
  Centi held_setpoint() const;
  bool held_changed_since_push() const;
  void write_plan_fields(JsonWriter& w, uint64_t now) const;
  bool session_active(const Peer& peer, uint64_t now) const;
  // A report younger than presence_fresh_ms: it still counts for the regime.
  bool presence_fresh(const Peer& peer, uint64_t now) const;
  Status send_state(Peer& peer, const char* nonce, const char* error, uint64_t now);
  Status send_stale_session(const char* receiver);
  // ERROR `code` (with the JOIN's nonce for `full`), sealed under `key`.
  Status send_error(const char* receiver, const char* code, const char* nonce, const uint8_t* key);
  Status send_members(const char* receiver, const char* session, uint64_t seq, const uint8_t* key,
                      const uint8_t* invitation, const char* error, uint64_t now);
  // tx_plain_[0..plain_length) as a MSG to receiver, sealed under key (none: not sent).
  Status send_sealed(const char* receiver, size_t plain_length, const uint8_t* key);

  CoreConfig config_;
  Sensor& sensor_;
  Storage& storage_;
  Link& link_;
  Random& random_;
  MonotonicClock clock_;
  ReadingMonitor readings_;
  HeaterControl heater_;
  PeerTable peers_;

  Identity identity_{};
  bool identity_ready_ = false;
  Status identity_error_ = Error::none;
  IdentityCopies identity_copies_;
  bool identity_copy_behind_ = false;
  Blob identity_behind_ = Blob::identity_backup;
  uint64_t identity_attempt_at_ = 0;
  Settings settings_;
  uint32_t settings_version_ = 0;
  uint32_t persisted_version_ = 0;  // the version the last write or read that succeeded stored
  WallClock wall_clock_;
  // "Which set point holds" and "What comes next", as of plan_second_ (a wall-clock second, or
  // the monotonic second while the clock is unknown).
  Held plan_held_{0, SetpointSource::comfort};
  bool next_known_ = false;
  int64_t next_at_ = 0;
  Held next_held_{0, SetpointSource::none};
  bool plan_stale_ = true;
  // Presence reported before this (monotonic ms) no longer counts: the latest pre-heat start seen.
  uint64_t presence_floor_ = 0;
  int64_t plan_second_ = 0;
  int64_t next_second_ = 0;  // the wall-clock second `next` was last looked for at
  bool persisted_known_ = false;
  uint64_t persist_attempt_at_ = 0;
  bool settings_read_pending_ = false;
  uint64_t settings_read_at_ = 0;
  Status storage_error_ = Error::none;
  OwntracksMembers owntracks_;
  bool owntracks_dirty_ = false;  // changed since the last write that succeeded
  bool owntracks_read_pending_ = false;
  // The old shared key closed, or a member was removed, while the registrations could not be
  // read: those of IDs that are not members go once read.
  bool owntracks_strangers_pending_ = false;
  uint64_t owntracks_storage_at_ = 0;  // the last read or write of the registrations
  Status owntracks_error_ = Error::none;

  bool link_open_ = false;
  bool logged_on_ = false;
  // From link open (with an identity) until ACK_LOG_ON or the timeout.
  bool logon_pending_ = false;
  uint64_t logon_started_at_ = 0;
  bool challenge_pending_ = false;  // a CHALLENGE to answer in the next tick
  bool awaiting_ack_ = false;       // LOG_ON sent
  char broker_host_[kMaxBrokerHostLength + 1] = {};
  char challenge_nonce_[base64url_length(kChallengeNonceBytes) + 1] = {};

  uint64_t last_push_at_ = 0;
  bool pushed_heater_ = false;
  bool pushed_sensor_ok_ = false;
  Centi pushed_temperature_ = 0;
  SetpointSource pushed_source_ = SetpointSource::none;
  Centi pushed_setpoint_ = 0;
  HeatReason pushed_reason_ = HeatReason::boot;
  bool pushed_next_known_ = false;
  int64_t pushed_next_at_ = 0;
  Held pushed_next_{0, SetpointSource::none};
  uint8_t pushed_overrides_ = 0;
  bool pushed_clock_known_ = false;
  // Set at logon (so the first push follows it) and on a regime change.
  bool push_pending_ = false;
  uint32_t dropped_envelopes_ = 0;
  uint32_t refused_json_ = 0;
  JsonCheckSpace json_space_;
  bool json_seeded_ = false;

  // Fixed buffers: no heap for frames, so a long uptime cannot fragment it.
  // An opened envelope is parsed, and wiped, before any reply or push is written: the two
  // plaintexts share their bytes.
  union {
    uint8_t rx_plain_[1024];
    uint8_t tx_plain_[kStatePlainBytes + kTagBytes];
  };
  alignas(4) char tx_frame_[kFrameBytes];
  static_assert(sizeof tx_frame_ >= kMaxOwntracksBoxBytes && sizeof tx_frame_ >= kOwntracksBlobMaxBytes,
                "scratch() holds a RELAY's box and the registrations blob");
  static_assert(kHistoryPageAt + kHistoryPageSlots * sizeof(HistorySample) <= sizeof tx_frame_,
                "scratch() holds a day blob and, after it, a HISTORY page's samples");
  HistoryLog history_;
  uint64_t history_forget_at_ = 0;  // the last try to empty the history after a factory reset

  // docs/protocol.md "Members", "Joining", "The old shared key".
  MemberTable members_;
  Invitations invitations_;
  RemovedMembers removed_;
  MembersLoad members_load_ = MembersLoad::none;
  bool members_identity_new_ = false;  // the identity was made at this boot (or by a reset)
  bool members_read_pending_ = false;  // storage could not read them (io): none, no JOIN
  bool members_dirty_ = false;         // changed since the last write that succeeded
  uint64_t members_storage_at_ = 0;
  Status members_error_ = Error::none;
  // One JOIN at a time, worked out in the next tick (docs/protocol.md "Joining").
  struct PendingJoin {
    bool pending;
    bool under_invitation;  // else the old shared key
    char transmitter[kIdLength + 1];
    char name[kMaxNameBytes + 1];
    char nonce[base64url_length(48) + 1];
    uint8_t public_key[kJoinPublicKeyBytes];
    uint8_t secret[kKeyBytes];  // the invitation's secret or the old shared key
  };
  PendingJoin join_ = {};
};

}  // namespace hearth
