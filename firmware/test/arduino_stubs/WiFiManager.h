// Stand-in for tzapu/WiFiManager 2.0.17 <WiFiManager.h>: what main.cpp uses.
#pragma once
#include <functional>

#include "ESP8266WiFi.h"

class WiFiManagerParameter {
 public:
  WiFiManagerParameter(const char* custom);
  WiFiManagerParameter(const char* id, const char* label, const char* defaultValue, int length);
  ~WiFiManagerParameter();
  const char* getValue() const;
  void setValue(const char* defaultValue, int length);
};

class WiFiManager {
 public:
  WiFiManager();
  ~WiFiManager();
  bool autoConnect(const char* apName, const char* apPassword = NULL);
  bool process();
  void resetSettings();
  void setConfigPortalBlocking(bool shouldBlock);
  void setSaveParamsCallback(std::function<void()> func);
  bool addParameter(WiFiManagerParameter* p);
};
