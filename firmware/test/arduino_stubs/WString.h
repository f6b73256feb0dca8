// Stand-in for the ESP8266 core's String (cores/esp8266/WString.h, 3.1.2): the members an
// adapter may meet (ESP8266WiFi returns some names as String). The glue keeps text in fixed
// buffers; a String allocates on the heap.
#pragma once
#include <stddef.h>

#include "pgmspace.h"

class __FlashStringHelper;
#define FPSTR(pstr_pointer) (reinterpret_cast<const __FlashStringHelper*>(pstr_pointer))
#define F(string_literal) (FPSTR(PSTR(string_literal)))

class String {
 public:
  String();
  String(const char* cstr);
  String(const String& str);
  String(const __FlashStringHelper* str);
  String(String&& rval) noexcept;
  explicit String(char c);
  explicit String(int value);
  explicit String(unsigned int value);
  explicit String(long value);
  explicit String(unsigned long value);
  ~String();
  bool reserve(unsigned int size);
  unsigned int length(void) const;
  void clear(void);
  bool isEmpty(void) const;
  String& operator=(const String& rhs);
  String& operator=(String&& rval) noexcept;
  String& operator=(const char* cstr);
  bool concat(const String& str);
  bool concat(const char* cstr);
  bool concat(const char* cstr, unsigned int length);
  bool concat(char c);
  String& operator+=(const String& rhs);
  String& operator+=(const char* cstr);
  String& operator+=(char c);
  explicit operator bool() const;
  bool equals(const String& s) const;
  bool equals(const char* cstr) const;
  bool operator==(const String& rhs) const;
  bool operator==(const char* cstr) const;
  bool operator!=(const String& rhs) const;
  bool operator!=(const char* cstr) const;
  bool startsWith(const String& prefix) const;
  bool startsWith(const char* prefix) const;
  bool endsWith(const String& suffix) const;
  bool endsWith(const char* suffix) const;
  char charAt(unsigned int index) const;
  char operator[](unsigned int index) const;
  void getBytes(unsigned char* buf, unsigned int bufsize, unsigned int index = 0) const;
  void toCharArray(char* buf, unsigned int bufsize, unsigned int index = 0) const;
  const char* c_str() const;
  int indexOf(char ch, unsigned int fromIndex = 0) const;
  int indexOf(const char* str, unsigned int fromIndex = 0) const;
  String substring(unsigned int beginIndex) const;
  String substring(unsigned int beginIndex, unsigned int endIndex) const;
  void trim(void);
  long toInt(void) const;
};

String operator+(const String& lhs, const String& rhs);
String operator+(const char* lhs, const String& rhs);
String operator+(const String& lhs, const char* rhs);  // the real one is a template over T
extern const String emptyString;
