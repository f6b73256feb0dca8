// The JSON rules on the thermostat: every vector of protocol/vectors/json.json,
// and the frame handler run on a thread with the smallest stack the system
// allows, fed the frames of issue 8 (finding 1: nesting that made cJSON recurse
// off the stack; finding 2: repeated keys read differently by broker and
// thermostat). Nothing in a refused frame may be acted on.
#include <doctest/doctest.h>
#include <limits.h>
#include <pthread.h>

#include <functional>

#include "fakes.h"
#include "json_check.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

JsonFault check(const std::string& text) {
  static JsonCheckSpace space;
  return json_check(text.data(), text.size(), space);
}

std::string fault_name(const std::string& text) { return json_fault_name(check(text)); }

std::string repeat(const std::string& piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// How much stack the last on_small_stack call used, in bytes.
size_t g_stack_used = 0;

// Runs `work` on a thread whose stack is PTHREAD_STACK_MIN bytes (16 KiB on
// glibc for x86-64), with the guard page that turns an overflow into a crash,
// and measures how deep it went: the stack below this frame is painted first.
void on_small_stack(const std::function<void()>& work) {
  pthread_attr_t attributes;
  REQUIRE(pthread_attr_init(&attributes) == 0);
  REQUIRE(pthread_attr_setstacksize(&attributes, PTHREAD_STACK_MIN) == 0);
  pthread_t thread;
  auto run = [](void* argument) -> void* {
    pthread_attr_t own;
    void* lowest = nullptr;
    size_t size = 0;
    pthread_getattr_np(pthread_self(), &own);
    pthread_attr_getstack(&own, &lowest, &size);
    pthread_attr_destroy(&own);
    volatile unsigned char here = 0;
    unsigned char* const bottom = static_cast<unsigned char*>(lowest);
    unsigned char* const top = const_cast<unsigned char*>(&here) - 512;  // clear of memset's own frame
    memset(bottom, 0xA5, size_t(top - bottom));
    (*static_cast<const std::function<void()>*>(argument))();
    const unsigned char* deepest = bottom;
    while (deepest < top && *deepest == 0xA5) ++deepest;
    g_stack_used = size_t(const_cast<unsigned char*>(&here) - deepest);
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attributes, run, const_cast<std::function<void()>*>(&work)) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attributes);
}

const Peer* peer_named(const Thermostat& core, const std::string& id) {
  for (const Peer& peer : core.peers()) {
    if (peer.used && id == peer.id) return &peer;
  }
  return nullptr;
}

// Inserts `member` (",\"key\":value") before the final closing brace of a frame.
std::string with_member(const std::string& frame, const std::string& member) {
  return frame.substr(0, frame.size() - 1) + member + "}";
}

}  // namespace

TEST_CASE("every JSON vector gets the fault it lists, and cJSON reads what the checker accepts") {
  Json vectors(read_vector_file("json.json"));
  REQUIRE(vectors.root != nullptr);
  cJSON* limits = vectors.get("limits");
  CHECK(cJSON_GetObjectItem(limits, "max_depth")->valuedouble == double(kJsonMaxDepth));
  CHECK(cJSON_GetObjectItem(limits, "max_keys_per_object")->valuedouble ==
        double(kJsonMaxKeysPerObject));
  int count = 0;
  cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("cases")) {
    const std::string why = cJSON_GetObjectItem(c, "why")->valuestring;
    const std::string text = cJSON_GetObjectItem(c, "text")->valuestring;
    const std::string expect = cJSON_GetObjectItem(c, "expect")->valuestring;
    CAPTURE(why);
    CHECK(fault_name(text) == expect);
    if (expect == "ok") {
      cJSON* parsed = cJSON_ParseWithLength(text.data(), text.size());
      CHECK(cJSON_IsObject(parsed));
      cJSON_Delete(parsed);
    }
    ++count;
  }
  CHECK(count >= 80);
}

TEST_CASE("text that is not UTF-8 is a syntax fault; every well-formed sequence is accepted") {
  CHECK(fault_name("{\"a\":\"\x7F \xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 "
                   "\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF\"}") == "ok");
  for (const char* bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xF0\x8F\xBF\xBF",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\x80", "\xBF", "\xC2", "\xE2\x82",
                          "\xC2\x41", "\xFF"}) {
    CAPTURE(bad);
    CHECK(fault_name(std::string("{\"a\":\"") + bad + "\"}") == "syntax");
    CHECK(fault_name(std::string("{\"") + bad + "\":1}") == "syntax");
  }
  CHECK(fault_name("{\"a\":1}\xEF\xBB\xBF") == "syntax");
  CHECK(fault_name(std::string("{\"a\":1,\0\"b\":2}", 14)) == "syntax");
  CHECK(fault_name(std::string("{\"a\":\"\0\"}", 9)) == "syntax");
}

TEST_CASE("keys compare as UTF-16 code units after unescaping, whatever the 16-bit hash says") {
  CHECK(fault_name("{\"\xC3\xA9\":1,\"\\u00E9\":2}") == "duplicate_key");
  CHECK(fault_name("{\"\xF0\x9F\x98\x80\":1,\"\\uD83D\\uDE00\":2}") == "duplicate_key");
  CHECK(fault_name("{\"\xF0\x9F\x98\x80\":1,\"\\uD83D\\uDE01\":2}") == "ok");
  CHECK(fault_name("{\"\\u0000\":1,\"\":2}") == "syntax");
  // 255 different keys in 8 nested objects at once, 64 in the innermost: the
  // whole check space in use (256 values with the outermost object); the
  // 65th key of the innermost object is refused.
  const auto keys = [](int count) {
    std::string out;
    for (int k = 0; k < count; ++k) out += "\"key" + std::to_string(k) + "\":0,";
    return out;
  };
  const std::string outer = repeat("{" + keys(26) + "\"in\":", 6) + "{" + keys(28) + "\"in\":";
  const std::string nested = outer + "{" + keys(63) + "\"last\":0" + repeat("}", 8);
  CHECK(fault_name(nested) == "ok");
  const std::string over = outer + "{" + keys(63) + "\"last\":0,\"more\":1" + repeat("}", 8);
  CHECK(fault_name(over) == "too_many_keys");
}

namespace {

// Whether cJSON holds two equal keys (as C strings) in any one object.
bool cjson_repeats_a_key(const cJSON* item) {
  for (const cJSON* a = item->child; a != nullptr; a = a->next) {
    if (cJSON_IsObject(item)) {
      for (const cJSON* b = a->next; b != nullptr; b = b->next) {
        if (strcmp(a->string, b->string) == 0) return true;
      }
    }
    if (cjson_repeats_a_key(a)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("cJSON reads every text the checker accepts, with as many keys as it holds") {
  // Damaged and spliced copies of the vectors: whatever the checker lets
  // through, cJSON must read whole, keeping every key apart (a \u0000 in a
  // key would make two keys one for C).
  Json vectors(read_vector_file("json.json"));
  std::vector<std::string> texts;
  cJSON* c;
  cJSON_ArrayForEach(c, vectors.get("cases")) texts.push_back(cJSON_GetObjectItem(c, "text")->valuestring);
  const char* pieces[] = {"\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0061", "\"", "\\",
                          "{", "}", "[", "]", ",", ":", "1e400", "-0", "\xC3\xA9", "\xF0\x9F\x98\x80", " ", "\"a\""};
  uint64_t state = 0x9E3779B97F4A7C15ull;
  const auto random = [&](size_t below) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return size_t(state % below);
  };
  int accepted = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string text = texts[random(texts.size())];
    for (int edits = 1 + int(random(3)); edits > 0; --edits) {
      const size_t at = random(text.size() + 1);
      const size_t cut = random(3);
      text = text.substr(0, at) + pieces[random(sizeof pieces / sizeof *pieces)] +
             text.substr(std::min(text.size(), at + cut));
    }
    if (check(text) != JsonFault::none) continue;
    ++accepted;
    cJSON* parsed = cJSON_ParseWithLength(text.data(), text.size());
    CAPTURE(text);
    REQUIRE(cJSON_IsObject(parsed));
    CHECK_FALSE(cjson_repeats_a_key(parsed));
    cJSON_Delete(parsed);
  }
  CHECK(accepted > 5000);
}

TEST_CASE("texts over the checked length are refused, not read past") {
  std::string text = "{\"a\":\"" + std::string(kJsonMaxCheckedLength, 'x') + "\"}";
  CHECK(check(text) == JsonFault::too_long);
  CHECK(check(text.substr(0, 6) + std::string(kJsonMaxCheckedLength - 8, 'x') + "\"}") == JsonFault::none);
}

TEST_CASE("the frame handler keeps the JSON rules on a 16 KiB stack") {
  REQUIRE(PTHREAD_STACK_MIN <= 16384);
  Bench bench;
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App ana = bench.app(1);
  App intruder = bench.app(2);  // another phone paired with the same thermostat
  const std::string own = bench.id();
  std::string state;
  on_small_stack([&] { state = bench.start(ana); });
  REQUIRE(Json(state).str("type") == "STATE");
  REQUIRE(bench.core->online());
  const auto quiet = [&](const std::string& frame) {
    bench.link.sent.clear();
    const int drops = bench.link.drops;
    const uint32_t refused = bench.core->refused_json();
    on_small_stack([&] { bench.deliver(frame); });
    // Less than the ESP8266's whole loop stack, even with x86-64's larger frames.
    CHECK(g_stack_used < 4096);
    CHECK(bench.core->refused_json() == refused + 1);
    CHECK(bench.link.sent.empty());
    CHECK(bench.link.drops == drops);
    CHECK(bench.core->online());
  };

  SUBCASE("finding 1: 999 nested arrays in a BROADCAST, and nesting in frames it would act on") {
    quiet("{\"packet_type\":\"MSG\",\"transmitter\":\"" + ana.id() +
          "\",\"receiver\":\"BROADCAST\",\"data\":" + repeat("[", 999) + repeat("]", 999) + "}");
    quiet("{\"packet_type\":\"MSG\",\"transmitter\":\"" + ana.id() + "\",\"receiver\":\"" + own +
          "\",\"data\":" + repeat("{\"a\":", 600) + "1" + repeat("}", 600) + "}");
    quiet("{\"packet_type\":\"ERROR\",\"code\":\"not_logged_on\",\"x\":" + repeat("[", 8) +
          repeat("]", 8) + "}");
    quiet(with_member(ana.command("SET", "\"target\":25"), ",\"x\":" + repeat("[", 3000)));
  }

  SUBCASE("finding 1 inside an envelope: a sealed plaintext 450 deep, and one 9 deep") {
    quiet(ana.command("SET", "\"target\":25,\"x\":" + repeat("[", 450) + repeat("]", 450)));
    quiet(ana.command("SET", "\"target\":25,\"x\":" + repeat("[", 8) + repeat("]", 8)));
    CHECK(bench.core->settings().target != 2500);
  }

  SUBCASE("finding 2: the broker's ERROR hidden in a BROADCAST does not take it offline") {
    quiet("{\"packet_type\":\"ERROR\",\"code\":\"not_logged_on\",\"packet_type\":\"MSG\","
          "\"transmitter\":\"" + own + "\",\"receiver\":\"BROADCAST\",\"data\":\"x\"}");
  }

  SUBCASE("finding 2: a receiver_offline for a member hidden in a MSG leaves it reachable") {
    quiet("{\"packet_type\":\"ERROR\",\"code\":\"receiver_offline\",\"receiver\":\"" + ana.id() +
          "\",\"packet_type\":\"MSG\",\"transmitter\":\"" + intruder.id() + "\",\"receiver\":\"" +
          own + "\",\"data\":\"x\"}");
    REQUIRE(peer_named(*bench.core, ana.id()) != nullptr);
    CHECK(peer_named(*bench.core, ana.id())->reachable);
  }

  SUBCASE("finding 2: a START in another member's name, with the sender's own ID last, opens nothing") {
    quiet(with_member(ana.start("Not Ana"), ",\"transmitter\":\"" + intruder.id() + "\""));
  }

  SUBCASE("a sealed SET with a repeated key changes nothing and gets no answer") {
    quiet(ana.command("SET", "\"target\":25,\"target\":6"));
    CHECK(bench.core->settings().target != 2500);
    CHECK(bench.core->settings().target != 600);
  }

  // Good traffic still flows afterwards, on the same small stack.
  bench.link.sent.clear();
  on_small_stack([&] { bench.deliver(ana.command("SET", "\"target\":22.5")); });
  CHECK(Json(bench.last_for(ana)).num("target") == doctest::Approx(22.5));
  CHECK(bench.core->settings().target == 2250);
}
