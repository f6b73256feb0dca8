// Measurement, not a test: the peak heap the core uses while it handles one
// SET (open, parse, apply, persist, reply), and while it reads the dearest
// frame the JSON rules let anyone send. The core's only heap user is
// cJSON, whose allocations are counted through cJSON_InitHooks; operator new
// is counted too, to show the core itself allocates nothing. Host pointers are
// 8 bytes, so the ESP8266 (4-byte pointers) needs less than printed here.
#include <cstdio>
#include <cstdlib>
#include <new>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

size_t g_current = 0, g_peak = 0, g_allocations = 0, g_new_calls = 0;
bool g_counting = false;

struct alignas(16) Header {
  size_t size;
};

void* counting_malloc(size_t size) {
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + size));
  if (!h) return nullptr;
  h->size = size;
  if (g_counting) {
    g_current += size;
    ++g_allocations;
    if (g_current > g_peak) g_peak = g_current;
  }
  return h + 1;
}

void counting_free(void* p) {
  if (!p) return;
  Header* h = static_cast<Header*>(p) - 1;
  if (g_counting) g_current -= h->size < g_current ? h->size : g_current;
  std::free(h);
}

struct Measure {
  size_t peak, allocations, new_calls, reply_bytes;
};

// Keeps the last frame in a fixed buffer, so that the link adds no heap.
struct FixedLink final : Link {
  char last[4096];
  size_t last_length = 0, largest = 0;
  Status send_text(const char* text, size_t length) override {
    if (length > sizeof last) return Error::too_large;
    memcpy(last, text, length);
    last_length = length;
    largest = length > largest ? length : largest;
    return Error::none;
  }
  void drop() override {}
};

// A booted thermostat on fakes, its frames sent into FixedLink.
struct Device {
  FakeSensor sensor;
  FakeRelay relay;
  MemoryStorage storage;
  FixedLink link;
  TestRandom random;
  Millis now = 1000;
  Thermostat core{sensor, relay, storage, link, random, now};
  Device() { core.begin(now); }
};

Measure one_set(int members) {
  Device device;
  Thermostat& core = device.core;
  const Millis now = device.now;
  core.tick(now);
  const std::string id = core.identity().id;
  auto deliver = [&](const std::string& frame) { core.link_text(frame.data(), frame.size(), now); };
  core.link_opened(now, kBrokerHost);
  deliver(challenge(challenge_nonce(1)));
  core.tick(now);
  deliver(ack_log_on(id));
  std::vector<App> apps;
  for (int i = 0; i < members; ++i) {
    // Each a member with a key of its own (docs/protocol.md "Joining"): its JOIN, worked out in
    // the next tick, and the WELCOME, the last frame sent.
    const std::vector<uint8_t> secret = invitation_secret(core, now);
    apps.emplace_back(secret.data(), id, uint8_t(i + 1));
    App& app = apps.back();
    deliver(app.join(secret.data(), "A family member's phone"));
    core.tick(now);
    if (!app.welcome(std::string(device.link.last, device.link.last_length))) {
      fprintf(stderr, "member %d did not join\n", i + 1);
      exit(1);
    }
    deliver(app.start("A family member's phone"));
    app.session = Json(app.open(std::string(device.link.last, device.link.last_length))).str("session");
    deliver(app.command("HOME_set", "\"home\":true,\"distance\":1234.5"));
  }
  const std::string frame = apps.front().command(
      "SET", "\"target\":21.5,\"away_target\":17.0,\"hysteresis\":0.3,\"mode\":\"auto\"");
  device.link.largest = 0;
  g_current = g_peak = g_allocations = g_new_calls = 0;
  g_counting = true;
  deliver(frame);
  g_counting = false;
  if (core.settings().target != 2150) {
    fprintf(stderr, "the SET was not applied\n");
    exit(1);
  }
  return {g_peak, g_allocations, g_new_calls, device.link.largest};
}

// The dearest frame the JSON rules let anyone send (docs/protocol.md "JSON
// rules"): 256 values, addressed to this thermostat so that all of it is
// parsed, its values numbers or, dearer, strings that fill 4 KB.
struct FrameMeasure {
  size_t peak, allocations, frame_bytes;
};

FrameMeasure worst_frame(bool strings) {
  Device device;
  Thermostat& core = device.core;
  const Millis now = device.now;
  const std::string head = "{\"packet_type\":\"MSG\",\"transmitter\":\"GGXACDHnP37iP8E8stD1iL\",\"receiver\":\"" +
                           std::string(core.identity().id) + "\",\"data\":[";
  const size_t items = kJsonMaxValues - 5;
  const size_t per_item = (4096 - head.size() - 2) / items;  // with its comma
  std::string frame = head;
  for (size_t i = 0; i < items; ++i) {
    if (i) frame += ",";
    frame += strings ? "\"" + std::string(per_item - 3, 'x') + "\"" : "0";
  }
  frame += "]}";
  g_current = g_peak = g_allocations = g_new_calls = 0;
  const uint32_t refused = core.refused_json();
  g_counting = true;
  core.link_text(frame.data(), frame.size(), now);
  g_counting = false;
  if (core.refused_json() != refused) {
    fprintf(stderr, "the dearest frame was refused\n");
    exit(1);
  }
  return {g_peak, g_allocations, frame.size()};
}

}  // namespace

void* operator new(size_t size) {
  if (g_counting) ++g_new_calls;
  void* p = std::malloc(size ? size : 1);
  if (!p) std::abort();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

int main() {
  cJSON_Hooks hooks{counting_malloc, counting_free};
  cJSON_InitHooks(&hooks);
  const size_t budget = 4096;
  bool within = true;
  printf("peak heap while handling one SET (host, 64-bit pointers):\n");
  for (int members : {1, 8}) {
    const Measure m = one_set(members);
    printf("  %d member%s: %zu bytes peak in %zu cJSON allocations, %zu operator new, "
           "largest frame sent %zu bytes\n",
           members, members == 1 ? " " : "s", m.peak, m.allocations, m.new_calls, m.reply_bytes);
    within = within && m.peak <= budget && m.new_calls == 0;
  }
  printf("budget %zu bytes: %s\n", budget, within ? "within" : "EXCEEDED");
  // cJSON's items are 64 bytes here and 40 on the ESP8266 (4-byte pointers);
  // strings are the same size on both. Allocator headers not counted.
  const size_t item_saving = sizeof(cJSON) - 40;
  printf("peak heap of the dearest frame the JSON rules let through (%zu values):\n", kJsonMaxValues);
  for (const bool strings : {false, true}) {
    const FrameMeasure m = worst_frame(strings);
    printf("  %zu-byte frame of %s: %zu bytes peak in %zu cJSON allocations; about %zu on the ESP8266\n",
           m.frame_bytes, strings ? "strings" : "numbers", m.peak, m.allocations,
           m.peak - kJsonMaxValues * item_saving);
  }
  return within ? 0 : 1;
}
