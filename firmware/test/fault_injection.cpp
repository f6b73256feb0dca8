// Fault injection: thousands of random sequences of readings, sensor
// failures, messages (valid, replayed, tampered, out of range), reboots, link
// drops, time jumps and storage faults (reads failing, writes failing, copies
// corrupted between reboots, factory resets). Each sequence runs one sensor
// scenario: a sensor double, the real BME280 driver over a simulated chip
// that is absent, reads all zeros or garbage, drops off the bus mid-run and
// comes back, or shows any other fault, or an adapter that lies (good
// whatever it reads, as the Adafruit library did with no chip). After every
// step an outside oracle checks the safety rules against what the relay
// actually did:
//   - the relay is never on without a fresh (< 60 s), plausible, not stuck
//     reading that the sensor really holds (for the chip: what its registers
//     hold; a lying adapter never has one);
//   - the driver never vouches for a reading from a faulty chip, and reads a
//     chip that works again by the third read after its longest retry pause;
//   - it never switches on sooner than the minimum off time after switching off,
//     and never off sooner than the minimum on time unless forced by safety;
//   - no heating period lasts 4 h or more;
//   - frost protection: a fresh good reading below 5 °C turns it on once it may;
// and that no identity appears that was not made on the first boot or by a
// factory reset, and none comes back that a factory reset revoked: the ID the
// thermostat holds and every LOG_ON it sends name the identity in use, or,
// after a reset that took effect, the first new one it adopts. Resets meet
// failing, torn and interrupted writes (a power cut part way through), and
// reboots with copies that cannot be read.
// Frames against the JSON rules (nesting past 8 levels, repeated keys, in
// broker frames and in sealed plaintexts) must change nothing at all.
// The wall clock, time zones, the schedule and the overrides (docs/protocol.md "Time and the
// schedule") come in SETs good and bad, and the clock jumps (SNTP forward and back, across the
// changes of daylight saving time, out of range): whatever they say, the rules above hold, and the
// set point held is always within target's range.
// The history (docs/protocol.md "History") records through all of it; its day blobs are damaged,
// cut, swapped for garbage or made unreadable between steps and reboots, and HISTORY_get comes with
// `from` good and bad: every answer is a HISTORY the app must accept or a STATE with the error,
// nothing of it changes the settings, and the stored settings are only ever the ones in force.
// Members (docs/protocol.md "Joining", "The old shared key", "Members") join, rejoin under the old
// shared key, are removed and invite, the old shared key closes, and the members blob is damaged or
// unreadable between steps and reboots: a removed member never gets anything but ERROR not_member
// and changes nothing, no invitation open before a removal opens after it, a closed old shared
// key never opens again, closing it leaves no place,
// presence or OwnTracks secret (in force or stored) to a phone that never joined, the stored
// members are only ever the ones in force, and there are never more than 8.
// Prints "unsafe states: U of N steps" and fails when U > 0.
// Usage: fault_injection [sequences] [steps] [seed]; TRACE=<sequence> prints
// that sequence step by step on stderr.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "bme280.h"
#include "bme280_chip.h"
#include "fakes.h"
#include "history_check.h"
#include "history_log.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

constexpr uint64_t kFresh = 60000, kStuck = 600000, kMaxHeat = 4ull * 3600 * 1000;
// A working chip is read good again by the third read after the driver's
// longest retry pause: one that notices a chip reset, one that starts the
// chip again, then its first measurement.
constexpr uint64_t kChipLongestPause = Bme280::kRetryMaxMs;

enum class SensorScenario : uint8_t {
  fake,                // a sensor double failing and freezing on command
  sensor_absent,       // no chip answers on the bus
  all_zero_registers,  // every register reads 0x00
  garbage_registers,   // every read returns random bytes
  drop_off_mid_run,    // a working chip drops off the bus and comes back power-cycled
  chip_faults,         // any chip fault mid-run: another chip, 0xFF, skipped measurements, resets
  lying_adapter,       // says good whatever it reads: 0 °C, 0 %, 0 hPa, NaN, out of range
};
constexpr int kScenarios = 7;
const char* scenario_name(SensorScenario s) {
  switch (s) {
    case SensorScenario::fake: return "sensor double";
    case SensorScenario::sensor_absent: return "sensor absent";
    case SensorScenario::all_zero_registers: return "all-zero registers";
    case SensorScenario::garbage_registers: return "garbage registers";
    case SensorScenario::drop_off_mid_run: return "drop-off mid-run";
    case SensorScenario::chip_faults: return "other chip faults";
    case SensorScenario::lying_adapter: return "lying adapter";
  }
  return "unknown";
}

// The oracle keeps its own 64-bit time; the core only ever sees 32 bits.
struct World {
  uint64_t time = 0;
  // Sensor as served to the core, and whether the sensor really held it.
  bool read_ever = false;
  uint64_t read_at = 0;
  SensorSample read{};
  bool read_true = false;
  uint64_t same_since = 0;
  // Since when the simulated chip works (no fault, not frozen), for the
  // BME280 scenarios, and the reads since then after the longest pause.
  bool chip_working = false;
  uint64_t chip_working_since = 0;
  int reads_after_pause = 0;
  void chip_works_from_now() {
    chip_working_since = time;
    reads_after_pause = 0;
  }
  // Relay as driven by the core.
  bool on = false;
  uint64_t switched_at = 0;
  uint64_t on_since = 0;
  std::vector<std::string> violations;

  bool good_reading() const {
    const bool plausible = read_true && read.reading.temperature >= -20.0f &&
                           read.reading.temperature <= 60.0f;
    return read_ever && plausible && time - read_at < kFresh && time - same_since < kStuck;
  }
};

World* g_world = nullptr;
uint32_t g_min_on = 60000, g_min_off = 60000;

// What a lying adapter serves: the Adafruit library's reading with no chip
// (issue 9, defect 1), then values outside what a BME280 can report.
SensorSample lie(unsigned which, float celsius) {
  switch (which % 7) {
    case 0: return {SensorStatus::good, {0.0f, 0.0f, 0.0f}};
    case 1: return {SensorStatus::good, {celsius, -1.0f, 1013.0f}};
    case 2: return {SensorStatus::good, {celsius, 45.0f, 0.0f}};
    case 3: return {SensorStatus::good, {celsius, NAN, 1013.0f}};
    case 4: return {SensorStatus::good, {celsius, 45.0f, INFINITY}};
    case 5: return {SensorStatus::good, {celsius, 100.5f, 1013.0f}};
    default: return {SensorStatus::good, {celsius, 45.0f, 1100.5f}};
  }
}

struct OracleSensor final : Sensor {
  SensorScenario scenario = SensorScenario::fake;
  FakeSensor inner;
  Bme280Chip chip;
  std::unique_ptr<Bme280> driver;
  unsigned lie_kind = 0;

  // A booting device starts its driver afresh.
  void boot() { driver = std::make_unique<Bme280>(chip); }
  bool uses_chip() const {
    return scenario != SensorScenario::fake && scenario != SensorScenario::lying_adapter;
  }
  void set_temperature(double celsius) {
    inner.set_temperature(float(celsius));
    if (!std::isnan(celsius)) chip.set_environment(celsius, 45.0, 1013.25);
  }
  void set_chip_fault(ChipFault fault) {
    World& w = *g_world;
    if (fault == ChipFault::none && chip.fault != ChipFault::none) w.chip_works_from_now();
    chip.fault = fault;
    w.chip_working = fault == ChipFault::none;
  }
  // Power lost and back: the driver needs two reads to start it again.
  void power_cycle() {
    chip.power_cycle();
    g_world->chip_works_from_now();
  }
  // The scenario's fault step.
  void fault_step(std::mt19937_64& rng) {
    switch (scenario) {
      case SensorScenario::fake: inner.fail(); break;
      case SensorScenario::lying_adapter: lie_kind = unsigned(rng()); break;
      case SensorScenario::drop_off_mid_run:
        if (chip.fault == ChipFault::none) {
          set_chip_fault(ChipFault::absent);
        } else {
          power_cycle();
          set_chip_fault(ChipFault::none);
        }
        break;
      case SensorScenario::chip_faults: {
        const ChipFault faults[] = {ChipFault::none,    ChipFault::absent,  ChipFault::all_zero,
                                    ChipFault::all_ones, ChipFault::garbage, ChipFault::bmp280,
                                    ChipFault::skipped};
        const ChipFault fault = faults[rng() % 7];
        // Another chip on the bus, or the same one back, comes with a power-up.
        if (fault == ChipFault::bmp280 || rng() % 3 == 0) power_cycle();
        set_chip_fault(fault);
        break;
      }
      default: break;  // the fault stays for the whole sequence
    }
  }

  SensorSample read(Millis now) override {
    World& w = *g_world;
    SensorSample s{};
    bool really = false;
    switch (scenario) {
      case SensorScenario::fake:
        s = inner.read(now);
        really = s.status == SensorStatus::good;
        break;
      case SensorScenario::lying_adapter:
        s = lie(lie_kind, inner.next.reading.temperature);
        break;
      default:
        s = driver->read(now);
        really = s.status == SensorStatus::good && chip.fault == ChipFault::none &&
                 std::fabs(s.reading.temperature - chip.measured_celsius()) < 0.02;
        if (s.status == SensorStatus::good && !really) {
          w.violations.push_back("the driver vouched for a reading the chip does not hold");
        }
        if (w.chip_working && !chip.frozen && w.time - w.chip_working_since >= kChipLongestPause &&
            ++w.reads_after_pause >= 3 && !really) {
          w.violations.push_back("a working BME280 was not read again after the longest pause");
        }
        break;
    }
    const bool same = w.read_ever && s.status == SensorStatus::good &&
                      w.read.status == SensorStatus::good &&
                      s.reading.temperature == w.read.reading.temperature &&
                      s.reading.humidity == w.read.reading.humidity &&
                      s.reading.pressure == w.read.reading.pressure;
    if (!same) w.same_since = w.time;
    w.read_ever = true;
    w.read_at = w.time;
    w.read = s;
    w.read_true = really;
    return s;
  }
};

struct OracleRelay final : Relay {
  void set(bool value) override {
    World& w = *g_world;
    if (value == w.on) return;
    const uint64_t held = w.time - w.switched_at;
    if (value && held < g_min_off) w.violations.push_back("switched on before the minimum off time");
    if (!value && held < g_min_on && w.good_reading()) {
      w.violations.push_back("switched off before the minimum on time without a safety reason");
    }
    if (value) w.on_since = w.time;
    w.on = value;
    w.switched_at = w.time;
  }
};

struct Rig {
  World world;
  OracleSensor sensor;
  OracleRelay relay;
  MemoryStorage storage;
  FakeLink link;
  TestRandom random;
  CoreConfig config;
  uint32_t now;
  std::unique_ptr<Thermostat> core;
  std::vector<App> apps;
  std::vector<std::string> history;

  explicit Rig(uint32_t start) : now(start) {}

  void boot() {
    // Power-up: relay released, and the minimum off time starts now.
    world.on = false;
    world.switched_at = world.time;
    // A booting core has no earlier sample to compare with, so its window
    // for detecting a stuck sensor starts with its first reading.
    world.read_ever = false;
    sensor.boot();
    world.chip_works_from_now();
    core = std::make_unique<Thermostat>(sensor, relay, storage, link, random, now, config);
    core->begin(now);
  }
  void advance(uint64_t ms) {
    world.time += ms;
    now += uint32_t(ms);
    core->tick(now);
  }
  void deliver(std::string frame) {  // by value: replays come from history itself
    history.push_back(frame);
    core->link_text(frame.data(), frame.size(), now);
  }
  // Link open, the broker's CHALLENGE (one of a few nonces), the LOG_ON the
  // next tick signs, and the broker's ACK for the ID the thermostat holds.
  void log_on(uint8_t nonce_seed) {
    core->link_opened(now, kBrokerHost);
    deliver(challenge(challenge_nonce(nonce_seed % 4)));
    core->tick(now);
    if (core->identity_ready()) deliver(ack_log_on(core->identity().id));
  }
  // Two members that joined with invitations (online first: the WELCOME goes over the link),
  // and a phone on the old shared key (working while it is open).
  void make_apps() {
    apps.clear();
    if (!core->identity_ready()) return;
    for (uint8_t a = 0; a < 2; ++a) apps.push_back(joined_app(uint8_t(a + 1)));
    apps.emplace_back(core->identity().key, core->identity().id, uint8_t(3));
  }
  App joined_app(uint8_t seed) {
    const std::vector<uint8_t> secret = invitation_secret(*core, now);
    App app(secret.size() == kKeyBytes ? secret.data() : core->identity().key, core->identity().id, seed);
    std::vector<std::string> sent;
    join_thermostat(*this, app, secret, "Phone", &sent);
    return app;
  }
};

// The members in force and the old shared key, as the members oracle compares them.
struct MembersSeen {
  std::vector<std::string> ids;
  std::vector<std::vector<uint8_t>> keys;
  bool old_link_open = false;
  bool operator==(const MembersSeen& o) const { return ids == o.ids && keys == o.keys && old_link_open == o.old_link_open; }
};
MembersSeen members_of(const MemberTable& table) {
  MembersSeen seen;
  for (const Member& m : table) {
    seen.ids.push_back(m.id);
    seen.keys.emplace_back(m.key, m.key + kKeyBytes);
  }
  seen.old_link_open = table.old_link_open;
  return seen;
}

// A JOIN: a new phone with a new invitation, the phone on the old shared key under it, a member
// again under a new invitation, or one that breaks a rule; sometimes two before a tick.
void random_join(Rig& rig, std::mt19937_64& rng) {
  if (!rig.core->identity_ready() || rig.apps.empty()) return;
  const std::vector<uint8_t> old_key(rig.core->identity().key, rig.core->identity().key + kKeyBytes);
  std::vector<std::string> sent;
  switch (rng() % 5) {
    case 0: case 1: {  // a new member in place of one of the two joined apps
      rig.apps[rng() % 2] = rig.joined_app(uint8_t(10 + rng() % 20));
      break;
    }
    case 2: join_thermostat(rig, rig.apps.back(), old_key, "Old phone", &sent); break;
    case 3: {
      App& app = rig.apps[rng() % rig.apps.size()];
      join_thermostat(rig, app, invitation_secret(*rig.core, rig.now), "Again", &sent);
      break;
    }
    default: {  // a bad point, a bad name, or two at once
      const std::vector<uint8_t> secret = invitation_secret(*rig.core, rig.now);
      if (secret.size() != kKeyBytes) return;
      App app(secret.data(), rig.core->identity().id, uint8_t(40 + rng() % 10));
      const char* names[] = {"Phone", "\u0001\u007f\"\\ name", ""};
      std::string point = rng() % 2 ? "" : "BH8XQGSo4pFQRvN7KdOZJhGiyt3wvQCox5ZDRCeVkCKz5_vZubWwXN60C0oJCu-vBQCtg2j-9JFRDDau6Hj0FbQ";
      rig.deliver(app.join(secret.data(), names[rng() % 3], point));
      if (rng() % 2) rig.deliver(app.join(secret.data(), "Twice"));
      rig.core->tick(rig.now);
      for (const std::string& frame : rig.link.sent) app.welcome(frame);
      break;
    }
  }
}

// A MEMBERS_set: the list, an invitation, a removal (of another app, itself, a stranger, a
// malformed ID), closing the old shared key, or fields of the wrong shape.
std::string random_members_set(Rig& rig, std::mt19937_64& rng) {
  std::string fields;
  auto add = [&](const std::string& f) { fields += (fields.empty() ? "" : ",") + f; };
  if (rng() % 3 == 0) add(rng() % 8 == 0 ? "\"invite\":false" : "\"invite\":true");
  if (rng() % 2 == 0) {
    const std::string who = rig.apps.empty() ? "x" : rig.apps[rng() % rig.apps.size()].id();
    const std::string removes[] = {"\"" + who + "\"", "\"Zz_strangerNotAMember9\"", "5", "\"short\"", "null"};
    add("\"remove\":" + removes[rng() % 3 == 0 ? rng() % 5 : 0]);
  }
  if (rng() % 4 == 0) add(rng() % 6 == 0 ? "\"old_link\":true" : "\"old_link\":false");
  return fields;
}

// Damages the members blob as flash does, or makes it unreadable, or readable again.
void damage_members(MemoryStorage& storage, std::mt19937_64& rng) {
  auto found = storage.blobs.find(Blob::members);
  switch (rng() % 5) {
    case 0:
      if (found != storage.blobs.end() && !found->second.empty()) {
        found->second[rng() % found->second.size()] ^= uint8_t(1u << (rng() % 8));
      }
      break;
    case 1: if (found != storage.blobs.end()) found->second.resize(rng() % (found->second.size() + 1)); break;
    case 2: storage.read_faults[Blob::members] = Error::io; break;
    case 3: storage.write_faults[Blob::members] = Error::io; break;
    default:
      storage.read_faults.erase(Blob::members);
      storage.write_faults.erase(Blob::members);
      break;
  }
}

// Whether a copy is a reset's mark that may be all that revokes the other
// copy: beside anything but another mark or the identity it names, that is
// after a reset's first write when its second failed, while the old identity
// is still in the primary (intact, or damaged and perhaps read intact later).
// A damaged mark is a damaged copy beside a good one, which is repaired from
// the good one: two copies cannot tell bit rot there from any other, so it is
// left out here.
bool mark_beside_revoked(MemoryStorage& storage, Blob copy) {
  const Blob other = copy == Blob::identity ? Blob::identity_backup : Blob::identity;
  StoredIdentity mark{}, beside{};
  const std::vector<uint8_t>& a = storage.blobs[copy];
  const std::vector<uint8_t>& b = storage.blobs[other];
  if (decode_identity(a.data(), a.size(), &mark) != Error::none || mark.version != kIdentityResetMark) {
    return false;
  }
  if (decode_identity(b.data(), b.size(), &beside) != Error::none) return true;
  if (beside.version == kIdentityResetMark) return false;
  return beside.version != kIdentityVersion || strcmp(beside.identity.id, mark.reset_to) != 0;
}

// Damages the stored identity as flash and power cuts do: a flipped bit, a
// truncated, empty or oversized copy; sometimes both copies. Never removes a
// copy: two missing copies is a fresh device, which legitimately gets a new identity.
void damage_identity(MemoryStorage& storage, std::mt19937_64& rng) {
  const Blob copies[] = {Blob::identity, Blob::identity_backup};
  const int count = rng() % 4 == 0 ? 2 : 1;
  const size_t first = rng() % 2;
  for (int i = 0; i < count; ++i) {
    if (mark_beside_revoked(storage, copies[(first + i) % 2])) continue;
    auto found = storage.blobs.find(copies[(first + i) % 2]);
    if (found == storage.blobs.end()) continue;
    std::vector<uint8_t>& blob = found->second;
    switch (rng() % 4) {
      case 0: if (!blob.empty()) blob[rng() % blob.size()] ^= uint8_t(1u << (rng() % 8)); break;
      case 1: blob.resize(blob.empty() ? 0 : rng() % blob.size()); break;
      case 2: blob.clear(); break;
      default: blob.resize(blob.size() + 1 + rng() % 64, uint8_t(rng())); break;
    }
  }
}

// Damages one day of the history as flash does, or makes it unreadable, or readable again.
void damage_history(MemoryStorage& storage, std::mt19937_64& rng) {
  const Blob day = static_cast<Blob>(uint8_t(Blob::history_0) + uint8_t(rng() % kHistoryDays));
  auto found = storage.blobs.find(day);
  switch (rng() % 6) {
    case 0:
      if (found != storage.blobs.end() && !found->second.empty()) {
        found->second[rng() % found->second.size()] ^= uint8_t(1u << (rng() % 8));
      }
      break;
    case 1: if (found != storage.blobs.end()) found->second.resize(rng() % (found->second.size() + 1)); break;
    case 2: storage.blobs[day].resize(kHistoryBlobSize + 1 + rng() % 4000, uint8_t(rng())); break;
    case 3: {
      std::vector<uint8_t> garbage(kHistoryBlobSize);
      for (uint8_t& b : garbage) b = uint8_t(rng());
      storage.blobs[day] = garbage;
      break;
    }
    case 4: storage.read_faults[day] = Error::io; break;
    default: storage.read_faults.erase(day); break;
  }
}

// HISTORY_get's `from`: mostly within the 8 days kept, sometimes wrong in type or range.
std::string random_history_get(std::mt19937_64& rng, int64_t clock) {
  switch (rng() % 8) {
    case 0: return "";
    case 1: return "\"from\":\"" + std::to_string(clock) + "\"";
    case 2: return "\"from\":" + std::to_string(clock) + ".5";
    case 3: return "\"from\":" + std::to_string(rng() % 2 ? 1704067199 : 4102444800);
    case 4: return "\"from\":" + std::to_string(clock - int64_t(rng() % (9 * 86400)) + 3600);
    default: return "\"from\":" + std::to_string(clock - int64_t(rng() % (12 * 3600)));
  }
}

double pick_temperature(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> realistic(0.0, 30.0), wild(-40.0, 80.0);
  switch (rng() % 10) {
    case 0: return wild(rng);
    case 1: return NAN;
    case 2: return 4.9;
    case 3: return -20.0 + (rng() % 3) * 0.01 - 0.01;
    default: return std::round(realistic(rng) * 100) / 100;
  }
}

std::string random_set(std::mt19937_64& rng) {
  std::string fields;
  auto add = [&](const std::string& f) { fields += (fields.empty() ? "" : ",") + f; };
  std::uniform_real_distribution<double> t(0.0, 40.0), h(0.0, 3.0);
  if (rng() % 2) add("\"target\":" + std::to_string(t(rng)));
  if (rng() % 2) add("\"away_target\":" + std::to_string(t(rng)));
  if (rng() % 3 == 0) add("\"hysteresis\":" + std::to_string(h(rng)));
  const char* modes[] = {"\"auto\"", "\"home\"", "\"away\"", "\"bogus\"", "7"};
  if (rng() % 3 == 0) add(std::string("\"mode\":") + modes[rng() % 5]);
  return fields;
}

// A SET of the clock, the zone, the schedule and the overrides, around the thermostat's clock
// (or a time of 2026 when it has none), good or not.
std::string random_plan_set(std::mt19937_64& rng, int64_t clock) {
  std::string fields;
  auto add = [&](const std::string& f) { fields += (fields.empty() ? "" : ",") + f; };
  auto around = [&]() { return clock + int64_t(rng() % (20 * 86400)) - 86400; };
  if (rng() % 3 == 0) add("\"time\":" + std::to_string(rng() % 8 == 0 ? int64_t(rng() % 4102444800ull) : around()));
  const char* zones[] = {"\"UTC0\"", "\"CET-1CEST,M3.5.0,M10.5.0/3\"", "\"AEST-10AEDT,M10.1.0,M4.1.0/3\"",
                         "\"IST-1GMT0,M10.5.0,M3.5.0/1\"", "\"<+0530>-5:30\"", "null", "\"Mars\"", "7"};
  if (rng() % 2 == 0) add(std::string("\"time_zone\":") + zones[rng() % 8]);
  if (rng() % 2 == 0) {
    std::string schedule = "[";
    const int days = rng() % 10 == 0 ? 6 : 7;
    for (int d = 0; d < days; ++d) {
      schedule += d == 0 ? "[" : ",[";
      int minute = -1;
      const int points = int(rng() % 4);
      for (int p = 0; p < points; ++p) {
        minute += 1 + int(rng() % (rng() % 20 == 0 ? 2000 : 300));
        schedule += (p == 0 ? "[" : ",[") + std::to_string(minute) + "," + std::to_string(4 + rng() % 28) + "]";
      }
      schedule += "]";
    }
    add("\"schedule\":" + schedule + "]");
  }
  if (rng() % 4 == 0) add("\"manual\":" + (rng() % 4 == 0 ? std::string("null") : std::to_string(4 + rng() % 28)));
  if (rng() % 4 == 0) {
    add("\"boost\":" + (rng() % 4 == 0 ? std::string("null")
                                        : "{\"setpoint\":" + std::to_string(4 + rng() % 28) +
                                              ",\"minutes\":" + std::to_string(rng() % 800) + "}"));
  }
  if (rng() % 4 == 0) {
    add("\"away_until\":" + (rng() % 4 == 0 ? std::string("null")
                                             : "{\"until\":" + std::to_string(around() + 86400) +
                                                   ",\"preheat_minutes\":" + std::to_string(rng() % 800) + "}"));
  }
  if (rng() % 6 == 0) add(random_set(rng));
  return fields;
}

// An SNTP answer: seconds to hours forward or back, just before a change of daylight saving time
// (CET's and Ireland's, both at 01:00 UTC, and AEST's of 2027), days away, or out of range.
int64_t random_sntp(std::mt19937_64& rng, int64_t clock) {
  const int64_t changes[] = {1806195600, 1824944400, 1806768000, 1822492800};
  switch (rng() % 6) {
    case 0: return clock + int64_t(rng() % 120) - 60;
    case 1: return clock + int64_t(rng() % (4 * 3600)) - 2 * 3600;
    case 2: return changes[rng() % 4] - int64_t(rng() % 600);
    case 3: return clock + int64_t(rng() % (16 * 86400)) - 8 * 86400;
    case 4: return rng() % 2 ? 1704067199 : 4102444800;
    default: return 1796601600 + int64_t(rng() % (366 * 86400));
  }
}

// Which identities may be in use. A factory reset that took effect (the
// thermostat no longer runs on the identity it had) revokes every identity
// so far for good; the first one adopted after it is the reset's.
struct Identities {
  std::set<std::string> in_use;
  std::set<std::string> revoked;
  bool reset_open = false;  // a reset took effect and no identity is adopted since

  // What is wrong with running on or logging on as `id`, or null.
  const char* judge(const std::string& id) {
    if (revoked.count(id) != 0) return "an identity that a factory reset revoked came back";
    if (in_use.count(id) != 0) return nullptr;
    if (!reset_open) return "an identity that no factory reset made";
    in_use = {id};
    reset_open = false;
    return nullptr;
  }
};

// A factory reset, now and then with writes that fail, or stop for good part
// way through (a power cut: the core is gone, the next boot finds what was
// written). Never a torn write: the Storage port makes every write atomic
// (ports.h; LittleFS and FileStorage write a temporary file and rename it),
// and a reset relies on that, as the settings' checksum does not need to.
void factory_reset(Rig& rig, Identities& identities, std::mt19937_64& rng) {
  const bool was_ready = rig.core->identity_ready();
  const std::string was = was_ready ? rig.core->identity().id : "";
  std::map<Blob, std::vector<uint8_t>> before = rig.storage.blobs;
  const unsigned how = unsigned(rng() % 4);
  bool power_cut = false;
  switch (how) {
    case 1:  // some writes fail, later ones work
      rig.storage.writes_before_faults = int(rng() % 5);
      rig.storage.fail_next_writes = 1 + int(rng() % 3);
      break;
    case 2:  // power lost after 0 to 4 writes
      rig.storage.writes_before_faults = int(rng() % 5);
      rig.storage.fail_next_writes = 1000;
      power_cut = true;
      break;
    default: break;
  }
  rig.core->factory_reset(rig.now);
  rig.storage.writes_before_faults = 0;
  rig.storage.fail_next_writes = 0;
  // It took effect when the thermostat no longer runs on what it ran on, or
  // (from an identity fault) when it wrote anything to a copy: its mark
  // comes first.
  const bool written = rig.storage.blobs[Blob::identity] != before[Blob::identity] ||
                       rig.storage.blobs[Blob::identity_backup] != before[Blob::identity_backup];
  const bool ready = rig.core->identity_ready();
  const bool took_effect = was_ready ? !ready || rig.core->identity().id != was : ready || written;
  if (took_effect) {
    identities.revoked.insert(identities.in_use.begin(), identities.in_use.end());
    identities.in_use.clear();
    identities.reset_open = true;
  }
  if (power_cut) {
    if (rng() % 2) {  // and a copy cannot be read for a while after it
      rig.storage.read_faults[rng() % 2 ? Blob::identity : Blob::identity_backup] = Error::io;
    }
    rig.core.reset();
    rig.boot();
  }
}

// Delivers a frame that breaks the JSON rules (docs/protocol.md "JSON rules"),
// among them the frames of issue 8's findings 1 and 2; returns what went
// wrong if the thermostat did anything about it.
const char* deliver_refused_json(Rig& rig, App& app, std::mt19937_64& rng) {
  const std::string own = rig.core->identity().id;
  const std::string deep = std::string(999, '[') + std::string(999, ']');
  std::string frame;
  bool sealed = false;  // refused only once opened, which needs the thermostat's key
  switch (rng() % 6) {
    case 0: frame = "{\"packet_type\":\"MSG\",\"transmitter\":\"" + app.id() + "\",\"receiver\":\"BROADCAST\",\"data\":" + deep + "}"; break;
    case 1: frame = "{\"packet_type\":\"ERROR\",\"code\":\"not_logged_on\",\"x\":[[[[[[[[]]]]]]]]}"; break;
    case 2: frame = "{\"packet_type\":\"ERROR\",\"code\":\"not_logged_on\",\"packet_type\":\"MSG\",\"transmitter\":\"" + own + "\",\"receiver\":\"BROADCAST\",\"data\":\"x\"}"; break;
    case 3: frame = "{\"packet_type\":\"ERROR\",\"code\":\"receiver_offline\",\"receiver\":\"" + app.id() + "\",\"packet_type\":\"MSG\",\"transmitter\":\"" + own + "\",\"receiver\":\"" + own + "\",\"data\":\"x\"}"; break;
    case 4: frame = app.command("SET", "\"target\":" + std::to_string(5 + rng() % 25) + ",\"mode\":\"home\",\"target\":30"); sealed = true; break;
    default: frame = app.command("SET", "\"target\":29,\"x\":" + std::string(300, '[') + std::string(300, ']')); sealed = true; break;
  }
  const size_t sent = rig.link.sent.size();
  const bool online = rig.core->online();
  const Settings settings = rig.core->settings();
  const uint32_t refused = rig.core->refused_json();
  rig.deliver(frame);
  if (!sealed && rig.core->refused_json() != refused + 1) return "a frame against the JSON rules was not refused";
  if (rig.link.sent.size() != sent || rig.core->online() != online || rig.core->settings() != settings) {
    return "a frame against the JSON rules was acted on";
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const int sequences = argc > 1 ? atoi(argv[1]) : 2000;
  const int steps = argc > 2 ? atoi(argv[2]) : 40;
  std::mt19937_64 rng(argc > 3 ? strtoull(argv[3], nullptr, 10) : 20260101);
  uint64_t total = 0, unsafe = 0;
  // Steps in which the schedule, a boost or a hold chose the set point: that they were exercised.
  uint64_t held_by[int(SetpointSource::manual) + 1] = {};
  uint64_t scenario_steps[kScenarios] = {}, scenario_unsafe[kScenarios] = {};
  uint64_t history_pages = 0, history_slots = 0, history_refused = 0, history_damaged = 0;
  uint64_t members_joined = 0, members_removed = 0, members_refused = 0, old_links_closed = 0, old_link_closings = 0;
  std::string first_problem;

  for (int s = 0; s < sequences; ++s) {
    // Some sequences start just before the 32-bit millisecond clock wraps.
    const uint32_t start = rng() % 4 == 0 ? 0xFFFFFFFFu - uint32_t(rng() % 600000) : uint32_t(rng());
    Rig rig(start);
    g_world = &rig.world;
    g_min_on = rig.config.control.min_on_ms = 30000 + uint32_t(rng() % 4) * 30000;
    g_min_off = rig.config.control.min_off_ms = 30000 + uint32_t(rng() % 4) * 30000;
    const auto scenario = SensorScenario(s % kScenarios);
    rig.sensor.scenario = scenario;
    rig.sensor.chip.reseed(uint32_t(rng()));
    rig.sensor.set_temperature(pick_temperature(rng));
    switch (scenario) {
      case SensorScenario::sensor_absent: rig.sensor.set_chip_fault(ChipFault::absent); break;
      case SensorScenario::all_zero_registers: rig.sensor.set_chip_fault(ChipFault::all_zero); break;
      case SensorScenario::garbage_registers: rig.sensor.set_chip_fault(ChipFault::garbage); break;
      default: rig.sensor.set_chip_fault(ChipFault::none); break;
    }
    rig.boot();
    if (s % 4 < 2) {
      // Updated from before member keys: the identity was there, the members blob is not, and
      // the old shared key is open.
      rig.storage.blobs.erase(Blob::members);
      rig.core.reset();
      rig.boot();
    }
    // Half the thermostats hear SNTP from the start, so that the history records in more steps.
    if (s % 2 == 0) rig.core->set_wall_time(1796601600 + int64_t(rng() % (366 * 86400)), rig.now);
    rig.log_on(0);
    rig.make_apps();
    Identities identities;
    if (rig.core->identity_ready()) identities.in_use.insert(rig.core->identity().id);
    rig.link.sent.clear();  // the first LOG_ON, by definition of that identity
    // Steps that need an app while the identity is faulty go to one that no
    // thermostat knows: its frames are dropped, as anyone's would be.
    const uint8_t no_key[kKeyBytes] = {};
    App stranger(no_key, "GGXACDHnP37iP8E8stD1iL", 9);
    // The members oracle: the IDs and keys of members removed (not by a reset), and whether the
    // old shared key was closed and so stored.
    std::map<std::string, std::vector<uint8_t>> removed;
    bool old_link_closed = false;
    // The members blob as a damage left it, until the core reads or writes it.
    std::vector<uint8_t> damaged_members;
    bool members_damaged = false;
    MembersSeen members_before = members_of(rig.core->members());

    const bool old_link_at_start = rig.core->members().old_link_open;
    for (int step = 0; step < steps; ++step) {
      rig.world.violations.clear();
      bool ticked = false;
      const Settings settings_before = rig.core->settings();
      const std::string identity_before = rig.core->identity_ready() ? rig.core->identity().id : "";
      App& app = rig.apps.empty() ? stranger : rig.apps[rng() % rig.apps.size()];
      const bool was_removed = removed.count(app.id()) != 0;
      const unsigned kind = unsigned(rng() % 29);
      bool invite_asked = false;  // a MEMBERS_set of this step asked for an invitation
      int64_t clock = 1796601600;
      rig.core->wall_time(rig.now, &clock);
      switch (kind) {
        case 0: case 1: rig.sensor.set_temperature(pick_temperature(rng)); break;
        case 2: rig.sensor.fault_step(rng); break;
        case 3:
          rig.sensor.inner.frozen = !rig.sensor.inner.frozen;
          rig.sensor.chip.frozen = rig.sensor.inner.frozen;
          if (!rig.sensor.chip.frozen) rig.world.chip_works_from_now();
          break;
        case 4: case 5: case 6: {  // minutes of normal running
          const int seconds = 1 + int(rng() % 300);
          for (int i = 0; i < seconds; ++i) rig.advance(1000);
          ticked = true;
          break;
        }
        case 7: rig.advance(rng() % 5 == 0 ? 3600000ull * (1 + rng() % 5) : rng() % 90000); ticked = true; break;
        case 8: {  // START, then a reply sets the session
          rig.link.sent.clear();
          rig.deliver(app.start());
          for (auto& f : rig.link.sent) {
            Json j(app.open(f));
            if (j.str("type") == "STATE") app.session = j.str("session");
          }
          break;
        }
        case 9: rig.deliver(app.command("SET", random_set(rng))); break;
        case 10: rig.deliver(app.command("HOME_set", std::string("\"home\":") + (rng() % 2 ? "true" : "false") + ",\"distance\":" + std::to_string(rng() % 20000))); break;
        case 11:
          if (!rig.history.empty()) rig.deliver(rig.history[rng() % rig.history.size()]);
          break;
        case 12: {  // tampered
          std::string frame = app.command("SET", "\"target\":30");
          frame[40 + rng() % (frame.size() - 42)] ^= 0x01;
          rig.deliver(frame);
          break;
        }
        case 13: {  // reboot, sometimes losing power in the middle of a settings write
          rig.storage.tear_next_write = rng() % 2;
          rig.deliver(app.command("SET", "\"target\":" + std::to_string(5 + rng() % 25)));
          rig.storage.tear_next_write = false;
          rig.core.reset();
          rig.boot();
          rig.log_on(uint8_t(rng()));
          if (rig.apps.empty()) rig.make_apps();
          break;
        }
        case 14: rig.core->link_closed(rig.now); rig.log_on(uint8_t(rng())); break;
        case 15: {  // identity reads fail (io), or work again
          const int which = int(rng() % 4);
          rig.storage.read_faults.clear();
          if (which & 1) rig.storage.read_faults[Blob::identity] = Error::io;
          if (which & 2) rig.storage.read_faults[Blob::identity_backup] = Error::io;
          break;
        }
        case 16: rig.storage.fail_writes = !rig.storage.fail_writes; break;
        case 17: {  // corruption between reboots
          damage_identity(rig.storage, rng);
          rig.core.reset();
          rig.boot();
          rig.log_on(uint8_t(rng()));
          if (rig.apps.empty()) rig.make_apps();
          break;
        }
        case 18:
          if (rng() % 4 == 0) {
            factory_reset(rig, identities, rng);
            rig.log_on(uint8_t(rng()));
            rig.make_apps();
          }
          break;
        case 19:
          if (const char* problem = deliver_refused_json(rig, app, rng)) rig.world.violations.push_back(problem);
          break;
        case 20: case 21: rig.deliver(app.command("SET", random_plan_set(rng, clock))); break;
        case 22: rig.core->set_wall_time(random_sntp(rng, clock), rig.now); break;
        case 23: {  // a day of history damaged or unreadable, sometimes across a reboot, then running on
          ++history_damaged;
          damage_history(rig.storage, rng);
          const Settings settings = rig.core->settings();
          const bool settings_stored = !rig.core->settings_unstored() && !rig.core->settings_unread();
          if (rng() % 2) {
            rig.core.reset();
            rig.boot();
            rig.log_on(uint8_t(rng()));
            if (rig.apps.empty()) rig.make_apps();
            if (settings_stored && rig.core->settings() != settings) {
              rig.world.violations.push_back("settings lost across a reboot with the history damaged");
            }
          }
          const int seconds = 1 + int(rng() % 120);
          for (int i = 0; i < seconds; ++i) rig.advance(1000);
          ticked = true;
          break;
        }
        case 24: {  // HISTORY_get: a HISTORY the app accepts, or a STATE with the error; nothing changes
          const Settings settings = rig.core->settings();
          rig.link.sent.clear();
          if (app.session.empty()) {  // as an app does: START first
            rig.deliver(app.start());
            for (auto& f : rig.link.sent) {
              Json j(app.open(f));
              if (j.str("type") == "STATE") app.session = j.str("session");
            }
            rig.link.sent.clear();
          }
          rig.deliver(app.command("HISTORY_get", random_history_get(rng, clock)));
          for (const std::string& frame : rig.link.sent) {
            const std::string plain = app.open(frame);
            Json reply(plain);
            if (reply.str("type") == "HISTORY") {
              ++history_pages;
              const std::vector<std::string> problems = history_problems(plain);
              if (!problems.empty()) rig.world.violations.push_back("a HISTORY the app refuses: " + problems[0]);
              const cJSON* v;
              cJSON_ArrayForEach(v, reply.get("heater_s")) history_slots += cJSON_IsNumber(v) ? 1 : 0;
            } else if (reply.str("type") == "STATE") {
              ++history_refused;
              if (reply.is_null("error")) rig.world.violations.push_back("a HISTORY_get answered by a STATE without error");
            }
          }
          if (rig.core->settings() != settings) rig.world.violations.push_back("a HISTORY_get changed the settings");
          break;
        }
        case 25: random_join(rig, rng); break;
        case 26: {  // MEMBERS_set, after a START when the app has no session
          if (app.session.empty()) {
            rig.link.sent.clear();
            rig.deliver(app.start());
            for (auto& f : rig.link.sent) {
              Json j(app.open(f));
              if (j.str("type") == "STATE") app.session = j.str("session");
            }
          }
          const std::string fields = random_members_set(rig, rng);
          invite_asked = fields.find("\"invite\":true") != std::string::npos;
          rig.deliver(app.command("MEMBERS_set", fields));
          break;
        }
        case 27: {  // the members blob damaged or unreadable, sometimes across a reboot
          damage_members(rig.storage, rng);
          damaged_members = rig.storage.blobs[Blob::members];
          members_damaged = true;
          if (rng() % 2) {
            members_damaged = false;
            rig.core.reset();
            rig.boot();
            rig.log_on(uint8_t(rng()));
            if (rig.apps.empty()) rig.make_apps();
          }
          break;
        }
        default: rig.advance(500 + rng() % 10000); ticked = true; break;
      }

      World& w = rig.world;
      if (getenv("TRACE") && s == atoi(getenv("TRACE"))) {
        fprintf(stderr, "step %d kind %u t=%llu on=%d read %s true=%d %.3f/%.3f/%.3f at %llu same_since %llu frozen=%d chip %s reason %s\n", step, kind,
                (unsigned long long)w.time, int(w.on), sensor_status_name(w.read.status), int(w.read_true), double(w.read.reading.temperature), double(w.read.reading.humidity), double(w.read.reading.pressure),
                (unsigned long long)w.read_at, (unsigned long long)w.same_since, int(rig.sensor.inner.frozen), chip_fault_name(rig.sensor.chip.fault), heat_reason_name(rig.core->heat_reason()));
      }
      if (w.on && !w.good_reading()) w.violations.push_back("relay on without a fresh plausible reading");
      if (w.on && w.time - w.on_since >= kMaxHeat) w.violations.push_back("heating period of 4 h or more");
      if (rig.core->heater_on() != w.on) w.violations.push_back("core and relay disagree");
      const Held held = rig.core->plan_held();
      ++held_by[int(held.source)];
      if (held.setpoint < kTargetMin || held.setpoint > kTargetMax) {
        w.violations.push_back("a set point outside target's range is held");
      }
      if (rig.core->identity_ready()) {
        if (const char* wrong = identities.judge(rig.core->identity().id)) w.violations.push_back(wrong);
      }
      for (const std::string& frame : rig.link.sent) {
        Json packet(frame);
        if (packet.str("packet_type") != "LOG_ON") continue;
        if (const char* wrong = identities.judge(packet.str("transmitter"))) {
          w.violations.push_back(std::string("logged on as ") + wrong);
        }
      }
      // Members: a removed member is answered only ERROR not_member, and what it sends changes
      // nothing; no invitation open before a removal opens after it; the old shared key, once
      // closed and stored so, stays closed; what is stored is what is in force; never more than 8.
      const bool same_identity = rig.core->identity_ready() && rig.core->identity().id == identity_before;
      const MembersSeen members_now = members_of(rig.core->members());
      for (const std::string& frame : rig.link.sent) {
        Json packet(frame);
        auto gone = removed.find(packet.str("receiver"));
        if (!same_identity || gone == removed.end() || packet.str("packet_type") != "MSG") continue;
        const App former(gone->second.data(), identity_before, gone->first);
        const Json plain(former.open(frame));
        if (plain.root != nullptr && plain.str("code") == "not_member") ++members_refused;
        if (plain.root != nullptr && (plain.str("type") != "ERROR" || plain.str("code") != "not_member")) {
          w.violations.push_back("a removed member got " + plain.str("type") + " under its old key");
        }
      }
      const bool sent_by_app = kind == 9 || kind == 10 || kind == 12 || kind == 20 || kind == 21 || kind == 26;
      if (sent_by_app && was_removed && same_identity && rig.core->settings() != settings_before) {
        w.violations.push_back("a removed member changed the settings");
      }
      if (!same_identity) {
        removed.clear();
      } else if (kind == 26) {  // removed by a MEMBERS_set
        bool removal = false;
        for (size_t i = 0; i < members_before.ids.size(); ++i) {
          bool still = false;
          for (const std::string& id : members_now.ids) still = still || id == members_before.ids[i];
          if (!still) {
            removed[members_before.ids[i]] = members_before.keys[i];
            ++members_removed;
            removal = true;
          }
        }
        // A removal ends every invitation open before it: only the one it was asked with is open.
        if (removal && rig.core->open_invitations(rig.now) > (invite_asked ? 1u : 0u)) {
          w.violations.push_back("an invitation open before a removal still opens after it");
        }
      }
      for (size_t i = 0; i < members_now.ids.size(); ++i) {
        bool known = false;
        for (size_t j = 0; j < members_before.ids.size(); ++j) {
          known = known || (members_before.ids[j] == members_now.ids[i] && members_before.keys[j] == members_now.keys[i]);
        }
        members_joined += known ? 0 : 1;
      }
      for (const std::string& id : members_now.ids) removed.erase(id);
      if (rig.core->members().count() > kMaxMembers) w.violations.push_back("more than 8 members");
      if (rig.core->identity_ready() && rig.core->members_load() != Thermostat::MembersLoad::unread) {
        if (!rig.core->members().old_link_open && !rig.core->members_unstored()) old_link_closed = true;
        if (rig.core->members().old_link_open && old_link_closed) {
          w.violations.push_back("the old shared key opened again after it was closed");
        }
        const std::vector<uint8_t>& stored_members = rig.storage.blobs[Blob::members];
        MemberTable stored_table;
        // Damaged since it was read (a step of kind 27 without a reboot): read at the next boot.
        if (members_damaged && stored_members != damaged_members) members_damaged = false;
        if (!rig.core->members_unstored() && !members_damaged &&
            (decode_members(stored_members.data(), stored_members.size(), rig.core->identity().id, &stored_table) !=
                 Error::none ||
             !(members_of(stored_table) == members_now))) {
          w.violations.push_back("the stored members are not the ones in force");
        }
      }
      // Closing the old shared key forgets the phones that never joined: no session or presence
      // of an ID that is not a member, no OwnTracks registration of one, in force or stored.
      if (kind == 26 && same_identity && members_before.old_link_open && !members_now.old_link_open) {
        ++old_link_closings;
        const auto member = [&](const char* id) {
          return std::find(members_now.ids.begin(), members_now.ids.end(), id) != members_now.ids.end();
        };
        for (const Peer& peer : rig.core->peers()) {
          if (peer.used && !member(peer.id)) w.violations.push_back("a phone that never joined kept its place after the old shared key closed");
        }
        for (const OwntracksMember& registration : rig.core->owntracks()) {
          if (registration.used && !member(registration.id)) {
            w.violations.push_back("a phone that never joined kept its OwnTracks secret after the old shared key closed");
          }
        }
        OwntracksMembers stored_registrations;
        const std::vector<uint8_t>& stored_owntracks = rig.storage.blobs[Blob::owntracks];
        if (!rig.core->owntracks_unstored() &&
            decode_owntracks_members(stored_owntracks.data(), stored_owntracks.size(), &stored_registrations) == Error::none) {
          for (const OwntracksMember& registration : stored_registrations) {
            if (registration.used && !member(registration.id)) {
              w.violations.push_back("a phone that never joined kept its OwnTracks secret stored after the old shared key closed");
            }
          }
        }
      }
      members_before = members_now;
      rig.link.sent.clear();
      // The stored settings are only ever the ones in force: the history's writes go elsewhere.
      const std::vector<uint8_t>& stored = rig.storage.blobs[Blob::settings];
      const Result<Settings> read_back = decode_settings(stored.data(), stored.size());
      if (!rig.core->settings_unread() && !rig.core->settings_unstored() &&
          (!read_back.ok() || read_back.value != rig.core->settings())) {
        w.violations.push_back("the stored settings are not the ones in force");
      }
      if (ticked && !w.on && w.good_reading() && w.read_at == w.time &&
          w.read.reading.temperature < 5.0f && w.time - w.switched_at >= g_min_off &&
          rig.core->heat_reason() != HeatReason::heating_limit) {
        w.violations.push_back("frost protection did not switch on");
      }
      ++total;
      ++scenario_steps[int(scenario)];
      if (!w.violations.empty()) {
        ++unsafe;
        ++scenario_unsafe[int(scenario)];
        if (first_problem.empty()) {
          char detail[200];
          snprintf(detail, sizeof detail, " (step kind %u, reading ok=%d %.2f °C taken %.1f s ago, reason %s)",
                   kind, int(w.read_true), double(w.read.reading.temperature),
                   double(w.time - w.read_at) / 1000.0, heat_reason_name(rig.core->heat_reason()));
          first_problem = "sequence " + std::to_string(s) + " step " + std::to_string(step) + ": " + w.violations[0] + detail;
        }
      }
    }
    if (old_link_at_start && old_link_closed) ++old_links_closed;
  }
  for (int k = 0; k < kScenarios; ++k) {
    printf("  %s: %llu unsafe of %llu steps\n", scenario_name(SensorScenario(k)),
           (unsigned long long)scenario_unsafe[k], (unsigned long long)scenario_steps[k]);
  }
  printf("set point chosen by the schedule in %llu steps, a boost in %llu, a hold in %llu, away in %llu\n",
         (unsigned long long)held_by[int(SetpointSource::schedule)], (unsigned long long)held_by[int(SetpointSource::boost)],
         (unsigned long long)held_by[int(SetpointSource::manual)], (unsigned long long)held_by[int(SetpointSource::away)]);
  printf("history: %llu pages answered holding %llu recorded slots, %llu HISTORY_get refused, %llu days damaged\n",
         (unsigned long long)history_pages, (unsigned long long)history_slots, (unsigned long long)history_refused,
         (unsigned long long)history_damaged);
  printf("members: %llu joins (new keys), %llu removals, %llu ERROR not_member to removed members, the old shared key "
         "closed in %llu sequences (%llu closings checked)\n",
         (unsigned long long)members_joined, (unsigned long long)members_removed, (unsigned long long)members_refused,
         (unsigned long long)old_links_closed, (unsigned long long)old_link_closings);
  printf("unsafe states: %llu of %llu steps\n", (unsigned long long)unsafe, (unsigned long long)total);
  if (unsafe != 0) printf("first: %s\n", first_problem.c_str());
  // 0 unsafe states proves nothing about the schedule and the overrides unless they ran.
  const bool overrides_ran = held_by[int(SetpointSource::schedule)] != 0 &&
                             held_by[int(SetpointSource::boost)] != 0 && held_by[int(SetpointSource::manual)] != 0;
  if (!overrides_ran) printf("the schedule, a boost or a hold never chose the set point: the run proves nothing of them\n");
  return unsafe == 0 && overrides_ran ? 0 : 1;
}
