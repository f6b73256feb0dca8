// The layer 7 message tables of protocol/vectors/messages.json (docs/protocol.md "Messages"), which
// the app's validator (protocol/messages.test.ts) runs too: every START, SET and HOME_set case is
// sealed to a real thermostat as an app sends it, and every STATE the thermostat writes is held
// against the table's description of a STATE.
#include <doctest/doctest.h>

#include <set>

#include "fakes.h"
#include "history_check.h"
#include "vector_cases.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

struct Tables {
  Json root{read_vector_file("messages.json")};
  cJSON* state() const { return root.get("state"); }
  cJSON* fields() const { return cJSON_GetObjectItemCaseSensitive(state(), "fields"); }
  cJSON* member_fields() const { return cJSON_GetObjectItemCaseSensitive(state(), "member_fields"); }
};

// What a JavaScript string's length would be: UTF-16 code units.
size_t utf16_length(const std::string& text) {
  size_t units = 0;
  for (unsigned char c : text) {
    if ((c & 0xc0) != 0x80) ++units;  // a lead byte starts a code point
    if ((c & 0xf8) == 0xf0) ++units;  // beyond the BMP: a surrogate pair
  }
  return units;
}

bool base64url_text(const std::string& text, size_t min, size_t max) {
  if (text.size() < min || text.size() > max) return false;
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

// As a START's nonce (docs/protocol.md "Sessions and replay"): strict base64url of 12 to 48 bytes.
bool start_nonce_text(const std::string& text) {
  uint8_t bytes[48];
  return text.size() >= 16 && text.size() <= 64 &&
         base64url_decode(text.data(), text.size(), bytes, sizeof bytes).ok();
}

void check_object(const cJSON* object, const cJSON* fields, const Tables& tables,
                  const std::string& where, std::vector<std::string>& problems);

// A STATE's temperature in target's range, on the 0.1 step when asked (a schedule's) or not (a held
// or overriding set point, which may be off it as target may).
bool celsius_value(const cJSON* value, bool on_step) {
  if (!cJSON_IsNumber(value) || !(value->valuedouble >= 5.0 && value->valuedouble <= 30.0)) return false;
  const double tenths = value->valuedouble * 10.0;
  const double off = tenths - static_cast<double>(static_cast<int64_t>(tenths + 0.5));
  return !on_step || (off <= 0.01 && off >= -0.01);
}

bool whole_value(const cJSON* value, double min, double max) {
  return cJSON_IsNumber(value) && value->valuedouble >= min && value->valuedouble <= max &&
         static_cast<double>(static_cast<int64_t>(value->valuedouble)) == value->valuedouble;
}

bool time_value(const cJSON* value) { return whole_value(value, 1704067200, 4102444799); }

// docs/protocol.md "The weekly schedule", as SET allows it.
bool schedule_value(const cJSON* value) {
  if (!cJSON_IsArray(value) || cJSON_GetArraySize(value) != 7) return false;
  const cJSON* day;
  cJSON_ArrayForEach(day, value) {
    if (!cJSON_IsArray(day) || cJSON_GetArraySize(day) > 6) return false;
    double last = -1;
    const cJSON* point;
    cJSON_ArrayForEach(point, day) {
      if (!cJSON_IsArray(point) || cJSON_GetArraySize(point) != 2) return false;
      const cJSON* minute = cJSON_GetArrayItem(point, 0);
      if (!whole_value(minute, 0, 1439) || minute->valuedouble <= last) return false;
      if (!celsius_value(cJSON_GetArrayItem(point, 1), true)) return false;
      last = minute->valuedouble;
    }
  }
  return true;
}

// STATE's manual, boost, away_until and next objects (null is the field's nullable business).
bool override_value(const std::string& kind, const cJSON* value, const Tables& tables);

// A list field: false (and said) when it is no list; too many items are said, and the items still checked.
bool list_within_max_items(const cJSON* value, const cJSON* field, const std::string& at,
                           std::vector<std::string>& problems) {
  if (!cJSON_IsArray(value)) {
    problems.push_back(at + " is not a list");
    return false;
  }
  const cJSON* max_items = cJSON_GetObjectItemCaseSensitive(field, "max_items");
  if (max_items != nullptr && cJSON_GetArraySize(value) > max_items->valueint) {
    problems.push_back(at + " has too many items");
  }
  return true;
}

// Holds one field of `object` against its description in the tables; adds what is wrong.
void check_field(const cJSON* object, const cJSON* field, const Tables& tables,
                 const std::string& where, std::vector<std::string>& problems) {
  const std::string name = text_of(field, "name");
  const std::string kind = text_of(field, "kind");
  const std::string at = where + name;
  const cJSON* value = cJSON_GetObjectItemCaseSensitive(object, name.c_str());
  if (value == nullptr) {
    if (!flag_of(field, "optional")) problems.push_back(at + " is missing");
    return;
  }
  const std::string null_when_false = text_of(field, "null_when_false");
  if (!null_when_false.empty()) {
    const bool should_be_null =
        cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(object, null_when_false.c_str()));
    if (cJSON_IsNull(value) != should_be_null) {
      problems.push_back(at + (should_be_null ? " is not null" : " is null") + " with " +
                         null_when_false + (should_be_null ? " false" : " true"));
    }
    if (should_be_null) return;
  }
  // null exactly when every field it names has the value it gives (distance and source).
  const cJSON* null_when = cJSON_GetObjectItemCaseSensitive(field, "null_when");
  if (null_when != nullptr) {
    bool should_be_null = true;
    const cJSON* condition;
    cJSON_ArrayForEach(condition, null_when) {
      const cJSON* other = cJSON_GetObjectItemCaseSensitive(object, condition->string);
      should_be_null &= cJSON_Compare(other, condition, true) != 0;
    }
    if (cJSON_IsNull(value) != should_be_null) {
      problems.push_back(at + (should_be_null ? " is not null" : " is null"));
    }
    if (should_be_null) return;
  }
  // null exactly when the field it names is null (time and clock).
  const std::string null_with = text_of(field, "null_with");
  if (!null_with.empty()) {
    const bool should_be_null = cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(object, null_with.c_str()));
    if (cJSON_IsNull(value) != should_be_null) {
      problems.push_back(at + (should_be_null ? " is not null" : " is null") + " with " + null_with);
    }
    if (should_be_null) return;
  }
  // null whenever the field it names is null (next while time is).
  const std::string needs = text_of(field, "needs");
  if (!needs.empty() && !cJSON_IsNull(value) &&
      cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(object, needs.c_str()))) {
    problems.push_back(at + " is not null while " + needs + " is");
  }
  if (cJSON_IsNull(value)) {
    if (!flag_of(field, "nullable")) problems.push_back(at + " is null");
    return;
  }
  const cJSON* min = cJSON_GetObjectItemCaseSensitive(field, "min");
  const cJSON* max = cJSON_GetObjectItemCaseSensitive(field, "max");
  if (kind == "number" || kind == "integer") {
    if (!cJSON_IsNumber(value)) {
      problems.push_back(at + " is not a number");
      return;
    }
    const double d = value->valuedouble;
    if (kind == "integer" && static_cast<double>(static_cast<int64_t>(d)) != d) {
      problems.push_back(at + " is not an integer");
    }
    if (min != nullptr && !(d >= min->valuedouble)) problems.push_back(at + " is below its minimum");
    if (max != nullptr && !(d <= max->valuedouble)) problems.push_back(at + " is above its maximum");
  } else if (kind == "boolean") {
    if (!cJSON_IsBool(value)) problems.push_back(at + " is not true or false");
  } else if (kind == "string" || kind == "token" || kind == "nonce" || kind == "id") {
    if (!cJSON_IsString(value)) {
      problems.push_back(at + " is not text");
      return;
    }
    const std::string text = value->valuestring;
    if (kind == "token" && !base64url_text(text, 16, 128)) problems.push_back(at + " is no token");
    if (kind == "nonce" && !start_nonce_text(text)) problems.push_back(at + " is no nonce");
    if (kind == "id" && !base64url_text(text, kIdLength, kIdLength)) problems.push_back(at + " is no ID");
    const cJSON* values = cJSON_GetObjectItemCaseSensitive(field, "values");
    if (values != nullptr) {
      bool known = false;
      const cJSON* allowed;
      cJSON_ArrayForEach(allowed, values) known |= text == allowed->valuestring;
      if (!known) problems.push_back(at + " is not one of its values: " + text);
    }
    const cJSON* max_length = cJSON_GetObjectItemCaseSensitive(field, "max_length");
    if (max_length != nullptr && utf16_length(text) > static_cast<size_t>(max_length->valueint)) {
      problems.push_back(at + " is too long");
    }
  } else if (kind == "members") {
    if (!list_within_max_items(value, field, at, problems)) return;
    std::set<std::string> ids;
    const cJSON* member;
    int index = 0;
    cJSON_ArrayForEach(member, value) {
      const std::string here = at + "[" + std::to_string(index++) + "].";
      if (!cJSON_IsObject(member)) {
        problems.push_back(here + " is not an object");
        continue;
      }
      if (!ids.insert(text_of(member, "id")).second) problems.push_back(here + "id twice");
      check_object(member, tables.member_fields(), tables, here, problems);
    }
  } else if (kind == "ids") {
    if (!list_within_max_items(value, field, at, problems)) return;
    std::set<std::string> ids;
    const cJSON* id;
    cJSON_ArrayForEach(id, value) {
      const std::string text = cJSON_IsString(id) ? id->valuestring : "";
      if (!base64url_text(text, kIdLength, kIdLength)) problems.push_back(at + " holds no ID");
      if (!ids.insert(text).second) problems.push_back(at + " holds an ID twice");
    }
  } else if (kind == "time_zone") {
    TimeZone zone;
    if (!cJSON_IsString(value) || strlen(value->valuestring) > kMaxTimeZoneBytes ||
        !parse_time_zone(value->valuestring, strlen(value->valuestring), &zone)) {
      problems.push_back(at + " is no time zone");
    }
  } else if (kind == "schedule") {
    if (!schedule_value(value)) problems.push_back(at + " is no schedule");
  } else if (kind == "manual" || kind == "boost" || kind == "away_until" || kind == "next") {
    if (!override_value(kind, value, tables)) problems.push_back(at + " is no " + kind);
  } else {
    problems.push_back(at + " has a kind this test does not know: " + kind);
  }
}

bool override_value(const std::string& kind, const cJSON* value, const Tables& tables) {
  if (!cJSON_IsObject(value)) return false;
  auto item = [value](const char* name) { return cJSON_GetObjectItemCaseSensitive(value, name); };
  if (kind == "manual") {
    return celsius_value(item("setpoint"), false) && (cJSON_IsNull(item("until")) || time_value(item("until")));
  }
  if (kind == "boost") return celsius_value(item("setpoint"), false) && time_value(item("until"));
  if (kind == "away_until") return time_value(item("until")) && whole_value(item("preheat_minutes"), 0, 720);
  // next: its source one of the sources its description lists (those the table of "Which set point holds" gives).
  const cJSON* source = item("source");
  bool known = false;
  const cJSON* field;
  cJSON_ArrayForEach(field, tables.fields()) {
    if (text_of(field, "name") != "next" || !cJSON_IsString(source)) continue;
    const cJSON* allowed;
    cJSON_ArrayForEach(allowed, cJSON_GetObjectItemCaseSensitive(field, "sources")) {
      known |= std::string(source->valuestring) == allowed->valuestring;
    }
  }
  return time_value(item("at")) && celsius_value(item("setpoint"), false) && known;
}

void check_object(const cJSON* object, const cJSON* fields, const Tables& tables,
                  const std::string& where, std::vector<std::string>& problems) {
  const cJSON* field;
  cJSON_ArrayForEach(field, fields) check_field(object, field, tables, where, problems);
}

// Everything wrong with a STATE by the tables; empty when the app must accept it.
std::vector<std::string> state_problems(const std::string& plaintext, const Tables& tables) {
  std::vector<std::string> problems;
  Json state(plaintext);
  if (!cJSON_IsObject(state.root)) return {"not a JSON object: " + plaintext};
  check_object(state.root, tables.fields(), tables, "", problems);
  return problems;
}

// The thermostat's settings in the tables' terms: temperatures in hundredths, the mode by name.
std::map<std::string, std::string> settings_of(const Settings& s) {
  return {{"target", std::to_string(s.target)},
          {"away_target", std::to_string(s.away_target)},
          {"hysteresis", std::to_string(s.hysteresis)},
          {"mode", mode_name(s.mode)}};
}

// Applies a table's settings object onto `base`.
std::map<std::string, std::string> merged(std::map<std::string, std::string> base,
                                          const cJSON* settings) {
  const cJSON* item;
  cJSON_ArrayForEach(item, settings) {
    base[item->string] = cJSON_IsString(item) ? std::string(item->valuestring)
                                              : std::to_string(static_cast<Centi>(item->valuedouble));
  }
  return base;
}

const Peer* peer_of(const Bench& bench, const App& app) {
  for (const Peer& peer : bench.core->peers()) {
    if (peer.used && app.id() == peer.id) return &peer;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("message tables: the thermostat's defaults are the tables' settings_before") {
  Tables tables;
  CHECK(settings_of(Settings()) == merged({}, tables.root.get("settings_before")));
}

TEST_CASE("message tables: every SET and HOME_set case, sealed to a real thermostat") {
  Tables tables;
  const std::string vector_session = tables.root.str("session");
  const auto before = merged({}, tables.root.get("settings_before"));
  const cJSON* command;
  int cases = 0;
  cJSON_ArrayForEach(command, tables.root.get("commands")) {
    ++cases;
    const std::string why = text_of(command, "why");
    const std::string result = text_of(command, "result");
    const std::string answer = text_of(command, "thermostat");
    CAPTURE(why);
    Bench bench;
    App app = online_with_app(bench);
    REQUIRE(app.session.size() == vector_session.size());
    bench.link.sent.clear();
    bench.deliver(app.seal("MSG", replaced(text_of(command, "text"), vector_session, app.session)));

    const std::vector<std::string> replies = bench.all_for(app);
    if (check_case_answer(replies, answer, result)) {
      CHECK(state_problems(replies[0], tables).empty());
      // What an accepted SET shows: each field the case names, as the STATE answering it has it.
      const cJSON* shown;
      Json reply(replies[0]);
      cJSON_ArrayForEach(shown, cJSON_GetObjectItemCaseSensitive(command, "state")) {
        if (!answer.empty()) break;
        CAPTURE(std::string(shown->string));
        CHECK(cJSON_Compare(reply.get(shown->string), shown, true));
      }
    }

    if (answer == "history") {
      // A HISTORY_get: the HISTORY the app must accept, with what the case says it holds.
      REQUIRE(replies.size() == 1);
      CHECK(history_problems(replies[0]).empty());
      Json reply(replies[0]);
      CHECK(reply.str("session") == app.session);
      const cJSON* shown;
      cJSON_ArrayForEach(shown, cJSON_GetObjectItemCaseSensitive(command, "history")) {
        CAPTURE(std::string(shown->string));
        CHECK(cJSON_Compare(reply.get(shown->string), shown, true));
      }
    }
    const bool accepted = result == "accepted" && answer.empty();
    const cJSON* settings = cJSON_GetObjectItemCaseSensitive(command, "settings");
    CHECK(settings_of(bench.core->settings()) == (accepted ? merged(before, settings) : before));
    const cJSON* presence = cJSON_GetObjectItemCaseSensitive(command, "presence");
    const Peer* peer = peer_of(bench, app);
    REQUIRE(peer != nullptr);
    CHECK(peer->has_presence == (accepted && presence != nullptr));
    if (accepted && presence != nullptr) {
      CHECK(peer->home == flag_of(presence, "home"));
      CHECK(peer->distance == cJSON_GetObjectItemCaseSensitive(presence, "distance")->valuedouble);
    }
  }
  CHECK(cases > 100);
}

TEST_CASE("message tables: every START case, sealed to a real thermostat") {
  Tables tables;
  const cJSON* start;
  int cases = 0;
  cJSON_ArrayForEach(start, tables.root.get("start")) {
    ++cases;
    const std::string why = text_of(start, "why");
    const std::string text = text_of(start, "text");
    CAPTURE(why);
    Bench bench;
    REQUIRE(bench.boot() == Error::none);
    bench.online();
    App app = bench.app(1);
    bench.start(app, "Ana's phone");
    const std::string session_before = app.session;
    REQUIRE(!session_before.empty());
    bench.link.sent.clear();
    bench.deliver(app.seal("START", text));

    const std::vector<std::string> replies = bench.all_for(app);
    const Peer* peer = peer_of(bench, app);
    REQUIRE(peer != nullptr);
    if (text_of(start, "result") == "accepted") {
      REQUIRE(replies.size() == 1);
      Json state(replies[0]);
      CHECK(state.str("type") == "STATE");
      CHECK(state.num("seq") == 1);
      CHECK(state.str("nonce") == Json(text).str("nonce"));
      CHECK(state.str("session") != session_before);
      CHECK(state_problems(replies[0], tables).empty());
      CHECK(std::string(peer->name) == text_of(start, "kept_name"));
    } else {
      // Dropped without an answer; the session and name the app had stay.
      CHECK(replies.empty());
      CHECK(std::string(peer->session) == session_before);
      CHECK(std::string(peer->name) == "Ana's phone");
    }
  }
  CHECK(cases > 30);
}

TEST_CASE("message tables: the state cases agree with the field descriptions") {
  // The C++ reading of the descriptions must say what the app's validator says of the cases,
  // or the check of the thermostat's own STATEs below would prove nothing.
  Tables tables;
  const cJSON* example = cJSON_GetObjectItemCaseSensitive(tables.state(), "example");
  const cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(tables.state(), "cases")) {
    const std::string why = text_of(c, "why");
    CAPTURE(why);
    cJSON* state = cJSON_Duplicate(example, true);
    const cJSON* change;
    cJSON_ArrayForEach(change, cJSON_GetObjectItemCaseSensitive(c, "change")) {
      cJSON_DeleteItemFromObjectCaseSensitive(state, change->string);
      cJSON_AddItemToObject(state, change->string, cJSON_Duplicate(change, true));
    }
    const cJSON* removed;
    cJSON_ArrayForEach(removed, cJSON_GetObjectItemCaseSensitive(c, "remove")) {
      cJSON_DeleteItemFromObjectCaseSensitive(state, removed->valuestring);
    }
    CHECK(state_problems(json_text(state), tables).empty() == flag_of(c, "valid"));
  }
}

TEST_CASE("message tables: the history cases agree with the C++ reading of a HISTORY") {
  // history_check.h must say what the app's validator says of the cases, or the checks of the
  // thermostat's own HISTORYs would prove nothing.
  Tables tables;
  const cJSON* history = tables.root.get("history");
  const cJSON* example = cJSON_GetObjectItemCaseSensitive(history, "example");
  const cJSON* c;
  int cases = 0;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(history, "cases")) {
    ++cases;
    const std::string why = text_of(c, "why");
    CAPTURE(why);
    cJSON* message = cJSON_Duplicate(example, true);
    const cJSON* change;
    cJSON_ArrayForEach(change, cJSON_GetObjectItemCaseSensitive(c, "change")) {
      cJSON_DeleteItemFromObjectCaseSensitive(message, change->string);
      cJSON_AddItemToObject(message, change->string, cJSON_Duplicate(change, true));
    }
    const cJSON* removed;
    cJSON_ArrayForEach(removed, cJSON_GetObjectItemCaseSensitive(c, "remove")) {
      cJSON_DeleteItemFromObjectCaseSensitive(message, removed->valuestring);
    }
    CHECK(history_problems(json_text(message)).empty() == flag_of(c, "valid"));
  }
  CHECK(cases > 40);
}

TEST_CASE("message tables: every STATE the thermostat writes is one the app must accept") {
  Tables tables;
  Bench bench;
  bench.boot();
  bench.online();
  bench.run_for(6000);
  std::vector<App> apps;
  for (uint8_t i = 0; i < kMaxPeers; ++i) apps.push_back(bench.app(uint8_t(i + 1)));
  std::vector<std::string> states;
  // Every STATE sent since the last call, to any app: answers and the pushes they cause.
  auto collect = [&]() {
    for (App& app : apps) {
      for (const std::string& s : bench.all_for(app)) states.push_back(s);
    }
    bench.link.sent.clear();
  };

  // The answer to START, with its nonce; names at the longest the thermostat keeps, in UTF-8.
  for (App& app : apps) {
    bench.start(app, "Ελληνικά ονόματα είναι μακριά και πολλά");
    collect();
  }
  // Every app reports presence: eight members, at both ends of the distance range.
  for (size_t i = 0; i < apps.size(); ++i) {
    const std::string distance = i % 2 == 0 ? "0" : "100000000";
    bench.deliver(apps[i].command("HOME_set", std::string("\"home\":") + (i == 0 ? "true" : "false") +
                                                  ",\"distance\":" + distance));
    collect();
  }
  App& ana = apps[0];
  // Settings at both ends of their ranges, refused ones, and the pushes they cause.
  bench.deliver(ana.command("SET", "\"target\":30,\"away_target\":25,\"hysteresis\":2,\"mode\":\"away\""));
  collect();
  bench.deliver(ana.command("SET", "\"target\":5,\"away_target\":5,\"hysteresis\":0.1,\"mode\":\"home\""));
  collect();
  bench.deliver(ana.command("SET", "\"target\":31"));
  collect();
  bench.deliver(ana.command("SET", "\"target\":\"warm\""));
  collect();
  bench.deliver(ana.command("SET", "\"target\":25"));
  collect();
  // Cold: the heater turns on; hours pass and the members' reports age.
  bench.sensor.set_temperature(15.0f);
  bench.run_for(3 * 60 * 60 * 1000, 60000);
  bench.deliver(ana.command("SET", ""));
  collect();
  // The sensor fails: readings become null.
  bench.sensor.fail();
  bench.run_for(70000);
  bench.deliver(ana.command("SET", ""));
  collect();
  // Storage refuses the write of a change.
  bench.storage.fail_writes = true;
  bench.deliver(ana.command("SET", "\"target\":22"));
  collect();

  REQUIRE(states.size() >= apps.size() * 2 + 6);
  bool heater_seen = false, members_full = false, nulls_seen = false;
  for (const std::string& s : states) {
    std::string problems;
    for (const std::string& problem : state_problems(s, tables)) problems += problem + "; ";
    CHECK_MESSAGE(problems.empty(), problems, " in ", s);
    Json state(s);
    heater_seen |= state.truthy("heater");
    members_full |= cJSON_GetArraySize(state.get("members")) == static_cast<int>(kMaxPeers);
    nulls_seen |= state.is_null("temperature");
  }
  CHECK(heater_seen);
  CHECK(members_full);
  CHECK(nulls_seen);
}
