// The frame gate (frame_gate.h): the device's WebSocket library may read a
// frame only when it is within the core's limit and already all there, so it
// neither allocates more than kMaxFrameBytes nor blocks the loop waiting.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "frame_gate.h"
#include "thermostat.h"

using namespace hearth;

namespace {

using Bytes = std::vector<uint8_t>;

// A server's text frame header (unmasked) declaring `payload` bytes.
Bytes header_for(uint64_t payload, bool masked = false) {
  const uint8_t mask = masked ? 0x80 : 0;
  Bytes h = {0x81};
  if (payload < 126) {
    h.push_back(uint8_t(mask | payload));
  } else if (payload <= 0xFFFF) {
    h.push_back(uint8_t(mask | 126));
    h.push_back(uint8_t(payload >> 8));
    h.push_back(uint8_t(payload));
  } else {
    h.push_back(uint8_t(mask | 127));
    for (int shift = 56; shift >= 0; shift -= 8) h.push_back(uint8_t(payload >> shift));
  }
  if (masked) h.insert(h.end(), {1, 2, 3, 4});
  return h;
}

Bytes first(const Bytes& bytes, size_t n) { return Bytes(bytes.begin(), bytes.begin() + long(n)); }

struct HeaderRow {
  const char* what;
  Bytes bytes;
  bool complete;
  uint8_t header_bytes;
  uint64_t payload_bytes;
};

}  // namespace

TEST_CASE("frame gate: the length a frame header declares, as soon as it can be known") {
  const std::vector<HeaderRow> rows = {
      {"nothing yet", {}, false, 0, 0},
      {"one byte", {0x81}, false, 0, 0},
      {"a short text frame", header_for(5), true, 2, 5},
      {"an empty ping", {0x89, 0x00}, true, 2, 0},
      {"125 bytes, the most in the first length field", header_for(125), true, 2, 125},
      {"126: the 16-bit length not yet there", {0x81, 126}, false, 0, 0},
      {"126: half the 16-bit length", {0x81, 126, 0x10}, false, 0, 0},
      {"exactly the core's limit", header_for(kMaxFrameBytes), true, 4, kMaxFrameBytes},
      {"one byte over the core's limit", header_for(kMaxFrameBytes + 1), true, 4, kMaxFrameBytes + 1},
      {"the library's own limit, 15 KB", header_for(15 * 1024), true, 4, 15 * 1024},
      {"127: the 64-bit length", header_for(70000), true, 10, 70000},
      {"127: a length with the top bit set", {0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, true, 10,
       uint64_t(1) << 63},
      {"127: one byte of the 64-bit length missing", first(header_for(70000), 9), false, 0, 0},
      {"masked (servers must not, still measured)", header_for(5, true), true, 6, 5},
      {"masked, the mask key not there yet: the length is", {0x81, 0x85}, true, 6, 5},
  };
  for (const HeaderRow& row : rows) {
    const std::string what = row.what;
    CAPTURE(what);
    const FrameHeader header = parse_frame_header(row.bytes.data(), row.bytes.size());
    CHECK(header.complete == row.complete);
    if (!row.complete) continue;
    CHECK(header.header_bytes == row.header_bytes);
    CHECK(header.payload_bytes == row.payload_bytes);
  }
}

namespace {

struct Look {
  uint32_t at_ms;
  Bytes head;        // what the transport lets be seen
  size_t available;  // what it holds
  FrameVerdict expected;
};

struct GateRow {
  const char* story;
  bool available_is_exact;  // plain TCP; false: TLS
  std::vector<Look> looks;
};

constexpr uint32_t kPatience = 5000;
using V = FrameVerdict;

// Each row on a fresh gate: every look gets the verdict the row expects.
void check_gate_rows(const std::vector<GateRow>& rows) {
  for (const GateRow& row : rows) {
    const std::string story = row.story;
    CAPTURE(story);
    FrameGate gate(kMaxFrameBytes, kPatience);
    for (const Look& look : row.looks) {
      CAPTURE(look.at_ms);
      const FrameVerdict verdict =
          gate.check(look.at_ms, look.head.data(), look.head.size(), look.available, row.available_is_exact);
      CHECK(std::string(frame_verdict_name(verdict)) == frame_verdict_name(look.expected));
    }
  }
}

const Bytes kSmall = header_for(200);
const Bytes kFull = header_for(kMaxFrameBytes);
const Bytes kOver = header_for(kMaxFrameBytes + 1);
const Bytes kLibraryLimit = header_for(15 * 1024);
const Bytes kHuge = {0x81, 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

const std::vector<GateRow> kGateRows = {
    {"nothing received: the library may look after the link", true, {{0, {}, 0, V::idle}}},
    {"a small frame all there: read", true, {{0, kSmall, 204, V::read}}},
    {"a frame of exactly the limit, all there: read", true, {{0, kFull, 4 + 4096, V::read}}},
    {"one byte over the limit: refused from its header alone, before any allocation", true,
     {{0, kOver, 4, V::too_large}}},
    {"the library's own 15 KB limit: refused", false, {{0, kLibraryLimit, 4, V::too_large}}},
    {"a 2^63-byte declaration: refused", true, {{0, kHuge, 10, V::too_large}}},
    {"the header's rest not received yet (plain TCP): wait, and close after the patience", true,
     {{0, {0x81}, 1, V::wait}, {kPatience - 1, {0x81}, 1, V::wait}, {kPatience, {0x81}, 1, V::too_slow}}},
    {"payload still coming: wait; it completes: read", true,
     {{0, kSmall, 50, V::wait}, {3000, kSmall, 150, V::wait}, {4000, kSmall, 204, V::read}}},
    {"payload trickling on plain TCP: closed after the patience, however steadily it comes", true,
     {{0, kSmall, 10, V::wait}, {2000, kSmall, 100, V::wait}, {4999, kSmall, 203, V::wait},
      {5000, kSmall, 203, V::too_slow}}},
    {"a frame over several TLS records: let through after the patience (only the broker sends records)",
     false, {{0, kFull, 1000, V::wait}, {kPatience, kFull, 1000, V::read}}},
    {"each frame has its own patience", true,
     {{0, kSmall, 100, V::wait}, {4000, kSmall, 204, V::read}, {4500, {}, 0, V::idle},
      {8000, kSmall, 100, V::wait}, {12999, kSmall, 100, V::wait}, {13000, kSmall, 100, V::too_slow}}},
    {"the patience is wrap-safe", true,
     {{0xFFFFFFFFu - 1000, kSmall, 10, V::wait}, {1000, kSmall, 10, V::wait}, {3999, kSmall, 10, V::too_slow}}},
};

}  // namespace

TEST_CASE("frame gate: read only what is within the limit and all there; close on too large or too slow") {
  check_gate_rows(kGateRows);
}

TEST_CASE("frame gate: a new link forgets the frame it was waiting for") {
  FrameGate gate(kMaxFrameBytes, kPatience);
  CHECK(gate.check(0, kSmall.data(), kSmall.size(), 10, true) == FrameVerdict::wait);
  gate.reset();
  CHECK(gate.check(4000, kSmall.data(), kSmall.size(), 10, true) == FrameVerdict::wait);
  CHECK(gate.check(8999, kSmall.data(), kSmall.size(), 10, true) == FrameVerdict::wait);
  CHECK(gate.check(9000, kSmall.data(), kSmall.size(), 10, true) == FrameVerdict::too_slow);
}

namespace {

// A frame header cut in two. Plain TCP (WiFiClient::peekBytes) copies only
// the first lwIP receive buffer, so a header split across two buffers never
// shows whole, however long the gate waits, while its rest is already
// received; BearSSL shows only the current TLS record, so a header split
// across records never shows whole either. Before, the gate waited 5 s and
// then closed a healthy link (too_slow) in both cases.
const std::vector<GateRow> kSplitHeaderRows = {
    {"TCP: one byte in the first buffer, the rest received: read at once (the library's bound)", true,
     {{0, {0x81}, 2, V::read}}},
    {"TCP: a 16-bit length cut by the first buffer, 300 bytes received: read at once", true,
     {{0, {0x81, 126}, 300, V::read}}},
    {"TCP: a 64-bit length cut after 5 bytes, 70 KB received: read (the library refuses it: 1009)", true,
     {{0, first(header_for(70000), 5), 70010, V::read}}},
    {"TCP: a ping cut after its first byte: read at once", true, {{0, {0x89}, 2, V::read}}},
    {"TCP: the rest not received, then received: wait, then read", true,
     {{0, {0x81, 126}, 2, V::wait}, {300, {0x81, 126}, 204, V::read}}},
    {"TCP: the rest never received: closed after the patience, as before", true,
     {{0, {0x81, 126}, 2, V::wait}, {kPatience, {0x81, 126}, 2, V::too_slow}}},
    {"TLS: a header cut by the record's end: wait, then let through after the patience", false,
     {{0, {0x81}, 1, V::wait}, {kPatience - 1, {0x81}, 1, V::wait}, {kPatience, {0x81}, 1, V::read}}},
    {"TLS: a 16-bit length cut by the record's end: let through after the patience", false,
     {{0, {0x81, 126, 0x10}, 3, V::wait}, {kPatience, {0x81, 126, 0x10}, 3, V::read}}},
    {"TLS: the record grows and shows the header whole: decided on it at once", false,
     {{0, {0x81}, 1, V::wait}, {100, kOver, 4, V::too_large}}},
};

}  // namespace

TEST_CASE("frame gate: a header split across receive buffers (TCP) or records (TLS) never closes a healthy link") {
  check_gate_rows(kSplitHeaderRows);
}
