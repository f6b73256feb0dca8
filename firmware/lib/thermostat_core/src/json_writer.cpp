#include "json_writer.h"

#include <stdio.h>

namespace hearth {

void JsonWriter::terminate() {
  if (capacity_ > 0) out_[length_ < capacity_ ? length_ : capacity_ - 1] = '\0';
}

void JsonWriter::put(char c) {
  if (length_ + 1 >= capacity_) {
    overflow_ = true;
    return;
  }
  out_[length_++] = c;
  out_[length_] = '\0';
}

void JsonWriter::put(const char* text) {
  while (*text) put(*text++);
}

void JsonWriter::put_escaped(const char* text) {
  put('"');
  for (; *text; ++text) {
    const unsigned char c = static_cast<unsigned char>(*text);
    if (c == '"' || c == '\\') {
      put('\\');
      put(char(c));
    } else if (c < 0x20) {
      char escaped[8];
      snprintf(escaped, sizeof escaped, "\\u%04x", c);
      put(escaped);
    } else {
      put(char(c));
    }
  }
  put('"');
}

void JsonWriter::comma() {
  if (need_comma_) put(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::key(const char* name) {
  comma();
  if (name) {
    put_escaped(name);
    put(':');
  }
  return *this;
}

JsonWriter& JsonWriter::begin_object(const char* name) {
  key(name);
  put('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  put('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array(const char* name) {
  key(name);
  put('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  put(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(const char* name, const char* value) {
  key(name);
  put_escaped(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(const char* name, bool value) {
  key(name);
  put(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null(const char* name) {
  key(name);
  put("null");
  return *this;
}

JsonWriter& JsonWriter::integer(const char* name, uint64_t value) {
  key(name);
  char digits[24];
  int n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) put(digits[--n]);
  return *this;
}

JsonWriter& JsonWriter::number(const char* name, double value, int decimals) {
  if (!(value > -1e9 && value < 1e9)) return null(name);
  key(name);
  int scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  // Fixed point, so that 20.5 prints as 20.5 and never as 20.499999.
  long long scaled = static_cast<long long>(value * scale + (value >= 0 ? 0.5 : -0.5));
  if (scaled < 0) {
    put('-');
    scaled = -scaled;
  }
  char text[32];
  snprintf(text, sizeof text, "%lld", scaled / scale);
  put(text);
  long long fraction = scaled % scale;
  if (fraction != 0) {
    put('.');
    int digits = decimals;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    snprintf(text, sizeof text, "%0*lld", digits, fraction);
    put(text);
  }
  return *this;
}

}  // namespace hearth
