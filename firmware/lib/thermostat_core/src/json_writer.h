// A bounded JSON writer into a caller's buffer. Replies are written without
// the heap because the ESP8266 has about 40 KB of it and fragments easily;
// parsing uses cJSON. Overflow is sticky and reported by ok().
#pragma once
#include "core_types.h"

namespace hearth {

class JsonWriter {
 public:
  JsonWriter(char* out, size_t capacity) : out_(out), capacity_(capacity) { terminate(); }

  // An object as the value of `key` in the object being written; nullptr for the outermost one
  // or an element of a list.
  JsonWriter& begin_object(const char* key = nullptr);
  JsonWriter& end_object();
  JsonWriter& begin_array(const char* key);
  JsonWriter& end_array();
  JsonWriter& key(const char* name);
  JsonWriter& string(const char* key, const char* value);
  JsonWriter& boolean(const char* key, bool value);
  JsonWriter& null(const char* key);
  JsonWriter& integer(const char* key, uint64_t value);
  // Rounded to `decimals` (0..2); written as null when not finite.
  JsonWriter& number(const char* key, double value, int decimals);

  bool ok() const { return !overflow_; }
  size_t length() const { return length_; }

 private:
  void comma();
  void put(char c);
  void put(const char* text);
  void put_escaped(const char* text);
  void terminate();

  char* out_;
  size_t capacity_;
  size_t length_ = 0;
  bool overflow_ = false;
  bool need_comma_ = false;
};

}  // namespace hearth
