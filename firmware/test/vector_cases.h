// Reading the cases of protocol/vectors/*.json and judging a thermostat's answer to one, the same
// way in every table test (test_message_tables.cpp, test_owntracks_vectors.cpp).
#pragma once
#include <string>
#include <vector>

#include "fakes.h"

namespace hearth::testing {

// A case's string field; "" when it is absent or not a string.
inline std::string text_of(const cJSON* object, const char* name) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  return cJSON_IsString(item) ? item->valuestring : "";
}

inline bool flag_of(const cJSON* object, const char* name) {
  return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(object, name));
}

// The vectors' placeholder (a session, a thermostat ID) swapped for the bench's, everywhere.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Boots the bench's thermostat, brings it online and opens a session for app 1: where a case is replayed.
inline App online_with_app(Bench& bench) {
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  return app;
}

// Holds the thermostat's replies to one message case against the case's `thermostat` answer
// ("dropped", "stale_session", "no_clock" or a STATE) and `result` ("accepted" or the STATE's error).
// True when the answer is a STATE, for the caller's further checks of replies[0].
inline bool check_case_answer(const std::vector<std::string>& replies, const std::string& answer,
                              const std::string& result) {
  if (answer == "dropped") {
    CHECK(replies.empty());
    return false;
  }
  REQUIRE(replies.size() == 1);
  Json reply(replies[0]);
  if (answer == "no_clock") {  // refused by the thermostat for want of a clock, whatever the validator says
    CHECK(reply.str("type") == "STATE");
    CHECK(reply.str("error") == "no_clock");
    return true;
  }
  if (answer == "history") {  // answered by a HISTORY (docs/protocol.md "Messages"), not a STATE
    CHECK(reply.str("type") == "HISTORY");
    return false;
  }
  if (answer == "stale_session") {
    CHECK(reply.str("type") == "ERROR");
    CHECK(reply.str("code") == "stale_session");
    return false;
  }
  CHECK(reply.str("type") == "STATE");
  if (result == "accepted") {
    CHECK(reply.is_null("error"));
  } else {
    CHECK(reply.str("error") == result);
  }
  return true;
}

}  // namespace hearth::testing
