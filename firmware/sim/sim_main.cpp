// The simulated thermostat: the real core on the host, with a room model for
// sensor and relay, files for storage, the OS for randomness and a Node
// bridge for the WebSocket. Stdout carries only the lines other tools parse
// (PAIR, ONLINE, OFFLINE and one answer per stdin command); logs go to stderr.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bridge_process.h"
#include "json_writer.h"
#include "link_supervisor.h"
#include "room_model.h"
#include "sim_ports.h"
#include "sim_setup.h"
#include "sim_wall_clock.h"
#include "thermostat.h"
#include "time_zone.h"
#include "wall_clock.h"

using namespace hearth;

namespace {

volatile sig_atomic_t g_stop = 0;
int g_wake_pipe[2] = {-1, -1};

void on_signal(int) {
  g_stop = 1;
  const char byte = 1;
  (void)!write(g_wake_pipe[1], &byte, 1);
}

struct Options {
  std::string broker;
  std::string broker_host;  // what the logon signs for, from the broker URL
  std::string state_dir;
  std::string app_url = "http://localhost:8080/";
  bool app_url_given = false;
  double speed = 1.0;
  std::string name = "thermostat";
  bool serial_pty = false;
  std::vector<SimWifiNetwork> networks;
  double silent_link_ms = 75000;  // real time, like the broker's pings
  bool start_time_given = false;  // --time; else the host's clock
  int64_t start_time_s = 0;
};

std::string g_name = "thermostat";

void log(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "[sim %s] ", g_name.c_str());
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
}

void say(const std::string& line) {
  fputs(line.c_str(), stdout);
  fputc('\n', stdout);
  fflush(stdout);
}

bool parse_number(const std::string& text, double lo, double hi, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(v)) return false;
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool parse_args(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = "missing value for " + arg;
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string speed;
    if (arg == "--broker") {
      if (!value(&o->broker)) return false;
    } else if (arg == "--state-dir") {
      if (!value(&o->state_dir)) return false;
    } else if (arg == "--app-url") {
      if (!value(&o->app_url)) return false;
      o->app_url_given = true;
    } else if (arg == "--serial") {
      std::string kind;
      if (!value(&kind)) return false;
      if (kind != "pty") {
        *error = "--serial takes pty";
        return false;
      }
      o->serial_pty = true;
    } else if (arg == "--wifi") {
      std::string network;
      if (!value(&network)) return false;
      const size_t equals = network.find('=');
      const std::string ssid = network.substr(0, equals);
      const std::string password = equals == std::string::npos ? "" : network.substr(equals + 1);
      if (equals == std::string::npos || ssid.empty() || ssid.size() > kMaxSsidBytes ||
          password.size() > kMaxWifiPasswordBytes || ssid.find('\n') != std::string::npos ||
          password.find('\n') != std::string::npos) {
        *error = "--wifi takes <ssid>=<password>: an SSID of 1 to 32 bytes, a password of 0 to 64";
        return false;
      }
      // Signal strengths the scan reports: the first network is the strongest.
      o->networks.push_back({ssid, password, static_cast<int16_t>(-40 - 7 * int(o->networks.size() % 8))});
    } else if (arg == "--silent-link-ms") {
      std::string ms;
      if (!value(&ms)) return false;
      if (!parse_number(ms, 1, 4e9, &o->silent_link_ms)) {
        *error = "--silent-link-ms must be a number of milliseconds above 0";
        return false;
      }
    } else if (arg == "--time") {
      std::string text;
      if (!value(&text)) return false;
      bool utc = false;
      if (!parse_iso_time(text, &o->start_time_s, &utc) || !wall_time_in_range(o->start_time_s)) {
        *error = "--time takes a UTC time YYYY-MM-DDTHH:MM[:SS][Z] from 2024-01-01 to 2099-12-31";
        return false;
      }
      o->start_time_given = true;
    } else if (arg == "--name") {
      if (!value(&o->name)) return false;
    } else if (arg == "--speed") {
      if (!value(&speed)) return false;
      if (!parse_number(speed, 0.001, 100000, &o->speed)) {
        *error = "--speed must be a number above 0";
        return false;
      }
    } else {
      *error = "unknown argument " + arg;
      return false;
    }
  }
  if (o->state_dir.empty()) *error = "--state-dir <dir> is required";
  if (!error->empty()) return false;
  // Without --broker the thermostat starts unprovisioned: the serial console sets it.
  if (o->broker.empty()) return true;
  char host[kMaxBrokerHostLength + 1];
  if (!broker_host_from_url(o->broker.c_str(), host, sizeof host).ok()) {
    *error = "--broker must be a ws:// or wss:// URL with a host name or IPv4 address";
    return false;
  }
  o->broker_host = host;
  return true;
}

bool make_dirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!partial.empty() && mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    if (i < path.size()) partial += path[i];
  }
  return true;
}

// The link's transport in the simulator: the Node bridge (bridge_process.h)
// moves the frames, and the core's LinkSupervisor decides everything else, as
// on the device. The bridge looks the broker's name up as it connects, reads
// whole frames (its ws bounds them; the core refuses those over its limit) and
// answers pings itself, reporting them.
class BridgeTransport final : public LinkTransport {
 public:
  explicit BridgeTransport(BridgeProcess& bridge) : bridge_(bridge) {}
  void report_to(LinkSupervisor* link) { link_ = link; }

  NameLookup resolve(const char*, uint32_t) override { return NameLookup::found; }
  Status connect(const LinkTarget& target) override {
    if (!bridge_.running()) {
      const char* root = getenv("HEARTH_REPO_ROOT");
      if (!bridge_.start(root != nullptr ? root : HEARTH_REPO_ROOT)) {
        log("could not start the WebSocket bridge");
        return Error::io;
      }
    }
    ++conn_;  // a new connection replaces the bridge's previous socket, if any
    pending_.clear();
    active_ = true;
    // The URL the supervisor dials, rebuilt: its host_header is the Host that
    // Node's ws sends (apply_broker() sets it so), and the path the device's.
    bridge_.connect(conn_, std::string(target.url.tls ? "wss://" : "ws://") + target.url.host_header +
                               target.url.path);
    return Error::none;
  }
  void service(Millis now) override {
    std::vector<BridgeEvent> events;
    events.swap(pending_);
    for (const BridgeEvent& e : events) {
      if (link_ == nullptr || !active_) break;
      switch (e.kind) {
        case BridgeEvent::opened: link_->link_opened(now); break;
        case BridgeEvent::message: link_->link_text(e.payload.data(), e.payload.size(), now); break;
        case BridgeEvent::pinged: link_->link_heard(now); break;
        case BridgeEvent::closed:
          log("link closed (%d)", e.code);
          active_ = false;
          link_->link_closed(now);
          break;
      }
    }
  }
  // The bridge bounds its own upgrade (10 s) and reports its end.
  bool upgrading() override { return false; }
  size_t peek_incoming(uint8_t*, size_t, size_t* available) override {
    *available = 0;
    return 0;
  }
  bool send_text(const char* text, size_t length) override {
    if (!active_) return false;
    bridge_.send(conn_, text, length);
    return true;
  }
  void close(uint16_t code) override {
    if (active_ && bridge_.running()) bridge_.close(conn_, code);
    active_ = false;  // what the bridge still says of that connection is ignored
    pending_.clear();
  }

  // Whenever the bridge's pipe is readable: the events of the connection in
  // use wait for the supervisor's next service().
  void take_events() {
    std::vector<BridgeEvent> events;
    const bool alive = bridge_.read_events(events);
    for (BridgeEvent& e : events) {
      if (active_ && e.conn == conn_) pending_.push_back(std::move(e));
    }
    if (!alive) {
      log("the WebSocket bridge exited");
      if (active_) pending_.push_back({BridgeEvent::closed, conn_, "", 1006});
    }
  }

 private:
  BridgeProcess& bridge_;
  LinkSupervisor* link_ = nullptr;
  int conn_ = 0;
  bool active_ = false;
  std::vector<BridgeEvent> pending_;
};

// Simulated time: speed × real time, as the 32-bit millisecond clock the core
// expects (it wraps, as millis() does on the device).
class SimClock {
 public:
  SimClock(double speed) : speed_(speed), last_real_(sim_real_ms()) {}
  // Returns simulated seconds elapsed since the previous call.
  double advance() {
    const int64_t now = sim_real_ms();
    const double sim = double(now - last_real_) * speed_;
    last_real_ = now;
    total_ms_ += sim;
    return sim / 1000.0;
  }
  Millis now() const { return Millis(uint64_t(total_ms_)); }
  // Simulated time that passes at once (the `run` command), whatever the real time.
  void skip(uint64_t ms) { total_ms_ += double(ms); }
  // The same clock, unwrapped.
  uint64_t total_ms() const { return uint64_t(total_ms_); }

 private:
  double speed_;
  int64_t last_real_;
  double total_ms_ = 1000;
};

const char* copy_state(Error e) { return e == Error::none ? "ok" : error_name(e); }

// The state line: the core's own STATE fields, then what only the simulator
// knows or the tests watch (room model, link, sessions, sensor fault mode,
// the identity and its two copies).
std::string state_json(const Thermostat& core, const RoomModel& room, const SimulatedBme280& sensor) {
  // 8 members of at most ~190 bytes each (a 32-byte name escapes to at most
  // 64), a full schedule (42 switch points, ~530 bytes), the clock, time zone
  // and overrides (~450) plus ~600 bytes of other fields: about 3.1 KB, so
  // 8 KB leaves ample room.
  char buffer[8192];
  JsonWriter w(buffer, sizeof buffer);
  w.begin_object();
  core.write_state_fields(w, core.uptime_ms());
  w.number("room", room.room_c, 2)
      .number("outside", room.outside_c, 2)
      .boolean("online", core.online())
      .integer("sessions", core.active_sessions())
      .integer("dropped_envelopes", core.dropped_envelopes())
      .string("sensor", sensor_mode_name(sensor.mode))
      .string("id", core.identity_ready() ? core.identity().id : "");
  if (core.identity_ready()) {
    w.null("identity_fault");
  } else {
    w.string("identity_fault", error_name(core.identity_error()));
  }
  w.string("identity_primary", copy_state(core.identity_copies().primary))
      .string("identity_backup", copy_state(core.identity_copies().backup))
      .end_object();
  // Never print a truncated object as if it were the state.
  if (!w.ok()) return "error state too large";
  return std::string(buffer, w.length());
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

class Simulator {
 public:
  explicit Simulator(const Options& options)
      : options_(options),
        clock_(options.speed),
        sensor_(room_),
        storage_(options.state_dir),
        transport_(bridge_),
        setup_(setup_options(options), storage_),
        wall_(options.start_time_given ? options.start_time_s * 1000 : host_utc_ms(), clock_.total_ms()) {
    setup_.use_flash(storage_.blobs(), storage_.volume());
    // The core's network timeout is in its (simulated) clock; keep it at 20 s
    // of real time whatever the speed.
    config_.logon_timeout_ms = scaled(20000.0, options.speed);
    // "Heard from in the last 10 minutes" is about people's apps, not the room: keep it real
    // time too, or an app watching a sped-up demo would stop getting pushes within seconds.
    config_.session_active_ms = scaled(600000.0, options.speed);
    // The reconnect schedule is the device's, in simulated time (so scaled by
    // --speed); how long a connect may take is about the network, real time.
    link_config_.reconnect.attempt_timeout_ms = scaled(15000.0, options.speed);
    // The broker pings in real time, so the silence that means a dead link is real time too.
    link_config_.silent_link_ms = scaled(options.silent_link_ms, options.speed);
  }

  int run() {
    char link[256];
    if (options_.app_url.size() + 100 > sizeof link) {
      log("app URL too long for the pairing link");
      return 2;
    }
    std::string error;
    if (!setup_.open(&error)) {
      log("%s", error.c_str());
      return 2;
    }
    if (options_.serial_pty) say("SERIAL " + setup_.serial_path());
    log("%s", setup_.load_message().c_str());
    boot();
    log("broker %s, speed %g", setup_.broker_url()[0] != '\0' ? setup_.broker_url() : "(none yet)",
        options_.speed);
    loop();
    shutdown();
    return 0;
  }

 private:
  static SimSetupOptions setup_options(const Options& options) {
    SimSetupOptions setup;
    setup.serial_pty = options.serial_pty;
    setup.networks = options.networks;
    setup.state_dir = options.state_dir;
    setup.broker = options.broker;
    setup.app_url = options.app_url;
    setup.app_url_given = options.app_url_given;
    setup.speed = options.speed;
    return setup;
  }

  void boot() {
    // A power cycle forgets the backoff: the first attempt is due at once.
    link_ = std::make_unique<LinkSupervisor>(transport_, random_, clock_.now(), link_config_);
    transport_.report_to(link_.get());
    core_ = std::make_unique<Thermostat>(sensor_, relay_, storage_, *link_, random_, clock_.now(),
                                         config_);
    core_->begin(clock_.now());
    if (sntp_on_) sntp_answer();
    setup_.attach(*core_, clock_.now());
    link_->attach(*core_);
    apply_broker();
    ends_seen_ = 0;
    paired_id_.clear();
    fault_shown_ = Error::none;
    report_identity();
  }

  // docs/protocol.md "Members storage": what the members blob held at boot.
  static const char* members_load_name(Thermostat::MembersLoad load) {
    switch (load) {
      case Thermostat::MembersLoad::read: return "read";
      case Thermostat::MembersLoad::updated: return "none stored beside an older identity: the old shared key stays open";
      case Thermostat::MembersLoad::missing_new: return "none stored for this thermostat ID";
      case Thermostat::MembersLoad::damaged: return "the stored members were damaged or named another thermostat ID: none kept";
      case Thermostat::MembersLoad::unread: return "storage cannot read them: no JOIN until it does, read again every 30 s";
      case Thermostat::MembersLoad::reset: return "a factory reset forgot them";
      case Thermostat::MembersLoad::none: break;
    }
    return "not read";
  }

  // `PAIR <link>` with a new invitation (docs/protocol.md "Keys and pairing"), for the app URL the
  // serial console set, else --app-url; or why there is none.
  std::string pair_line() {
    char link[256];
    const char* app_url = setup_.app_url()[0] != '\0' ? setup_.app_url() : options_.app_url.c_str();
    const Result<size_t> made = core_->pairing_link(app_url, link, sizeof link, clock_.now());
    if (made.ok()) return std::string("PAIR ") + link;
    if (core_->members_full()) return "error pair: 8 members are there; a member must remove one first";
    return std::string("error pair: no pairing link (") + error_name(made.error) + ")";
  }

  // PAIR whenever an identity is (newly) ready; an identity fault once on the
  // console each time it appears or changes. The heater runs either way.
  void report_identity() {
    if (core_->identity_ready()) {
      if (paired_id_ == core_->identity().id) return;
      say(pair_line());
      paired_id_ = core_->identity().id;
      fault_shown_ = Error::none;
      const IdentityCopies& copies = core_->identity_copies();
      log("thermostat %s (identity copies: %s, %s)", paired_id_.c_str(), copy_state(copies.primary),
          copy_state(copies.backup));
      log("members: %zu, old shared key %s (%s)", core_->members().count(),
          core_->members().old_link_open ? "open" : "closed", members_load_name(core_->members_load()));
      return;
    }
    if (core_->identity_error() == fault_shown_) return;
    fault_shown_ = core_->identity_error();
    const IdentityCopies& copies = core_->identity_copies();
    if (fault_shown_ == Error::no_random) {
      log("identity: waiting for the random source");
    } else {
      log("IDENTITY FAULT (%s): identity.bin %s, identity-backup.bin %s. No logon until it "
          "reads again (retried every %u s); the heater keeps working. Nothing is re-made: "
          "`factory-reset` makes a new identity and every phone must pair again.",
          error_name(fault_shown_), copy_state(copies.primary), copy_state(copies.backup),
          unsigned(config_.storage_retry_ms / 1000));
    }
  }

  // The broker the stored network configuration names, to the supervisor
  // (again after each change). Node's ws sends the Host as URL().host gives it
  // (no default port), unlike the device's library: the logon signs that.
  void apply_broker() {
    const char* text = setup_.broker_url();
    DeviceBrokerUrl url;
    if (text[0] != '\0' && parse_device_broker_url(text, &url) == Error::none &&
        broker_host_from_url(text, url.host_header, sizeof url.host_header).ok()) {
      link_->set_broker(clock_.now(), url, nullptr);
    } else {
      link_->clear_broker(clock_.now());
    }
  }

  static int64_t host_utc_ms() {
    struct timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    return int64_t(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
  }

  // What an SNTP answer does on the device (src/wall_clock_sntp.h): the time, to the core.
  void sntp_answer() {
    core_->set_wall_time(wall_.utc_s(clock_.total_ms()), clock_.now());
    last_sntp_ms_ = clock_.total_ms();
  }

  // And a tick, so that the `state` asked next shows what holds at that time.
  void sntp_answer_now() {
    sntp_answer();
    core_->tick(clock_.now());
  }

  // The thermostat's time zone as ZoneRules; false when it has none.
  bool zone_rules(ZoneRules* rules) const {
    const TimeZone* zone = core_->time_zone();
    if (zone == nullptr) return false;
    rules->offset_at = [zone](int64_t utc) { return utc_offset_s(*zone, utc); };
    rules->next_change = [zone](int64_t utc, int64_t* change) { return next_offset_change(*zone, utc, change); };
    return true;
  }

  // Moves the world's clock; the thermostat hears of it as from SNTP, unless `sntp off`.
  std::string move_wall_clock(int64_t utc, const std::string& said) {
    if (!wall_time_in_range(utc)) return "error time: " + iso_time(utc) + "Z is outside 2024-01-01 to 2099-12-31";
    wall_.set_ms(utc * 1000, clock_.total_ms());
    if (sntp_on_) sntp_answer_now();
    return "ok " + said + " " + iso_time(utc) + "Z" + (sntp_on_ ? "" : " (sntp off: the thermostat was not told)");
  }

  std::string time_command(const std::string& arg) {
    int64_t seconds = 0;
    bool utc = false;
    if (!parse_iso_time(arg, &seconds, &utc)) {
      return "error time takes YYYY-MM-DDTHH:MM[:SS] (local time in the thermostat's time zone) or the same "
             "with Z (UTC)";
    }
    ZoneRules rules;
    if (!utc && zone_rules(&rules) && utc_of_local_time(rules, seconds, &seconds) == LocalTime::skipped) {
      return "error time: " + arg + " does not exist in the thermostat's time zone (the clocks go forward then)";
    }
    return move_wall_clock(seconds, "time");
  }

  std::string dst_command() {
    ZoneRules rules;
    if (!zone_rules(&rules)) return "error dst: the thermostat has no time zone";
    int64_t change = 0;
    if (!rules.next_change(wall_.utc_s(clock_.total_ms()), &change)) {
      return "error dst: the thermostat's time zone never changes its offset";
    }
    return move_wall_clock(change - 60, "dst");
  }

  // `run <N>s|m|h|d`: the simulated world (room, heater, the core's clock and the wall clock, SNTP
  // every hour) moves on by that much at once, in 1-second steps with a tick each, as the loop
  // would; commands and frames wait until it is done. At most 8 days a command: 7 days of history
  // take a few real seconds (firmware/README.md "Simulated thermostat").
  std::string run_command(const std::string& arg) {
    static constexpr int64_t kMaxRunS = 8 * 86400;
    const char unit = arg.empty() ? '\0' : arg.back();
    const int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    double count = 0;
    if (scale == 0 || arg.size() < 2 || !isdigit(static_cast<unsigned char>(arg[0])) ||
        !parse_number(arg.substr(0, arg.size() - 1), 1, double(kMaxRunS), &count) ||
        count != std::floor(count) || int64_t(count) * scale > kMaxRunS) {
      return "error run takes a whole number of seconds, minutes, hours or days up to 8 days: <N>s, <N>m, <N>h "
             "or <N>d";
    }
    const int64_t seconds = int64_t(count) * scale;
    const int64_t started = sim_real_ms();
    for (int64_t i = 0; i < seconds && !g_stop; ++i) {
      clock_.skip(1000);
      room_.advance(1.0, relay_.on);
      core_->tick(clock_.now());
      if (sntp_on_ && clock_.total_ms() - last_sntp_ms_ >= kSntpPeriodMs) sntp_answer();
    }
    // The broker was not silent: the run took no real time for it.
    link_->link_heard(clock_.now());
    log("run %s: %lld simulated seconds in %lld ms", arg.c_str(), static_cast<long long>(seconds),
        static_cast<long long>(sim_real_ms() - started));
    return "ok run " + arg;
  }

  void report_status() {
    if (core_->online() && !announced_online_) {
      say(std::string("ONLINE ") + core_->identity().id);
      announced_online_ = true;
    } else if (!core_->online() && announced_online_) {
      say("OFFLINE");
      announced_online_ = false;
    }
  }

  // Every end of an attempt or a link, with what the policy makes of it.
  void report_link_end() {
    if (link_->ends() == ends_seen_) return;
    ends_seen_ = link_->ends();
    log("link ended (%s): next attempt in %.3f s of simulated time", link_end_name(link_->last_end()),
        link_->policy().wait_ms() / 1000.0);
  }

  std::string command(const std::string& raw) {
    const std::string line = trim(raw);
    const size_t space = line.find(' ');
    const std::string verb = line.substr(0, space);
    const std::string arg = space == std::string::npos ? "" : trim(line.substr(space + 1));
    if (line.empty()) return "error empty command";
    if (verb == "state" && arg.empty()) return state_json(*core_, room_, sensor_);
    if (verb == "pair" && arg.empty()) return pair_line();
    if (verb == "reboot" && arg.empty()) {
      reboot();
      return "ok reboot";
    }
    if (verb == "factory-reset" && arg.empty()) {
      // As the serial console's: a state directory that does not mount is formatted first.
      const ResetFlashOutcome flash = prepare_flash_for_reset(storage_.blobs(), storage_.volume());
      if (flash == ResetFlashOutcome::format_failed || flash == ResetFlashOutcome::mount_failed) {
        return "error factory-reset: the flash cannot be formatted";
      }
      const Status status = core_->factory_reset(clock_.now());
      if (status != Error::none) return std::string("error factory-reset failed: ") + error_name(status);
      report_identity();
      return "ok factory-reset";
    }
    if (verb == "storage") {
      if (arg == "full") {
        storage_.full = true;
      } else if (arg == "broken") {
        storage_.set_broken(true);
      } else if (arg == "ok") {
        storage_.full = false;
        storage_.set_broken(false);
      } else {
        return "error storage takes full, broken or ok";
      }
      return "ok " + line;
    }
    if (verb == "sensor") {
      if (arg == "fail") sensor_.mode = SensorMode::fail;
      else if (arg == "ok") sensor_.mode = SensorMode::ok;
      else if (arg == "stuck") sensor_.mode = SensorMode::stuck;
      else if (arg == "absent") sensor_.mode = SensorMode::absent;
      else return "error sensor takes fail, ok, stuck or absent";
      return "ok " + line;
    }
    if (verb == "time") return time_command(arg);
    if (verb == "dst" && arg.empty()) return dst_command();
    if (verb == "run") return run_command(arg);
    if (verb == "sntp") {
      if (arg != "on" && arg != "off") return "error sntp takes on or off";
      sntp_on_ = arg == "on";
      if (sntp_on_) sntp_answer_now();
      return "ok " + line;
    }
    if (verb == "outside" || verb == "room") {
      double celsius;
      if (!parse_number(arg, -60, 100, &celsius)) return "error " + verb + " takes °C from -60 to 100";
      (verb == "room" ? room_.room_c : room_.outside_c) = celsius;
      return "ok " + line;
    }
    return "error unknown command: " + verb;
  }

  void reboot() {
    // A power cycle: the relay drops, the link and sessions are lost, storage stays.
    link_->clear_broker(clock_.now());
    report_status();
    transport_.report_to(nullptr);
    core_.reset();
    link_.reset();
    relay_.set(false);
    boot();
  }

  void on_stdin() {
    char buffer[4096];
    const ssize_t n = read(0, buffer, sizeof buffer);
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
      stdin_open_ = false;  // EOF: keep running, commands are optional
      return;
    }
    stdin_pending_.append(buffer, size_t(n));
    size_t newline;
    while ((newline = stdin_pending_.find('\n')) != std::string::npos) {
      const std::string line = stdin_pending_.substr(0, newline);
      stdin_pending_.erase(0, newline + 1);
      say(command(line));
    }
  }

  void loop() {
    while (!g_stop) {
      std::vector<pollfd> fds;
      fds.push_back({g_wake_pipe[0], POLLIN, 0});
      if (stdin_open_) fds.push_back({0, POLLIN, 0});
      if (bridge_.running()) fds.push_back({bridge_.event_fd(), POLLIN, 0});
      if (setup_.serial_fd() >= 0) fds.push_back({setup_.serial_fd(), setup_.serial_events(), 0});
      const int ready = poll(fds.data(), fds.size(), 20);
      if (ready < 0 && errno != EINTR) break;

      const double seconds = clock_.advance();
      room_.advance(seconds, relay_.on);
      core_->tick(clock_.now());
      // lwIP asks again every hour (SNTP_UPDATE_DELAY), in simulated time here.
      if (sntp_on_ && clock_.total_ms() - last_sntp_ms_ >= kSntpPeriodMs) sntp_answer();
      report_identity();

      for (const pollfd& p : fds) {
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (p.fd == 0) on_stdin();
        else if (p.fd == g_wake_pipe[0]) {
          char drain[16];
          (void)!read(g_wake_pipe[0], drain, sizeof drain);
        } else if (bridge_.running() && p.fd == bridge_.event_fd()) {
          transport_.take_events();
        } else if (p.fd == setup_.serial_fd()) {
          setup_.on_serial_readable(clock_.now());
        }
      }
      setup_.tick(clock_.now());
      report_identity();  // a factory reset on the console makes a new identity
      if (setup_.take_broker_change()) apply_broker();
      // Wi-Fi gone (forget-wifi, factory-reset) drops the link; a silent broker too.
      link_->poll(clock_.now(), setup_.network_ready(), setup_.may_dial(clock_.now()));
      report_status();
      report_link_end();
    }
  }

  void shutdown() {
    log("stopping");
    relay_.set(false);
    bridge_.stop(700);
    if (announced_online_) say("OFFLINE");
  }

  Options options_;
  CoreConfig config_;
  SimClock clock_;
  RoomModel room_;
  SimulatedBme280 sensor_;
  SimulatedRelay relay_;
  DirectoryStorage storage_;
  OsRandom random_;
  BridgeProcess bridge_;
  BridgeTransport transport_;
  SimSetup setup_;
  std::unique_ptr<LinkSupervisor> link_;  // declared before core_, which refers to it
  std::unique_ptr<Thermostat> core_;
  LinkConfig link_config_;
  uint32_t ends_seen_ = 0;
  bool announced_online_ = false;
  bool stdin_open_ = true;
  std::string stdin_pending_;
  std::string paired_id_;
  Error fault_shown_ = Error::none;
  SimWallClock wall_;
  bool sntp_on_ = true;
  uint64_t last_sntp_ms_ = 0;
  static constexpr uint64_t kSntpPeriodMs = 3600000;
};

}  // namespace

const char kUsage[] =
    "usage: thermostat_sim --state-dir <dir> [--broker <ws url>] [--app-url <url>] [--speed <factor>]\n"
    "                      [--name <label>] [--serial pty] [--wifi <ssid>=<password>]...\n"
    "                      [--silent-link-ms <ms>] [--time <YYYY-MM-DDTHH:MM[:SS]Z>]\n"
    "  --broker       provisioned from the start: dial this broker (on a network that is simply there)\n"
    "                 without it the thermostat waits to be set up on its serial port\n"
    "  --serial pty   the serial port (console and Improv Wi-Fi) on a pseudo-terminal, raw;\n"
    "                 its path is printed first: SERIAL <path>\n"
    "  --wifi         a network the simulated radio sees (repeatable; empty password: open)\n"
    "  --silent-link-ms  drop the broker link after this long without a frame or ping from it\n"
    "                 (real time; default 75000: the broker pings every 30 s)\n"
    "  --time         the UTC time the simulated clock starts at (default: this computer's); it runs\n"
    "                 with the simulated clock (--speed) and is given to the thermostat as by SNTP\n";

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0) {
      fputs(kUsage, stdout);
      return 0;
    }
  }
  Options options;
  std::string error;
  if (!parse_args(argc, argv, &options, &error)) {
    fprintf(stderr, "thermostat_sim: %s\n%s", error.c_str(), kUsage);
    return 64;
  }
  g_name = options.name;
  if (!make_dirs(options.state_dir)) {
    fprintf(stderr, "thermostat_sim: cannot create %s: %s\n", options.state_dir.c_str(),
            strerror(errno));
    return 1;
  }
  if (pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  signal(SIGPIPE, SIG_IGN);
  // Stop cleanly (as on SIGTERM) when whatever started us goes away, so that a
  // test harness killed halfway leaves no thermostat reconnecting forever.
  // Closing stdin, by contrast, is normal and does not stop the simulator.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  Simulator simulator(options);
  return simulator.run();
}
