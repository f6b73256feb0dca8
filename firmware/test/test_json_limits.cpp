// The JSON rules added after the review of issue 8's firmware (docs/protocol.md
// "JSON rules"): a number is at most 63 characters, because the cJSON 1.7.15
// the device builds refuses longer ones that JavaScript and Debian's patched
// cJSON read (M4); a text holds at most 256 values, because cJSON allocates
// one item per value (L2); and the checker's key hash is seeded at random, so
// that keys made to collide cannot make every frame dear to check (M5).
#include <doctest/doctest.h>

#include <set>

#include "fakes.h"
#include "json_check.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

std::string repeat(const std::string& piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string zeros(size_t count) {
  std::string out = "0";
  for (size_t i = 1; i < count; ++i) out += ",0";
  return out;
}

// cJSON's allocations, through cJSON_InitHooks: how many there were, and the
// most alive at once.
size_t g_cjson_allocations = 0, g_cjson_alive = 0, g_cjson_most_alive = 0;
void* counting_malloc(size_t size) {
  ++g_cjson_allocations;
  if (++g_cjson_alive > g_cjson_most_alive) g_cjson_most_alive = g_cjson_alive;
  return malloc(size);
}
void counting_free(void* pointer) {
  if (pointer != nullptr) --g_cjson_alive;
  free(pointer);
}

// `count` keys of `prefix` and four characters each whose hashes under `seed`
// are all equal (and the hashes themselves, for the caller to check).
std::vector<std::string> colliding_keys(const std::string& prefix, size_t count, uint32_t seed) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<std::string> keys;
  std::string key = prefix + "AAAA\"";
  int target = -1;
  for (uint32_t n = 0; keys.size() < count; ++n) {
    for (size_t c = 0, rest = n; c < 4; ++c, rest /= 62) key[prefix.size() + c] = alphabet[rest % 62];
    const uint16_t hash = json_key_hash(key.c_str(), seed);
    if (target < 0) target = hash;
    if (hash == target) keys.push_back(key.substr(0, key.size() - 1));
  }
  return keys;
}

std::string object_of(const std::vector<std::string>& keys) {
  std::string text = "{\"packet_type\":\"BROADCAST\",\"x\":{";
  for (size_t k = 0; k < keys.size(); ++k) text += (k ? ",\"" : "\"") + keys[k] + "\":0";
  return text + "}}";
}

}  // namespace

TEST_CASE("the checker's limits are the vectors' limits") {
  Json vectors(read_vector_file("json.json"));
  cJSON* limits = vectors.get("limits");
  CHECK(cJSON_GetObjectItem(limits, "max_values")->valuedouble == double(kJsonMaxValues));
  CHECK(cJSON_GetObjectItem(limits, "max_number_length")->valuedouble ==
        double(kJsonMaxNumberLength));
}

TEST_CASE("the longest number the checker passes is one the device's cJSON reads") {
  // cJSON 1.7.15 copies a number into 64 bytes: 63 characters and the NUL.
  // Debian's build reads longer ones, so the host cannot show the refusal;
  // the vectors pin the checker to 63 on both sides.
  JsonCheckSpace space;
  for (const std::string number : {"1" + std::string(62, '0'), "-1.5e+" + std::string(57, '0'),
                                   "21." + std::string(60, '0')}) {
    REQUIRE(number.size() == kJsonMaxNumberLength);
    const std::string text = "{\"a\":" + number + "}";
    CHECK(json_check(text.data(), text.size(), space) == JsonFault::none);
    cJSON* parsed = cJSON_ParseWithLength(text.data(), text.size());
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(parsed, "a")));
    cJSON_Delete(parsed);
    const std::string longer = "{\"a\":" + number + "0}";
    CHECK(json_check(longer.data(), longer.size(), space) == JsonFault::too_long_number);
  }
}

TEST_CASE("finding M4: a SET with a 70-character target is refused unread, and the next SET works") {
  Bench bench;
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  const uint32_t refused = bench.core->refused_json();
  bench.link.sent.clear();
  bench.deliver(app.command("SET", "\"target\":21." + std::string(67, '0')));
  CHECK(bench.core->refused_json() == refused + 1);
  CHECK(bench.link.sent.empty());
  bench.deliver(app.command("SET", "\"target\":21." + std::string(60, '0')));
  CHECK(bench.core->settings().target == 2100);
  CHECK(Json(bench.last_for(app)).is_null("error"));
}

TEST_CASE("finding L2: a 4 KB frame of [0,0,0,...] is refused before cJSON allocates anything") {
  Bench bench;
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  const std::string head = "{\"packet_type\":\"MSG\",\"transmitter\":\"GGXACDHnP37iP8E8stD1iL\",\"receiver\":\"" +
                           bench.id() + "\",\"data\":[";
  const std::string flood = head + zeros((4096 - head.size() - 2) / 2) + "]}";
  REQUIRE(flood.size() <= bench.config.max_frame_bytes);
  // The most a frame may hold: 256 values, the outermost object included.
  const std::string most = head + zeros(kJsonMaxValues - 5) + "]}";
  cJSON_Hooks hooks{counting_malloc, counting_free};
  cJSON_InitHooks(&hooks);
  g_cjson_allocations = g_cjson_alive = g_cjson_most_alive = 0;
  const uint32_t refused = bench.core->refused_json();
  bench.deliver(flood);
  const size_t flood_allocations = g_cjson_allocations;
  bench.deliver(most);
  cJSON_InitHooks(nullptr);
  CHECK(bench.core->refused_json() == refused + 1);
  CHECK(flood_allocations == 0);
  // One item per value, the strings of the four keys and three values, and
  // (Debian's cJSON only) a number's text while it is read: the most one
  // frame can hold at once.
  CHECK(g_cjson_most_alive <= kJsonMaxValues + 4 + 3 + 1);
  CHECK(g_cjson_most_alive >= kJsonMaxValues);
  CHECK(g_cjson_alive == 0);
  CHECK(bench.core->online());
}

TEST_CASE("the key hash is seeded: keys made to collide under one seed do not under another") {
  const std::vector<std::string> keys = colliding_keys("pppppppp", 64, kJsonFallbackSeed);
  for (const uint32_t seed : {0x9E3779B9u, 0x12345678u, 0xDEADBEEFu}) {
    std::set<uint16_t> hashes;
    for (const std::string& key : keys) hashes.insert(json_key_hash((key + "\"").c_str(), seed));
    CAPTURE(seed);
    // 64 random 16-bit hashes share one now and then; never a quarter of them.
    CHECK(hashes.size() > 48);
  }
  // What that costs the checker: every key compared in full with every
  // earlier one under the seed the keys were made for, next to nothing under another.
  const std::string text = object_of(keys);
  JsonCheckSpace space;
  REQUIRE(json_check(text.data(), text.size(), space) == JsonFault::none);
  CHECK(space.key_units_compared >= 64 * 63 / 2 * 8);
  space.seed = 0x9E3779B9u;
  REQUIRE(json_check(text.data(), text.size(), space) == JsonFault::none);
  CHECK(space.key_units_compared < 200);
}

TEST_CASE("the thermostat seeds its checker from the random source, once that is ready") {
  Bench bench;
  bench.random.fail = true;  // the radio is not up yet
  bench.boot();
  CHECK_FALSE(bench.core->json_seeded());
  bench.random.fail = false;
  bench.run_for(1000);
  CHECK(bench.core->json_seeded());
  bench.online();
  // Keys made to collide under the seed every JsonCheckSpace starts with.
  const std::string frame = object_of(colliding_keys("pppppppp", 64, kJsonFallbackSeed));
  bench.deliver(frame);
  CHECK(bench.core->json_key_units_compared() < 200);
  CHECK(bench.core->online());
}
