// The JSON rules of the contract ("JSON rules" under "Transport" in
// docs/protocol.md), checked over raw text before cJSON sees it, so that cJSON
// never recurses more than kJsonMaxDepth levels and never picks one of two
// values for a key that the broker and the apps would read differently.
//
// One pass, left to right, no recursion and no heap: the stack it needs is a
// few dozen bytes whatever the input, and the keys of the objects open at one
// time live in a JsonCheckSpace the caller owns. Each key is compared with the
// earlier keys of its own object only (at most kJsonMaxKeysPerObject, by a
// 16-bit hash first), so a text of n bytes costs O(n * 64) at worst.
//
// It names the first fault met, exactly as protocol/json.ts does for the same
// text (protocol/vectors/json.json). Text must be UTF-8 (as WebSocket text
// frames are); anything else is a syntax fault.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hearth {

constexpr size_t kJsonMaxDepth = 8;            // the outermost object is level 1
constexpr size_t kJsonMaxKeysPerObject = 64;   // far above the 17 keys of a STATE
// Key positions are kept in 16 bits. Not a rule of the contract: every caller
// bounds its text far below this (frames at 4 KB, plaintexts at 1 KB).
constexpr size_t kJsonMaxCheckedLength = 65535;

enum class JsonFault : uint8_t {
  none,
  syntax,         // not JSON
  not_object,     // the first non-whitespace character is not '{'
  too_deep,       // an object or array opened below level kJsonMaxDepth
  duplicate_key,  // a key equal, after unescaping, to an earlier key of its object
  too_many_keys,  // an object's key after its first kJsonMaxKeysPerObject
  too_long,       // over kJsonMaxCheckedLength bytes
};

const char* json_fault_name(JsonFault fault);

// Where the keys of the open objects are kept while a text is checked: at most
// kJsonMaxDepth objects are open at once, each with at most
// kJsonMaxKeysPerObject keys. 2 KB; the thermostat keeps one for good.
struct JsonCheckSpace {
  struct Key {
    uint16_t hash;
    uint16_t offset;  // of the key's first character after the quote
  };
  Key keys[kJsonMaxDepth * kJsonMaxKeysPerObject];
};

JsonFault json_check(const char* text, size_t length, JsonCheckSpace& space);

}  // namespace hearth
