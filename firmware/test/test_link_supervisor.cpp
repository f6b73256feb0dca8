// The link supervisor (link_supervisor.h) as tables: each row a story of
// passes of the loop and of what the client library reports, and what the
// supervisor asked of the transport, told the core and the reconnect policy.
// Until issue 9 these decisions lived in the device's glue (websocket_link.h),
// which no test ran; the silent broker and the lost Wi-Fi were not decided at all.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "fakes.h"
#include "link_supervisor.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// No randomness: the policy then waits the whole ceiling, so the rows can
// name exact times (1 s after the first failure, 2 s after the second...).
struct NoRandom final : Random {
  Status fill(uint8_t*, size_t) override { return Error::no_random; }
};

// A WebSocket client as the supervisor sees it, keeping a log of what it was
// asked to do. Like WebSockets 2.6.1, it reports the close it is asked for
// from inside close() (WStype_DISCONNECTED).
struct FakeTransport final : LinkTransport {
  LinkSupervisor* link = nullptr;
  NameLookup lookup = NameLookup::pending;
  Status connect_result = Error::none;
  bool in_upgrade = false;
  bool send_works = true;
  std::vector<uint8_t> incoming;  // received, not yet read
  size_t visible = SIZE_MAX;      // how many of them peek shows (TCP: the first buffer)
  std::function<void()> inside_service;  // what the library's loop raises
  Millis now = 0;

  std::vector<std::string> calls;
  std::vector<std::string> sent;
  int services = 0;
  bool servicing = false;
  bool closed_while_servicing = false;

  NameLookup resolve(const char* host, uint32_t attempt) override {
    calls.push_back(std::string("resolve ") + host + " #" + std::to_string(attempt));
    return lookup;
  }
  Status connect(const LinkTarget& target) override {
    calls.push_back(std::string("connect ") + (target.url.tls ? "wss " : "ws ") + target.url.host_header +
                    target.url.path + (!target.url.tls ? "" : target.pinned ? " pinned" : " roots"));
    return connect_result;
  }
  void service(Millis) override {
    ++services;
    servicing = true;
    if (inside_service) {
      auto events = inside_service;
      inside_service = nullptr;
      events();
    }
    servicing = false;
  }
  bool upgrading() override { return in_upgrade; }
  size_t peek_incoming(uint8_t* head, size_t capacity, size_t* available) override {
    *available = incoming.size();
    size_t n = incoming.size() < capacity ? incoming.size() : capacity;
    if (n > visible) n = visible;
    std::copy(incoming.begin(), incoming.begin() + long(n), head);
    return n;
  }
  bool send_text(const char* text, size_t length) override {
    if (!send_works) return false;
    sent.emplace_back(text, length);
    return true;
  }
  void close(uint16_t code) override {
    calls.push_back("close " + std::to_string(code));
    if (servicing) closed_while_servicing = true;
    incoming.clear();
    if (link != nullptr) link->link_closed(now);  // as the library raises it
  }
};

constexpr const char* kWsUrl = "ws://hearth.example:8080/ws";

DeviceBrokerUrl device_url(const char* text) {
  DeviceBrokerUrl url{};
  REQUIRE(parse_device_broker_url(text, &url) == Error::none);
  return url;
}

const uint8_t kPin[kFingerprintBytes] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

// The supervisor with a real core behind it (its logon, its link state).
struct Rig {
  FakeSensor sensor;
  FakeRelay relay;
  MemoryStorage storage;
  TestRandom core_random;
  NoRandom policy_random;
  FakeTransport transport;
  Millis start;
  LinkSupervisor link;
  Thermostat core;

  explicit Rig(Millis start_ms = 0, const LinkConfig& config = LinkConfig())
      : start(start_ms),
        link(transport, policy_random, start_ms, config),
        core(sensor, relay, storage, link, core_random, start_ms) {
    transport.link = &link;
    REQUIRE(core.begin(start_ms) == Error::none);
    link.attach(core);
    link.set_broker(start_ms, device_url(kWsUrl), nullptr);
  }
  std::string log() const {
    std::string out;
    for (const std::string& c : transport.calls) out += (out.empty() ? "" : "; ") + c;
    return out;
  }
};

enum class Op {
  poll,           // a pass: Wi-Fi up, clock known
  poll_no_wifi,   // a pass with Wi-Fi down
  poll_no_dial,   // a pass in which the glue says not to dial (no date yet for wss://, someone at the serial port)
  found,          // the name lookup answers attempt `arg`: found
  not_found,      // ... no such name
  opened,         // the library: the link is open (upgrade done)
  closed,         // the library: the link or the attempt ended
  challenge,      // the broker's CHALLENGE arrives
  sign,           // core.tick(): the LOG_ON is signed and sent
  ack,            // the broker's ACK_LOG_ON arrives
  ping,           // a ping (answered by the library)
  incoming,       // `arg` bytes of the payload of a frame declaring 100 are received
  too_large,      // the header of a frame declaring 5000 bytes is received
  split_header,   // 300 bytes received, the first buffer holding only the header's first byte
  drop,           // the core asks for the link to be dropped (from its tick: no logon ACK)
  drop_inside,    // during the next service(), the core asks for the link to be dropped
  send,           // the core sends a frame
  fail_sends,     // from now on a write to the broker fails
  upgrade_slow,   // the library is in the HTTP upgrade
  literal,        // the name is an address: the lookup answers at once
  lookup_fails,   // the lookup cannot start
  refuse_start,   // connect() cannot start
  new_broker,     // set_broker(wss://other.example/ws, pinned)
  no_broker,      // clear_broker()
  expect_phase,   // checks the phase now (arg: LinkSupervisor::Phase)
};

struct Step {
  Op op;
  uint32_t at_ms;  // after the row's start
  uint32_t arg = 0;
};

using Phase = LinkSupervisor::Phase;

struct Row {
  const char* story;
  std::vector<Step> steps;
  Phase phase;           // after the last step
  LinkEnd last_end;
  std::string calls;     // what the transport was asked, in order
  uint32_t failures;     // the policy's count of failed attempts and unstable links
  bool core_online;
};

void run_step(Rig& rig, const Step& step) {
  const Millis now = rig.start + step.at_ms;
  rig.transport.now = now;
  FakeTransport& t = rig.transport;
  switch (step.op) {
    case Op::poll: rig.link.poll(now, true, true); break;
    case Op::poll_no_wifi: rig.link.poll(now, false, true); break;
    case Op::poll_no_dial: rig.link.poll(now, true, false); break;
    case Op::found: rig.link.name_resolved(step.arg, true); break;
    case Op::not_found: rig.link.name_resolved(step.arg, false); break;
    case Op::opened: rig.link.link_opened(now); break;
    case Op::closed: rig.link.link_closed(now); break;
    case Op::challenge: {
      const std::string frame = challenge(challenge_nonce(1));
      rig.link.link_text(frame.data(), frame.size(), now);
      break;
    }
    case Op::sign: rig.core.tick(now); break;
    case Op::ack: {
      const std::string frame = ack_log_on(rig.core.identity().id);
      rig.link.link_text(frame.data(), frame.size(), now);
      break;
    }
    case Op::ping: rig.link.link_heard(now); break;
    case Op::incoming: {
      t.incoming = {0x81, 100};
      t.incoming.resize(2 + step.arg, 'x');
      t.visible = SIZE_MAX;
      break;
    }
    case Op::too_large: t.incoming = {0x81, 126, 0x13, 0x88}, t.visible = SIZE_MAX; break;
    case Op::split_header: t.incoming.assign(300, 'x'), t.incoming[0] = 0x81, t.visible = 1; break;
    case Op::drop: rig.link.drop(); break;
    case Op::drop_inside: t.inside_service = [&rig] { rig.link.drop(); }; break;
    case Op::send: (void)rig.link.send_text("{}", 2); break;
    case Op::fail_sends: t.send_works = false; break;
    case Op::upgrade_slow: t.in_upgrade = true; break;
    case Op::literal: t.lookup = NameLookup::found; break;
    case Op::lookup_fails: t.lookup = NameLookup::failed; break;
    case Op::refuse_start: t.connect_result = Error::io; break;
    case Op::new_broker: rig.link.set_broker(now, device_url("wss://other.example/ws"), kPin); break;
    case Op::no_broker: rig.link.clear_broker(now); break;
    case Op::expect_phase: CHECK(int(rig.link.phase()) == int(step.arg)); break;
  }
}

void run_rows(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const std::string story = row.story;
    CAPTURE(story);
    Rig rig;
    for (const Step& step : row.steps) {
      CAPTURE(step.at_ms);
      run_step(rig, step);
    }
    CHECK(int(rig.link.phase()) == int(row.phase));
    CHECK(std::string(link_end_name(rig.link.last_end())) == link_end_name(row.last_end));
    CHECK(rig.log() == row.calls);
    CHECK(rig.link.policy().failures() == row.failures);
    CHECK(rig.core.online() == row.core_online);
    CHECK_FALSE(rig.transport.closed_while_servicing);
  }
}

constexpr uint32_t P(Phase p) { return uint32_t(p); }

const std::vector<Row> kAttemptRows = {
    {"the first attempt at once: the name looked up, the library begun once it is found",
     {{Op::poll, 0}, {Op::expect_phase, 0, P(Phase::resolving)}, {Op::found, 0, 1}, {Op::poll, 20}},
     Phase::connecting, LinkEnd::none, "resolve hearth.example #1; connect ws hearth.example:8080/ws", 0, false},
    {"an address, or a name the resolver has cached: connected in the same pass",
     {{Op::literal, 0}, {Op::poll, 0}},
     Phase::connecting, LinkEnd::none, "resolve hearth.example #1; connect ws hearth.example:8080/ws", 0, false},
    {"no such name: the attempt failed, the next one after the first wait (1 s)",
     {{Op::poll, 0}, {Op::not_found, 300, 1}, {Op::poll, 300}, {Op::poll, 1299},
      {Op::expect_phase, 1299, P(Phase::idle)}, {Op::poll, 1300}},
     Phase::resolving, LinkEnd::name_not_found, "resolve hearth.example #1; resolve hearth.example #2", 1, false},
    {"a lookup that cannot even start fails the attempt",
     {{Op::lookup_fails, 0}, {Op::poll, 0}},
     Phase::idle, LinkEnd::name_not_found, "resolve hearth.example #1", 1, false},
    {"the race: a late answer for the attempt before does not overwrite the answer for this one",
     {{Op::poll, 0}, {Op::poll, 15000}, {Op::expect_phase, 15000, P(Phase::idle)}, {Op::poll, 16000},
      {Op::found, 16100, 2}, {Op::not_found, 16150, 1}, {Op::poll, 16200}},
     Phase::connecting, LinkEnd::timed_out,
     "resolve hearth.example #1; resolve hearth.example #2; connect ws hearth.example:8080/ws", 1, false},
    {"a late answer for the attempt before is not taken for this one's",
     {{Op::poll, 0}, {Op::poll, 15000}, {Op::poll, 16000}, {Op::found, 16100, 1}, {Op::poll, 16200},
      {Op::expect_phase, 16200, P(Phase::resolving)}, {Op::not_found, 16300, 2}, {Op::poll, 16400}},
     Phase::idle, LinkEnd::name_not_found, "resolve hearth.example #1; resolve hearth.example #2", 2, false},
    {"an answer that comes after its attempt was given up starts nothing",
     {{Op::poll, 0}, {Op::poll, 15000}, {Op::found, 15100, 1}, {Op::poll, 15500}},
     Phase::idle, LinkEnd::timed_out, "resolve hearth.example #1", 1, false},
    {"only the first answer to an attempt counts",
     {{Op::poll, 0}, {Op::not_found, 100, 1}, {Op::found, 150, 1}, {Op::poll, 200}},
     Phase::idle, LinkEnd::name_not_found, "resolve hearth.example #1", 1, false},
    {"refused (TCP, TLS or the upgrade): counted once, the next attempt after 1 s",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::poll, 50}, {Op::closed, 100}, {Op::poll, 100}, {Op::poll, 1099},
      {Op::expect_phase, 1099, P(Phase::idle)}, {Op::poll, 1100}},
     Phase::connecting, LinkEnd::refused,
     "resolve hearth.example #1; connect ws hearth.example:8080/ws; resolve hearth.example #2; "
     "connect ws hearth.example:8080/ws",
     1, false},
    {"a client that cannot even start fails the attempt",
     {{Op::literal, 0}, {Op::refuse_start, 0}, {Op::poll, 0}},
     Phase::idle, LinkEnd::refused, "resolve hearth.example #1; connect ws hearth.example:8080/ws", 1, false},
    {"an attempt not heard of within 15 s is given up and its client closed",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::poll, 14999}, {Op::expect_phase, 14999, P(Phase::connecting)},
      {Op::poll, 15000}},
     Phase::idle, LinkEnd::timed_out, "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 0", 1,
     false},
    {"a name never answered is given up after 15 s too",
     {{Op::poll, 0}, {Op::poll, 15000}},
     Phase::idle, LinkEnd::timed_out, "resolve hearth.example #1", 1, false},
    {"an attempt in its HTTP upgrade at 15 s is left to finish, and taken when it opens",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::upgrade_slow, 100}, {Op::poll, 15000}, {Op::opened, 15500},
      {Op::poll, 15600}},
     Phase::open, LinkEnd::none, "resolve hearth.example #1; connect ws hearth.example:8080/ws", 1, false},
    {"while the glue says not to dial, nothing is; an open link is kept",
     {{Op::poll_no_dial, 0}, {Op::poll_no_dial, 60000}, {Op::expect_phase, 60000, P(Phase::idle)}, {Op::literal, 60000},
      {Op::poll, 60001}, {Op::opened, 60100}, {Op::poll_no_dial, 60200}, {Op::poll_no_dial, 70000}},
     Phase::open, LinkEnd::none, "resolve hearth.example #1; connect ws hearth.example:8080/ws", 0, false},
    {"without Wi-Fi nothing is dialled",
     {{Op::poll_no_wifi, 0}, {Op::poll_no_wifi, 60000}},
     Phase::idle, LinkEnd::none, "", 0, false},
    {"a new broker drops the old link (1000) and is dialled at once, its delays from the first",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::closed, 10}, {Op::poll, 1010}, {Op::opened, 1020},
      {Op::new_broker, 2000}, {Op::poll, 2000}},
     Phase::connecting, LinkEnd::broker_changed,
     "resolve hearth.example #1; connect ws hearth.example:8080/ws; resolve hearth.example #2; "
     "connect ws hearth.example:8080/ws; close 1000; resolve other.example #3; connect wss other.example:443/ws pinned",
     0, false},
    {"no broker: the link dropped, nothing dialled",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::opened, 10}, {Op::no_broker, 100}, {Op::poll, 200}, {Op::poll, 5000}},
     Phase::idle, LinkEnd::broker_changed,
     "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 1000", 1, false},
};

}  // namespace

TEST_CASE("link supervisor: name lookups, attempts, given-up attempts and the late answer") {
  run_rows(kAttemptRows);
}

TEST_CASE("link supervisor: a broker checked against the roots needs the date; a pinned one or ws:// does not") {
  Rig rig;
  CHECK_FALSE(rig.link.needs_clock());  // ws://
  rig.transport.lookup = NameLookup::found;
  rig.link.set_broker(0, device_url("wss://hearth.example/ws"), nullptr);
  CHECK(rig.link.needs_clock());
  rig.link.poll(0, true, false);  // the glue: no date yet
  rig.link.poll(5000, true, false);
  CHECK(rig.log() == "");
  rig.link.poll(5001, true, true);
  CHECK(rig.log() == "resolve hearth.example #1; connect wss hearth.example:443/ws roots");

  rig.link.set_broker(6000, device_url("wss://hearth.example/ws"), kPin);
  CHECK_FALSE(rig.link.needs_clock());
  CHECK(memcmp(rig.link.target().pin, kPin, sizeof kPin) == 0);
  rig.link.clear_broker(7000);
  CHECK_FALSE(rig.link.needs_clock());
}

TEST_CASE("link supervisor: nothing is dialled before the core is attached") {
  FakeTransport transport;
  NoRandom random;
  LinkSupervisor link(transport, random, 0);
  link.set_broker(0, device_url(kWsUrl), nullptr);
  link.poll(0, true, true);
  link.poll(60000, true, true);
  CHECK(transport.calls.empty());
}

namespace {

// An open link: the name found at once, the library begun and opened at 100 ms.
std::vector<Step> opened_at_100(std::vector<Step> more) {
  std::vector<Step> steps = {{Op::literal, 0}, {Op::poll, 0}, {Op::opened, 100}};
  steps.insert(steps.end(), more.begin(), more.end());
  return steps;
}

const char* const kOpened = "resolve hearth.example #1; connect ws hearth.example:8080/ws";

std::string opened_then(const char* more) { return std::string(kOpened) + "; " + more; }

const std::string kClosedSilently = opened_then("close 0");
const std::string kDropped = opened_then("close 1000");
const std::string kTooLarge = opened_then("close 1009");
const std::string kTooSlow = opened_then("close 1002");

const std::vector<Row> kOpenRows = {
    {"the logon reported to the policy: a link logged on for 60 s brings the delays back to the first",
     opened_at_100({{Op::challenge, 200}, {Op::sign, 200}, {Op::ack, 300}, {Op::poll, 400}, {Op::closed, 60400},
                    {Op::poll, 60400}, {Op::poll, 61399}, {Op::expect_phase, 61399, P(Phase::idle)}, {Op::poll, 61400}}),
     Phase::connecting, LinkEnd::closed,
     opened_then("resolve hearth.example #2; connect ws hearth.example:8080/ws"), 0, false},
    {"a link closed before 60 s logged on counts as a failure",
     opened_at_100({{Op::challenge, 200}, {Op::sign, 200}, {Op::ack, 300}, {Op::poll, 400}, {Op::closed, 30000}}),
     Phase::idle, LinkEnd::closed, kOpened, 1, false},
    {"logged on: the core is online while the link is open",
     opened_at_100({{Op::challenge, 200}, {Op::sign, 200}, {Op::ack, 300}, {Op::poll, 400}}),
     Phase::open, LinkEnd::none, kOpened, 0, true},
    {"the core's drop, asked for inside the library's loop, closes after the loop has returned",
     opened_at_100({{Op::drop_inside, 200}, {Op::poll, 200}}),
     Phase::idle, LinkEnd::dropped, kDropped, 1, false},
    {"the core's drop, asked for from its tick, closes on the next pass (1000)",
     opened_at_100({{Op::poll, 150}, {Op::drop, 190}, {Op::expect_phase, 190, P(Phase::open)}, {Op::send, 190},
                    {Op::poll, 200}}),
     Phase::idle, LinkEnd::dropped, kDropped, 1, false},
    {"a write that fails drops the link at the end of the pass (1000)",
     opened_at_100({{Op::fail_sends, 150}, {Op::send, 150}, {Op::expect_phase, 150, P(Phase::open)},
                    {Op::poll, 160}}),
     Phase::idle, LinkEnd::dropped, kDropped, 1, false},
    {"the broker closes: the core and the policy told once, although the library reports it twice",
     opened_at_100({{Op::closed, 500}, {Op::closed, 501}, {Op::poll, 600}}),
     Phase::idle, LinkEnd::closed, kOpened, 1, false},
    {"a broker heard of for 75 s: dropped, without a close frame",
     opened_at_100({{Op::poll, 75099}, {Op::expect_phase, 75099, P(Phase::open)}, {Op::poll, 75100}}),
     Phase::idle, LinkEnd::silent, kClosedSilently, 1, false},
    {"its pings keep a quiet link up; 75 s after the last one it is dropped",
     opened_at_100({{Op::ping, 30100}, {Op::poll, 30100}, {Op::ping, 60100}, {Op::poll, 100000},
                    {Op::poll, 135099}, {Op::expect_phase, 135099, P(Phase::open)}, {Op::poll, 135100}}),
     Phase::idle, LinkEnd::silent, kClosedSilently, 1, false},
    {"a frame counts as much as a ping",
     opened_at_100({{Op::challenge, 70000}, {Op::poll, 144999}, {Op::expect_phase, 144999, P(Phase::open)},
                    {Op::poll, 145000}}),
     Phase::idle, LinkEnd::silent, kClosedSilently, 1, false},
    {"the dead link after a router reboot: logged on, then nothing; dropped, redialled once its wait is over",
     opened_at_100({{Op::challenge, 200}, {Op::sign, 200}, {Op::ack, 300}, {Op::poll, 400}, {Op::ping, 30000},
                    {Op::poll, 104999}, {Op::poll, 105000}, {Op::poll, 105999}, {Op::poll, 106000}}),
     Phase::connecting, LinkEnd::silent,
     opened_then("close 0; resolve hearth.example #2; connect ws hearth.example:8080/ws"), 0, false},
    {"Wi-Fi leaves: the link dropped at once without a close frame, the core told",
     opened_at_100({{Op::challenge, 200}, {Op::sign, 200}, {Op::ack, 300}, {Op::poll, 400},
                    {Op::poll_no_wifi, 5000}, {Op::poll_no_wifi, 20000}}),
     Phase::idle, LinkEnd::network_down, kClosedSilently, 0, false},
    {"Wi-Fi back: the broker dialled at once, whatever the backoff was",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::closed, 10}, {Op::poll, 1010}, {Op::closed, 1020}, {Op::poll, 1030},
      {Op::poll, 3020}, {Op::opened, 3030}, {Op::poll_no_wifi, 4000}, {Op::poll, 4001}},
     Phase::connecting, LinkEnd::network_down,
     "resolve hearth.example #1; connect ws hearth.example:8080/ws; resolve hearth.example #2; "
     "connect ws hearth.example:8080/ws; resolve hearth.example #3; connect ws hearth.example:8080/ws; close 0; "
     "resolve hearth.example #4; connect ws hearth.example:8080/ws",
     0, false},
    {"Wi-Fi leaves during the name lookup: its late answer starts nothing",
     {{Op::poll, 0}, {Op::poll_no_wifi, 100}, {Op::found, 200, 1}, {Op::poll_no_wifi, 300}},
     Phase::idle, LinkEnd::network_down, "resolve hearth.example #1", 0, false},
    {"Wi-Fi leaves during an attempt: given up, its client closed",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::poll_no_wifi, 100}},
     Phase::idle, LinkEnd::network_down, "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 0", 0,
     false},
    {"a frame over 4096 bytes: closed 1009 before the library reads it",
     opened_at_100({{Op::too_large, 200}, {Op::poll, 200}}),
     Phase::idle, LinkEnd::too_large, kTooLarge, 1, false},
    {"a frame not all there within 5 s on plain TCP: closed 1002",
     opened_at_100({{Op::incoming, 200, 50}, {Op::poll, 200}, {Op::poll, 5199}, {Op::expect_phase, 5199, P(Phase::open)},
                    {Op::poll, 5200}}),
     Phase::idle, LinkEnd::too_slow, kTooSlow, 1, false},
    {"a header split across TCP buffers, its rest received: the library reads it at once",
     opened_at_100({{Op::split_header, 200}, {Op::poll, 200}}),
     Phase::open, LinkEnd::none, kOpened, 0, false},
    {"a closed event for a link already given up is not counted",
     {{Op::literal, 0}, {Op::poll, 0}, {Op::poll, 15000}, {Op::closed, 15001}, {Op::poll, 15002}},
     Phase::idle, LinkEnd::timed_out, "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 0", 1,
     false},
    {"an opened event for no attempt is ignored",
     {{Op::poll_no_wifi, 0}, {Op::opened, 100}},
     Phase::idle, LinkEnd::none, "", 0, false},
};

}  // namespace

TEST_CASE("link supervisor: an open link, its logon, its drops, a silent broker and a lost Wi-Fi") {
  run_rows(kOpenRows);
}

TEST_CASE("link supervisor: the library runs only while an attempt or a link is under way, and not while a frame is awaited") {
  Rig rig;
  rig.transport.lookup = NameLookup::found;
  rig.link.poll(0, true, true);
  CHECK(rig.transport.services == 0);  // begun: the library runs from the next pass
  rig.link.poll(10, true, true);
  CHECK(rig.transport.services == 1);
  rig.link.link_opened(20);
  rig.transport.incoming = {0x81, 100, 'x'};  // 3 of 102 bytes
  rig.link.poll(30, true, true);
  CHECK(rig.transport.services == 1);
  rig.transport.incoming.resize(102, 'x');
  rig.link.poll(40, true, true);
  CHECK(rig.transport.services == 2);
  rig.link.link_closed(50);
  rig.link.poll(60, true, true);
  rig.link.poll(900, true, true);
  CHECK(rig.transport.services == 2);
}

TEST_CASE("link supervisor: the core signs its logon for the Host the client sends, port included") {
  Rig rig;
  rig.transport.lookup = NameLookup::found;
  rig.link.set_broker(0, device_url("wss://Hearth.Example/ws"), kPin);
  rig.link.poll(0, true, true);
  rig.link.link_opened(10);
  const std::string nonce = challenge_nonce(3);
  const std::string frame = challenge(nonce);
  rig.link.link_text(frame.data(), frame.size(), 20);
  rig.core.tick(20);
  REQUIRE(rig.transport.sent.size() == 1);
  Json log_on(rig.transport.sent[0]);
  CHECK(log_on.str("packet_type") == "LOG_ON");
  CHECK(logon_verifies(log_on.str("transmitter"), log_on.str("public_key"), log_on.str("signature"), nonce,
                       "hearth.example:443"));
}

TEST_CASE("link supervisor: the silence bound is wrap-safe and follows the configuration") {
  LinkConfig config;
  config.silent_link_ms = 2000;
  Rig rig(0xFFFFFFFFu - 500, config);
  rig.transport.lookup = NameLookup::found;
  rig.link.poll(rig.start, true, true);
  rig.link.link_opened(rig.start + 100);
  rig.link.poll(rig.start + 2099, true, true);  // across the wrap of millis()
  CHECK(rig.link.open());
  rig.link.poll(rig.start + 2100, true, true);
  CHECK_FALSE(rig.link.open());
  CHECK(rig.link.last_end() == LinkEnd::silent);
  CHECK(rig.link.ends() == 1);
}

TEST_CASE("link supervisor: every way a link ends has a name") {
  for (int e = int(LinkEnd::none); e <= int(LinkEnd::broker_changed); ++e) {
    CHECK(std::string(link_end_name(LinkEnd(e))) != "?");
  }
}

TEST_CASE("link supervisor: a pass's time older than an event raised inside it never turns the clocks back") {
  // The glue stamps the library's events with millis() at the event, and the
  // pass with the time it began: an event inside a pass is later than the pass.
  Rig rig;
  rig.transport.lookup = NameLookup::found;
  rig.link.poll(0, true, true);
  rig.link.link_opened(100);
  rig.transport.inside_service = [&rig] {
    rig.link.link_heard(900);
    rig.link.drop();
  };
  rig.link.poll(200, true, true);  // the drop is handled at 900, not at 200
  CHECK(rig.link.last_end() == LinkEnd::dropped);
  CHECK(rig.link.policy().wait_ms() == 1000);
  rig.link.poll(1899, true, true);
  CHECK(rig.log() == "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 1000");
  rig.link.poll(1900, true, true);
  CHECK(rig.log() ==
        "resolve hearth.example #1; connect ws hearth.example:8080/ws; close 1000; resolve hearth.example #2; "
        "connect ws hearth.example:8080/ws");
}
