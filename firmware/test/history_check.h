// A HISTORY as the app's validator takes it (docs/protocol.md "Messages"), read in C++: the
// `history` cases of protocol/vectors/messages.json say what it must accept, and every HISTORY the
// thermostat writes is held against it.
#pragma once
#include <cjson/cJSON.h>

#include <string>
#include <vector>

#include "codec.h"

namespace hearth::testing {

inline bool history_whole(const cJSON* v, double lo, double hi) {
  return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi &&
         static_cast<double>(static_cast<int64_t>(v->valuedouble)) == v->valuedouble;
}

// Everything wrong with a HISTORY; empty when the app must accept it.
inline std::vector<std::string> history_problems(const std::string& text) {
  std::vector<std::string> problems;
  cJSON* root = cJSON_Parse(text.c_str());
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return {"not a JSON object"};
  }
  auto item = [root](const char* name) { return cJSON_GetObjectItemCaseSensitive(root, name); };
  const cJSON* type = item("type");
  if (!cJSON_IsString(type) || std::string(type->valuestring) != "HISTORY") problems.push_back("type");
  const cJSON* session = item("session");
  const std::string s = cJSON_IsString(session) ? session->valuestring : "";
  bool b64 = s.size() >= 16 && s.size() <= 128;
  for (char c : s) b64 &= (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  if (!b64) problems.push_back("session");
  if (!history_whole(item("seq"), 1, 9007199254740991.0)) problems.push_back("seq");
  const cJSON* time = item("time");
  if (!cJSON_IsNull(time) && !history_whole(time, 1704067200, 4102444799)) problems.push_back("time");
  const cJSON* from = item("from");
  if (!history_whole(from, 1704067200, 4102444799) || int64_t(from->valuedouble) % 600 != 0) problems.push_back("from");
  const cJSON* interval = item("interval_s");
  if (!cJSON_IsNumber(interval) || interval->valuedouble != 600) problems.push_back("interval_s");
  int length = -1;
  for (const char* name : {"temperature", "setpoint", "heater_s"}) {
    const cJSON* list = item(name);
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > 72) {
      problems.push_back(std::string(name) + " is no list of at most 72");
      continue;
    }
    if (length >= 0 && cJSON_GetArraySize(list) != length) problems.push_back("lists of different lengths");
    length = cJSON_GetArraySize(list);
    const cJSON* v;
    cJSON_ArrayForEach(v, list) {
      if (cJSON_IsNull(v)) continue;
      const std::string n = name;
      const bool ok =
          n == "temperature" ? cJSON_IsNumber(v) && v->valuedouble >= -20 && v->valuedouble <= 60
          : n == "setpoint"  ? cJSON_IsNumber(v) && v->valuedouble >= 5 && v->valuedouble <= 30
                             : history_whole(v, 0, 600) && int64_t(v->valuedouble) % 10 == 0;
      if (!ok) problems.push_back(n + " entry");
    }
  }
  cJSON_Delete(root);
  return problems;
}

}  // namespace hearth::testing
