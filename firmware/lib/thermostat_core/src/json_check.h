// The JSON rules of the contract ("JSON rules" under "Transport" in
// docs/protocol.md), checked over raw text before cJSON sees it, so that cJSON
// never recurses more than kJsonMaxDepth levels and never picks one of two
// values for a key that the broker and the apps would read differently.
//
// One pass, left to right, no recursion and no heap: the stack it needs is a
// few dozen bytes whatever the input, and the keys of the objects open at one
// time live in a JsonCheckSpace the caller owns. Each key is compared with the
// earlier keys of its own object only (at most kJsonMaxKeysPerObject), and
// only with those of equal 16-bit hash. The hash is seeded (JsonCheckSpace::
// seed): keys made to collide under one seed do not under another, so no one
// who does not know the seed can force the O(n * 64) worst case of a text of
// n bytes, where every key is compared in full with 63 others.
//
// It names the first fault met, exactly as protocol/json-reader.ts does for the same
// text (protocol/vectors/json.json). Text must be UTF-8 (as WebSocket text
// frames are); anything else is a syntax fault.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hearth {

constexpr size_t kJsonMaxDepth = 8;            // the outermost object is level 1
constexpr size_t kJsonMaxKeysPerObject = 64;   // far above the 18 keys of a STATE
// Every value counts, the outermost object included: cJSON allocates one item
// for each. The largest real texts hold 83 (a STATE with 8 members and 8
// OwnTracks secrets) and 70 (a LOG_ON with 64 themes).
constexpr size_t kJsonMaxValues = 256;
// Sign, digits, point and exponent: the cJSON 1.7.15 the device builds copies a
// number into 64 bytes and refuses a longer one, which JavaScript reads.
constexpr size_t kJsonMaxNumberLength = 63;
// Key positions are kept in 16 bits. Not a rule of the contract: every caller
// bounds its text far below this (frames at 4 KB, envelope plaintexts at 1 KB, RELAY
// plaintexts at 2264 bytes).
constexpr size_t kJsonMaxCheckedLength = 65535;

enum class JsonFault : uint8_t {
  none,
  syntax,         // not JSON
  not_object,     // the first non-whitespace character is not '{'
  too_deep,       // an object or array opened below level kJsonMaxDepth
  duplicate_key,  // a key equal, after unescaping, to an earlier key of its object
  too_many_keys,  // an object's key after its first kJsonMaxKeysPerObject
  too_many_values,  // a value after the text's first kJsonMaxValues
  too_long_number,  // a well-formed number longer than kJsonMaxNumberLength
  too_long,       // over kJsonMaxCheckedLength bytes
};

const char* json_fault_name(JsonFault fault);

// The seed a JsonCheckSpace has until its owner draws one at random.
constexpr uint32_t kJsonFallbackSeed = 0;

// Where the keys of the open objects are kept while a text is checked. Each
// key read before another has had its value counted, and so has the
// outermost object, so the 256th key is the last one a text may reach:
// kJsonMaxValues keys at most, fewer than kJsonMaxDepth open objects of
// kJsonMaxKeysPerObject each could hold. 1 KB; the thermostat keeps one for
// good, seeded from its random source once that is ready.
constexpr size_t kJsonCheckSpaceKeys = kJsonMaxValues < kJsonMaxDepth * kJsonMaxKeysPerObject
                                           ? kJsonMaxValues
                                           : kJsonMaxDepth * kJsonMaxKeysPerObject;
struct JsonCheckSpace {
  struct Key {
    uint16_t hash;
    uint16_t offset;  // of the key's first character after the quote
  };
  Key keys[kJsonCheckSpaceKeys];
  uint32_t seed = kJsonFallbackSeed;
  // UTF-16 code units compared between keys of equal hash in the last check:
  // the work a text made to collide forces; the tests and the cost bench read it.
  uint32_t key_units_compared = 0;
};

JsonFault json_check(const char* text, size_t length, JsonCheckSpace& space);

// The seeded 16-bit hash json_check gives a key: `key` points just after its
// opening quote of a string that has been checked. For tests that make keys
// collide.
uint16_t json_key_hash(const char* key, uint32_t seed);

}  // namespace hearth
