#include "json_check.h"

namespace hearth {

namespace {

bool is_whitespace(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
bool is_continuation(uint8_t c) { return (c & 0xC0) == 0x80; }
bool is_high_surrogate(int32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(int32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) that starts at text[i], or 0.
size_t utf8_sequence(const uint8_t* text, size_t i, size_t length) {
  const uint8_t lead = text[i];
  size_t size;
  uint8_t low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (length - i < size) return 0;
  if (text[i + 1] < low || text[i + 1] > high) return 0;
  for (size_t k = 2; k < size; ++k) {
    if (!is_continuation(text[i + k])) return 0;
  }
  return size;
}

// The UTF-16 code units of a string that has already been checked, from its
// first character after the opening quote: keys compare as JavaScript compares
// them, so "\u00e9" equals a raw "é" and "\ud83d\ude00" a raw emoji.
class CodeUnits {
 public:
  explicit CodeUnits(const uint8_t* at) : at_(at) {}
  // The next code unit, or -1 at the closing quote.
  int32_t next() {
    if (pending_ != 0) {
      const int32_t unit = pending_;
      pending_ = 0;
      return unit;
    }
    const uint8_t c = *at_;
    if (c == '"') return -1;
    if (c == '\\') {
      const uint8_t e = at_[1];
      at_ += 2;
      switch (e) {
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'u': {
          int32_t unit = 0;
          for (int k = 0; k < 4; ++k) unit = unit * 16 + hex_value(at_[k]);
          at_ += 4;
          return unit;
        }
        default: return e;  // " \ /
      }
    }
    if (c < 0x80) {
      ++at_;
      return c;
    }
    uint32_t point;
    if (c < 0xE0) {
      point = (uint32_t(c & 0x1F) << 6) | (at_[1] & 0x3F);
      at_ += 2;
    } else if (c < 0xF0) {
      point = (uint32_t(c & 0x0F) << 12) | (uint32_t(at_[1] & 0x3F) << 6) | (at_[2] & 0x3F);
      at_ += 3;
    } else {
      point = (uint32_t(c & 0x07) << 18) | (uint32_t(at_[1] & 0x3F) << 12) |
              (uint32_t(at_[2] & 0x3F) << 6) | (at_[3] & 0x3F);
      at_ += 4;
    }
    if (point < 0x10000) return int32_t(point);
    point -= 0x10000;
    pending_ = int32_t(0xDC00 + (point & 0x3FF));
    return int32_t(0xD800 + (point >> 10));
  }

 private:
  const uint8_t* at_;
  int32_t pending_ = 0;
};

uint16_t key_hash(const uint8_t* at, uint32_t seed) {
  uint32_t hash = 2166136261u ^ seed;  // FNV-1a over the code units, from a seeded state
  CodeUnits units(at);
  for (int32_t unit; (unit = units.next()) >= 0;) {
    hash = (hash ^ uint32_t(unit & 0xFF)) * 16777619u;
    hash = (hash ^ uint32_t(unit >> 8)) * 16777619u;
  }
  return uint16_t(hash ^ (hash >> 16));
}

bool same_key(const uint8_t* a, const uint8_t* b, uint32_t* units_compared) {
  CodeUnits left(a), right(b);
  for (;;) {
    const int32_t unit = left.next();
    ++*units_compared;
    if (unit != right.next()) return false;
    if (unit < 0) return true;
  }
}

class Scanner {
 public:
  Scanner(const char* text, size_t length, JsonCheckSpace& space)
      : text_(reinterpret_cast<const uint8_t*>(text)), length_(length), space_(space) {}

  JsonFault run() {
    size_t i = skip_whitespace(0);
    if (i >= length_) return JsonFault::syntax;
    if (text_[i] != '{') return JsonFault::not_object;
    size_t depth = 0;
    uint32_t arrays = 0;  // bit d: the container at level d is an array
    size_t values = 0;
    bool want_value = true;
    JsonFault fault = JsonFault::none;
    for (;;) {
      if (want_value) {
        i = skip_whitespace(i);
        if (i >= length_) return JsonFault::syntax;
        // A value is counted where it begins, before its nesting is looked at.
        if (++values > kJsonMaxValues) return JsonFault::too_many_values;
        const uint8_t c = text_[i];
        if (c == '{' || c == '[') {
          if (depth == kJsonMaxDepth) return JsonFault::too_deep;
          ++depth;
          i = skip_whitespace(i + 1);
          if (c == '{') {
            arrays &= ~(1u << depth);
            key_base_[depth] = key_count_;
            if (i < length_ && text_[i] == '}') {
              --depth;
              ++i;
              want_value = false;
            } else if ((fault = read_key(&i, depth)) != JsonFault::none) {
              return fault;
            }
          } else {
            arrays |= 1u << depth;
            if (i < length_ && text_[i] == ']') {
              --depth;
              ++i;
              want_value = false;
            }
          }
          continue;
        }
        if (c == '"') {
          fault = skip_string(&i);
        } else if (c == '-' || is_digit(c)) {
          fault = skip_number(&i);
        } else if (c == 't') {
          fault = skip_literal(&i, "true");
        } else if (c == 'f') {
          fault = skip_literal(&i, "false");
        } else if (c == 'n') {
          fault = skip_literal(&i, "null");
        } else {
          return JsonFault::syntax;
        }
        if (fault != JsonFault::none) return fault;
        want_value = false;
        continue;
      }
      // After a value: a separator, the end of its container, or (outside
      // everything) the end of the text.
      i = skip_whitespace(i);
      if (depth == 0) return i < length_ ? JsonFault::syntax : JsonFault::none;
      if (i >= length_) return JsonFault::syntax;
      const uint8_t c = text_[i];
      const bool in_array = (arrays & (1u << depth)) != 0;
      if (c == ',') {
        ++i;
        want_value = true;
        if (!in_array && (fault = read_key(&i, depth)) != JsonFault::none) return fault;
      } else if (c == (in_array ? ']' : '}')) {
        if (!in_array) key_count_ = key_base_[depth];
        --depth;
        ++i;
      } else {
        return JsonFault::syntax;
      }
    }
  }

 private:
  size_t skip_whitespace(size_t i) const {
    while (i < length_ && is_whitespace(text_[i])) ++i;
    return i;
  }

  // *i is on the opening quote; leaves it just after the closing one.
  JsonFault skip_string(size_t* at) const {
    size_t i = *at + 1;
    while (i < length_) {
      const uint8_t c = text_[i];
      if (c == '"') {
        *at = i + 1;
        return JsonFault::none;
      }
      if (c == '\\') {
        if (i + 1 >= length_) return JsonFault::syntax;
        const uint8_t e = text_[i + 1];
        if (e == 'u') {
          const int32_t unit = hex_unit(i + 2);
          if (unit <= 0 || is_low_surrogate(unit)) return JsonFault::syntax;
          if (is_high_surrogate(unit)) {
            // Only as the first half of an escaped pair, which cJSON reads too.
            if (i + 7 >= length_ || text_[i + 6] != '\\' || text_[i + 7] != 'u' ||
                !is_low_surrogate(hex_unit(i + 8))) {
              return JsonFault::syntax;
            }
            i += 6;
          }
          i += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
          i += 2;
        } else {
          return JsonFault::syntax;
        }
      } else if (c < 0x20) {
        return JsonFault::syntax;
      } else if (c < 0x80) {
        ++i;
      } else {
        const size_t size = utf8_sequence(text_, i, length_);
        if (size == 0) return JsonFault::syntax;
        i += size;
      }
    }
    return JsonFault::syntax;
  }

  // The code unit of the four hex digits at text_[at], or -1. U+0000 is
  // refused by the caller: a C string ends there, JavaScript's does not.
  int32_t hex_unit(size_t at) const {
    if (at > length_ || length_ - at < 4) return -1;
    int32_t unit = 0;
    for (size_t h = at; h < at + 4; ++h) {
      const int digit = hex_value(text_[h]);
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  }

  // The length is measured once the number has ended by the grammar: a
  // malformed number is a syntax fault, however long.
  JsonFault skip_number(size_t* at) const {
    size_t i = *at;
    if (text_[i] == '-') ++i;
    if (i >= length_ || !is_digit(text_[i])) return JsonFault::syntax;
    if (text_[i] == '0') {
      ++i;
    } else {
      while (i < length_ && is_digit(text_[i])) ++i;
    }
    if (i < length_ && text_[i] == '.') {
      ++i;
      if (i >= length_ || !is_digit(text_[i])) return JsonFault::syntax;
      while (i < length_ && is_digit(text_[i])) ++i;
    }
    if (i < length_ && (text_[i] == 'e' || text_[i] == 'E')) {
      ++i;
      if (i < length_ && (text_[i] == '+' || text_[i] == '-')) ++i;
      if (i >= length_ || !is_digit(text_[i])) return JsonFault::syntax;
      while (i < length_ && is_digit(text_[i])) ++i;
    }
    if (i - *at > kJsonMaxNumberLength) return JsonFault::too_long_number;
    *at = i;
    return JsonFault::none;
  }

  JsonFault skip_literal(size_t* at, const char* literal) const {
    size_t i = *at;
    for (; *literal != '\0'; ++literal, ++i) {
      if (i >= length_ || text_[i] != uint8_t(*literal)) return JsonFault::syntax;
    }
    *at = i;
    return JsonFault::none;
  }

  // *at is where a key is due (whitespace allowed); reads the key, checks it
  // against the earlier keys of its object, and leaves *at after its colon.
  JsonFault read_key(size_t* at, size_t depth) {
    size_t i = skip_whitespace(*at);
    if (i >= length_ || text_[i] != '"') return JsonFault::syntax;
    const size_t start = i + 1;
    if (const JsonFault fault = skip_string(&i); fault != JsonFault::none) return fault;
    const uint8_t* key = text_ + start;
    const uint16_t hash = key_hash(key, space_.seed);
    const size_t base = key_base_[depth];
    for (size_t k = base; k < key_count_; ++k) {
      const JsonCheckSpace::Key& earlier = space_.keys[k];
      if (earlier.hash == hash &&
          same_key(text_ + earlier.offset, key, &space_.key_units_compared)) {
        return JsonFault::duplicate_key;
      }
    }
    if (key_count_ - base >= kJsonMaxKeysPerObject) return JsonFault::too_many_keys;
    // Never true (json_check.h, kJsonCheckSpaceKeys); keeps the write in bounds regardless.
    if (key_count_ >= kJsonCheckSpaceKeys) return JsonFault::too_many_values;
    space_.keys[key_count_++] = {hash, uint16_t(start)};
    i = skip_whitespace(i);
    if (i >= length_ || text_[i] != ':') return JsonFault::syntax;
    *at = i + 1;
    return JsonFault::none;
  }

  const uint8_t* text_;
  size_t length_;
  JsonCheckSpace& space_;
  size_t key_count_ = 0;                    // keys of all open objects
  size_t key_base_[kJsonMaxDepth + 1] = {};  // first key of the object at each level
};

}  // namespace

const char* json_fault_name(JsonFault fault) {
  switch (fault) {
    case JsonFault::none: return "ok";
    case JsonFault::syntax: return "syntax";
    case JsonFault::not_object: return "not_object";
    case JsonFault::too_deep: return "too_deep";
    case JsonFault::duplicate_key: return "duplicate_key";
    case JsonFault::too_many_keys: return "too_many_keys";
    case JsonFault::too_many_values: return "too_many_values";
    case JsonFault::too_long_number: return "too_long_number";
    case JsonFault::too_long: return "too_long";
  }
  return "?";
}

JsonFault json_check(const char* text, size_t length, JsonCheckSpace& space) {
  space.key_units_compared = 0;
  if (length > kJsonMaxCheckedLength) return JsonFault::too_long;
  return Scanner(text, length, space).run();
}

uint16_t json_key_hash(const char* key, uint32_t seed) {
  return key_hash(reinterpret_cast<const uint8_t*>(key), seed);
}

}  // namespace hearth
