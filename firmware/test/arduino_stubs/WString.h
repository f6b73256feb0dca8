// Stand-in for the ESP8266 core's String (cores/esp8266/WString.h, 3.1.2): what main.cpp uses.
#pragma once
#include <stddef.h>

class String {
 public:
  String(const char* cstr = "");
  String(const String& other);
  String(String&& other) noexcept;
  ~String();
  String& operator=(const String& rhs);
  String& operator=(const char* cstr);
  String& operator+=(const String& rhs);
  String& operator+=(const char* cstr);
  String& operator+=(char c);
  unsigned int length() const;
  const char* c_str() const;
  bool startsWith(const String& prefix) const;
  String substring(unsigned int beginIndex) const;
  void toCharArray(char* buf, unsigned int bufsize, unsigned int index = 0) const;
  bool equals(const char* cstr) const;
  bool operator==(const String& rhs) const;
  bool operator==(const char* cstr) const;
};

String operator+(const String& lhs, const String& rhs);
String operator+(const String& lhs, const char* rhs);
String operator+(const char* lhs, const String& rhs);
