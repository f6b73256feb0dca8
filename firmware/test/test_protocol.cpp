// Layer 6 client and layer 7 sessions, as docs/protocol.md describes them.
#include <doctest/doctest.h>

#include "fakes.h"
#include "vectors.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

// A bench whose thermostat holds the AES key of envelope.json.
void use_vector_key(Bench& bench) {
  Identity identity{};
  auto key = b64d("oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8");
  std::copy(key.begin(), key.end(), identity.key);
  identity.private_key[31] = 7;
  uint8_t blob[kIdentityBlobSize];
  encode_identity(identity, blob);
  bench.storage.blobs[Blob::identity].assign(blob, blob + sizeof blob);
  bench.storage.blobs[Blob::identity_backup].assign(blob, blob + sizeof blob);
}

std::string packet(const char* type, const std::string& transmitter, const std::string& receiver,
                   const std::string& data) {
  return std::string("{\"packet_type\":\"") + type + "\",\"transmitter\":\"" + transmitter +
         "\",\"receiver\":\"" + receiver + "\",\"data\":\"" + data + "\"}";
}

}  // namespace

TEST_CASE("layer 6: the CHALLENGE is answered in the next tick with a LOG_ON signed for nonce and host") {
  Bench bench;
  bench.boot();
  bench.core->link_opened(bench.now, kBrokerHost);
  CHECK(bench.link.sent.empty());  // nothing before the broker's CHALLENGE
  const std::string nonce = challenge_nonce(9);
  bench.deliver(challenge(nonce));
  CHECK(bench.link.sent.empty());  // not signed inside link_text
  bench.core->tick(bench.now);
  REQUIRE(bench.link.sent.size() == 1);
  Json logon(bench.link.sent[0]);
  CHECK(logon.str("packet_type") == "LOG_ON");
  CHECK(logon.str("transmitter") == bench.id());
  CHECK(logon.get("proof") == nullptr);
  CHECK(logon_verifies(logon.str("transmitter"), logon.str("public_key"), logon.str("signature"),
                       nonce, kBrokerHost));
  CHECK_FALSE(logon_verifies(logon.str("transmitter"), logon.str("public_key"),
                             logon.str("signature"), challenge_nonce(10), kBrokerHost));
  CHECK_FALSE(logon_verifies(logon.str("transmitter"), logon.str("public_key"),
                             logon.str("signature"), nonce, "evil.example"));
  CHECK_FALSE(bench.core->online());
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.size() == 1);  // one LOG_ON per CHALLENGE

  SUBCASE("an ACK for another ID does not log on") {
    bench.deliver(ack_log_on("GGXACDHnP37iP8E8stD1iL"));
    CHECK_FALSE(bench.core->online());
  }
  SUBCASE("a second CHALLENGE on the same connection is not answered") {
    bench.deliver(challenge(challenge_nonce(11)));
    bench.core->tick(bench.now);
    CHECK(bench.link.sent.size() == 1);
  }
  SUBCASE("ACK logs on; a reconnect answers the new connection's CHALLENGE") {
    bench.deliver(ack_log_on(bench.id()));
    CHECK(bench.core->online());
    bench.core->link_closed(bench.now);
    CHECK_FALSE(bench.core->online());
    bench.link.sent.clear();
    bench.core->link_opened(bench.now, "broker.example");
    bench.deliver(challenge(challenge_nonce(12)));
    bench.core->tick(bench.now);
    REQUIRE(bench.link.sent.size() == 1);
    Json again(bench.link.sent[0]);
    CHECK(again.str("public_key") == logon.str("public_key"));
    CHECK(logon_verifies(again.str("transmitter"), again.str("public_key"), again.str("signature"),
                         challenge_nonce(12), "broker.example"));
  }
  SUBCASE("no ACK within the logon timeout: the link is dropped for a reconnect") {
    bench.run_for(19000);
    CHECK(bench.link.drops == 0);
    bench.run_for(2000);
    CHECK(bench.link.drops == 1);
    bench.run_for(30000);
    CHECK(bench.link.drops == 1);
  }
  SUBCASE("ERROR not_logged_on (the broker forgot us): reconnect for a new CHALLENGE") {
    bench.deliver(ack_log_on(bench.id()));
    bench.link.sent.clear();
    bench.deliver("{\"packet_type\":\"ERROR\",\"code\":\"not_logged_on\",\"message\":\"x\"}");
    CHECK(bench.link.drops == 1);
    CHECK_FALSE(bench.core->online());
    bench.core->tick(bench.now);
    CHECK(bench.link.sent.empty());  // the used nonce is not signed again
  }
}

TEST_CASE("layer 6: a CHALLENGE whose nonce is not base64url of 32 bytes is not signed") {
  Bench bench;
  bench.boot();
  bench.core->link_opened(bench.now, kBrokerHost);
  const std::string good = challenge_nonce(3);
  for (const std::string& nonce :
       {std::string(""), good.substr(0, 42), good + "A", good.substr(0, 42) + "=",
        good.substr(0, 42) + "+", good.substr(0, 42) + "B" /* non-zero trailing bits */,
        std::string(43, '.')}) {
    CAPTURE(nonce);
    bench.deliver(challenge(nonce));
    bench.core->tick(bench.now);
    CHECK(bench.link.sent.empty());
  }
  bench.deliver("{\"packet_type\":\"CHALLENGE\",\"nonce\":5}");
  bench.deliver("{\"packet_type\":\"CHALLENGE\"}");
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.empty());
  SUBCASE("no good CHALLENGE within the logon timeout: the link is dropped") {
    bench.run_for(21000);
    CHECK(bench.link.drops == 1);
  }
  SUBCASE("a good one still is") {
    bench.deliver(challenge(good));
    bench.core->tick(bench.now);
    REQUIRE(bench.link.sent.size() == 1);
    Json logon(bench.link.sent[0]);
    CHECK(logon_verifies(logon.str("transmitter"), logon.str("public_key"), logon.str("signature"),
                         good, kBrokerHost));
  }
}

TEST_CASE("layer 6: a CHALLENGE before the link opened, or with no host to sign for, is not answered") {
  Bench bench;
  bench.boot();
  bench.deliver(challenge(challenge_nonce(1)));
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.empty());
  bench.core->link_opened(bench.now, "");
  bench.deliver(challenge(challenge_nonce(1)));
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.empty());
  bench.core->link_opened(bench.now, std::string(300, 'a').c_str());
  bench.deliver(challenge(challenge_nonce(1)));
  bench.core->tick(bench.now);
  CHECK(bench.link.sent.empty());
}

TEST_CASE("garbage from the broker is ignored without harm") {
  Bench bench;
  bench.boot();
  bench.online();
  for (std::string frame :
       {"", "null", "[]", "{", "{\"packet_type\":5}", "{\"packet_type\":\"MSG\"}",
        "{\"packet_type\":\"MSG\",\"transmitter\":\"x\",\"receiver\":\"y\",\"data\":1}",
        "{\"packet_type\":\"ERROR\"}", "{\"packet_type\":\"NOPE\"}"}) {
    bench.deliver(frame);
  }
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->online());
}

// envelope.json's recorded frames address the version 1 thermostat ID of its
// era, which no key pair has; test_codec.cpp opens and rejects every one of
// them. Here its plaintexts go through the whole thermostat, sealed anew
// with its key for the thermostat's own ID.
TEST_CASE("vectors: the recorded START opens a session echoing its nonce; stale SET gets ERROR") {
  Bench bench;
  use_vector_key(bench);
  REQUIRE(bench.boot() == Error::none);
  bench.online();
  Json vectors(read_vector_file("envelope.json"));
  cJSON* opens = cJSON_GetObjectItem(vectors.root, "open");
  auto plaintext_of = [&](int i) {
    return std::string(cJSON_GetObjectItem(cJSON_GetArrayItem(opens, i), "plaintext")->valuestring);
  };
  auto key = b64d(vectors.str("key"));
  App app(key.data(), bench.id(), 1);

  bench.deliver(app.seal("START", plaintext_of(0)));
  REQUIRE(bench.link.sent.size() == 1);
  Json state(app.open(bench.link.sent[0]));
  CHECK(state.str("type") == "STATE");
  CHECK(state.num("seq") == 1);
  CHECK(state.str("nonce") == "bm9uY2Utbm9uY2Ut");
  CHECK(b64d(state.str("session")).size() >= 12);
  CHECK(state.str("session") != "c2Vzc2lvbi0xMjM0");

  bench.link.sent.clear();
  bench.deliver(app.seal("MSG", plaintext_of(2)));  // SET in a session the thermostat never gave out
  REQUIRE(bench.link.sent.size() == 1);
  Json error(app.open(bench.link.sent[0]));
  CHECK(error.str("type") == "ERROR");
  CHECK(error.str("code") == "stale_session");
  CHECK(bench.core->settings().target == 2000);
}

TEST_CASE("START gives a fresh session per START, seq 1, all STATE fields") {
  Bench bench;
  bench.boot();
  bench.online();
  bench.run_for(6000);
  App app = bench.app(1);
  Json first(bench.start(app));
  CHECK(first.str("type") == "STATE");
  CHECK(first.num("seq") == 1);
  CHECK(first.str("nonce") == app.nonce);
  for (const char* field : {"temperature", "humidity", "pressure", "sensor_ok", "target",
                            "away_target", "hysteresis", "mode", "regime", "heater", "members",
                            "uptime_s", "error"}) {
    CAPTURE(field);
    CHECK(first.get(field) != nullptr);
  }
  CHECK(first.num("temperature") == doctest::Approx(20.0));
  CHECK(first.num("target") == doctest::Approx(20.0));
  CHECK(first.str("mode") == "auto");
  CHECK(first.is_null("error"));
  const std::string session = first.str("session");
  Json second(bench.start(app));
  CHECK(second.str("session") != session);
  CHECK(second.num("seq") == 1);
}

TEST_CASE("a replayed START frame only ever yields a new session") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  const std::string start_frame = app.start();
  bench.deliver(start_frame);
  app.session = Json(bench.last_for(app)).str("session");
  const std::string genuine = app.session;
  bench.deliver(app.command("SET", "\"target\":21"));
  bench.deliver(start_frame);  // an attacker replays the START
  const std::string replayed = Json(bench.last_for(app)).str("session");
  CHECK(replayed != genuine);
  CHECK(bench.core->settings().target == 2100);
}

TEST_CASE("SET: applied whole or not at all; every SET is answered") {
  struct Case {
    const char* fields;
    Centi target, away, hysteresis;
    const char* mode;
    const char* error;  // nullptr: success
  };
  const Case cases[] = {
      {"\"target\":21.5,\"away_target\":17,\"hysteresis\":0.5,\"mode\":\"away\"", 2150, 1700, 50,
       "away", nullptr},
      {"\"target\":21.54", 2000, 1600, 30, "auto", "out_of_range"},  // step 0.1
      {"\"target\":21.3", 2130, 1600, 30, "auto", nullptr},
      {"\"target\":5,\"away_target\":5,\"hysteresis\":0.1", 500, 500, 10, "auto", nullptr},
      {"\"target\":30,\"away_target\":25,\"hysteresis\":2", 3000, 2500, 200, "auto", nullptr},
      {"\"target\":30.1", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"target\":4.9", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"away_target\":25.5", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"hysteresis\":0.05", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"hysteresis\":2.5", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"target\":22,\"mode\":\"party\"", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"target\":22,\"away_target\":40", 2000, 1600, 30, "auto", "out_of_range"},
      {"\"target\":\"22\"", 2000, 1600, 30, "auto", "bad_message"},
      {"\"target\":22,\"mode\":1", 2000, 1600, 30, "auto", "bad_message"},
      {"\"target\":null", 2000, 1600, 30, "auto", "bad_message"},
      {"\"mode\":\"home\",\"unknown\":1", 2000, 1600, 30, "home", nullptr},
      {"", 2000, 1600, 30, "auto", nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.fields);
    Bench bench;
    bench.boot();
    bench.online();
    App app = bench.app(1);
    bench.start(app);
    bench.link.sent.clear();
    bench.deliver(app.command("SET", c.fields));
    REQUIRE(bench.all_for(app).size() == 1);
    Json state(bench.last_for(app));
    CHECK(state.str("type") == "STATE");
    CHECK(state.num("seq") == 2);
    if (c.error) {
      CHECK(state.str("error") == c.error);
    } else {
      CHECK(state.is_null("error"));
    }
    CHECK(bench.core->settings().target == c.target);
    CHECK(bench.core->settings().away_target == c.away);
    CHECK(bench.core->settings().hysteresis == c.hysteresis);
    CHECK(state.num("target") == doctest::Approx(c.target / 100.0));
    CHECK(state.str("mode") == c.mode);
  }
}

TEST_CASE("seq: not greater than the last accepted is dropped silently") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  const std::string set21 = app.command("SET", "\"target\":21");  // seq 2
  bench.deliver(set21);
  CHECK(bench.core->settings().target == 2100);
  bench.deliver(app.command("SET", "\"target\":22"));  // seq 3
  bench.link.sent.clear();
  bench.deliver(set21);  // replay of seq 2
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->settings().target == 2200);
  app.seq = 2;  // seq 3 again, new content
  bench.deliver(app.command("SET", "\"target\":23"));
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->settings().target == 2200);
  app.seq = 9;  // gaps are fine: only "greater" is required
  bench.deliver(app.command("SET", "\"target\":23"));
  CHECK(bench.core->settings().target == 2300);
  CHECK(Json(bench.last_for(app)).num("seq") == 4);
}

TEST_CASE("after a reboot old sessions are stale and a captured SET cannot be replayed") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  const std::string captured = app.command("SET", "\"target\":25");
  bench.reboot();
  bench.online();
  bench.link.sent.clear();
  bench.deliver(captured);
  Json error(bench.last_for(app));
  CHECK(error.str("type") == "ERROR");
  CHECK(error.str("code") == "stale_session");
  CHECK(bench.core->settings().target == 2000);
  // The app starts again and repeats its command.
  bench.start(app);
  bench.deliver(app.command("SET", "\"target\":25"));
  CHECK(bench.core->settings().target == 2500);
}

TEST_CASE("another app's session cannot be used; a message without session is stale") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana);
  bench.start(ben);
  ben.session = ana.session;
  bench.link.sent.clear();
  bench.deliver(ben.command("SET", "\"target\":25"));
  CHECK(Json(bench.last_for(ben)).str("code") == "stale_session");
  bench.deliver(ben.seal("MSG", "{\"type\":\"SET\",\"seq\":5,\"target\":25}"));
  CHECK(Json(bench.last_for(ben)).str("code") == "stale_session");
  CHECK(bench.core->settings().target == 2000);
}

TEST_CASE("message types must match their packet: START only as START, SET only as MSG") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.link.sent.clear();
  bench.deliver(app.seal("MSG", "{\"type\":\"START\",\"nonce\":\"bm9uY2Utbm9uY2Ut\"}"));
  CHECK(bench.link.sent.empty());
  bench.start(app);
  bench.link.sent.clear();
  bench.deliver(app.seal("START", "{\"type\":\"SET\",\"session\":\"" + app.session +
                                      "\",\"seq\":3,\"target\":25}"));
  CHECK(bench.link.sent.empty());
  bench.deliver(app.seal("START", "{\"type\":\"START\",\"nonce\":\"short\"}"));
  CHECK(bench.link.sent.empty());
}

TEST_CASE("HOME_set per member; members listed in STATE with age") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana, "Ana's phone");
  bench.start(ben, "Ben \"the\" phone\n");
  bench.deliver(ana.command("HOME_set", "\"home\":false,\"distance\":10250.5"));
  bench.run_for(42000);
  bench.deliver(ben.command("HOME_set", "\"home\":false,\"distance\":0"));
  CHECK(bench.core->regime() == Regime::away);
  bench.deliver(ana.command("HOME_set", "\"home\":true,\"distance\":12"));
  CHECK(bench.core->regime() == Regime::home);
  bench.run_for(5000);
  bench.deliver(ben.command("HOME_set", "\"home\":\"yes\""));
  Json state(bench.last_for(ben));
  CHECK(state.str("error") == "bad_message");
  cJSON* members = state.get("members");
  REQUIRE(cJSON_GetArraySize(members) == 2);
  for (int i = 0; i < 2; ++i) {
    cJSON* m = cJSON_GetArrayItem(members, i);
    const std::string id = cJSON_GetObjectItem(m, "id")->valuestring;
    if (id == ana.id()) {
      CHECK(std::string(cJSON_GetObjectItem(m, "name")->valuestring) == "Ana's phone");
      CHECK(cJSON_IsTrue(cJSON_GetObjectItem(m, "home")));
      CHECK(cJSON_GetObjectItem(m, "distance")->valuedouble == 12);
      CHECK(cJSON_GetObjectItem(m, "age_s")->valuedouble == 5);
    } else {
      CHECK(id == ben.id());
      CHECK(std::string(cJSON_GetObjectItem(m, "name")->valuestring) == "Ben \"the\" phone?");
      CHECK(cJSON_IsFalse(cJSON_GetObjectItem(m, "home")));
      CHECK(cJSON_GetObjectItem(m, "age_s")->valuedouble == 5);
    }
  }
  bench.deliver(ben.command("HOME_set", "\"home\":true,\"distance\":-1"));
  CHECK(Json(bench.last_for(ben)).str("error") == "out_of_range");
  bench.deliver(ben.command("HOME_set", "\"home\":true"));
  CHECK(Json(bench.last_for(ben)).str("error") == "bad_message");
}

TEST_CASE("at least 8 apps keep sessions; the least recently heard is dropped first") {
  // Nine phones: more than there may be members, so phones on the old shared key of a thermostat
  // updated from before member keys, among which the rule is the same (test_members_core.cpp has
  // members' places).
  Bench bench;
  bench.boot_updated();
  bench.online();
  std::vector<App> apps;
  for (uint8_t i = 0; i < 9; ++i) apps.push_back(bench.legacy_app(uint8_t(i + 1)));
  for (int i = 0; i < 8; ++i) {
    bench.start(apps[i]);
    bench.run_for(1000);
  }
  // App 0 speaks again, so app 1 is now the least recently heard.
  bench.deliver(apps[0].command("SET", ""));
  bench.run_for(1000);
  bench.start(apps[8]);
  CHECK(bench.core->peers().count() == 8);
  for (int i = 0; i < 9; ++i) {
    CAPTURE(i);
    bench.link.sent.clear();
    bench.deliver(apps[i].command("SET", ""));
    CHECK(Json(bench.last_for(apps[i])).str("type") == (i == 1 ? "ERROR" : "STATE"));
  }
}

TEST_CASE("STATE pushes: heater change, 0.1 °C move, every 60 s, only to sessions heard in 10 min") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana);
  bench.run_for(5000);
  bench.start(ben);
  bench.link.sent.clear();

  bench.run_for(59000);  // the 60 s push since logon, nothing else changed
  CHECK(bench.all_for(ana).size() == 1);
  CHECK(bench.all_for(ben).size() == 1);

  bench.link.sent.clear();
  bench.sensor.set_temperature(20.05f);  // less than 0.1 °C: no push
  bench.run_for(10000);
  CHECK(bench.all_for(ana).empty());
  bench.sensor.set_temperature(20.12f);
  bench.run_for(5000);
  REQUIRE(bench.all_for(ana).size() == 1);
  CHECK(Json(bench.all_for(ana)[0]).num("temperature") == doctest::Approx(20.12));

  bench.link.sent.clear();
  bench.sensor.set_temperature(18.0f);  // heater switches on
  bench.run_for(5000);
  auto pushed = bench.all_for(ana);
  REQUIRE_FALSE(pushed.empty());
  CHECK(Json(pushed.back()).truthy("heater"));
  // Each push carries the next seq of its session: the STATE answering START, the 60 s push, the
  // move, the heater (the push that followed the logon went out while the apps joined, before
  // either had a session).
  CHECK(Json(pushed.back()).num("seq") == 4);

  // Ben keeps talking, Ana falls silent: after 10 minutes only Ben gets pushes.
  for (int i = 0; i < 11; ++i) {
    bench.deliver(ben.command("SET", ""));
    bench.run_for(60000);
  }
  bench.link.sent.clear();
  bench.run_for(61000);
  CHECK(bench.all_for(ana).empty());
  CHECK(bench.all_for(ben).size() >= 1);

  // The broker says Ben went offline: no more pushes until Ben speaks again.
  bench.deliver("{\"packet_type\":\"ERROR\",\"code\":\"receiver_offline\",\"message\":\"gone\","
                "\"ref\":\"MSG\",\"receiver\":\"" + ben.id() + "\"}");
  bench.link.sent.clear();
  bench.run_for(61000);
  CHECK(bench.all_for(ben).empty());
  bench.deliver(ben.command("SET", ""));
  bench.link.sent.clear();
  bench.run_for(60000);
  CHECK(bench.all_for(ben).size() == 1);
}

TEST_CASE("a SET from one app is pushed to the others at once") {
  Bench bench;
  bench.boot();
  bench.online();
  App ana = bench.app(1), ben = bench.app(2);
  bench.start(ana);
  bench.start(ben);
  bench.link.sent.clear();
  bench.deliver(ana.command("SET", "\"target\":22"));
  REQUIRE(bench.all_for(ben).size() == 1);
  CHECK(Json(bench.all_for(ben)[0]).num("target") == doctest::Approx(22));
}

TEST_CASE("without a good reading STATE says so with nulls") {
  Bench bench;
  bench.boot();
  bench.online();
  bench.sensor.fail();
  bench.run_for(6000);
  App app = bench.app(1);
  Json state(bench.start(app));
  CHECK_FALSE(state.truthy("sensor_ok"));
  CHECK(state.is_null("temperature"));
  CHECK(state.is_null("humidity"));
  CHECK(state.is_null("pressure"));
  CHECK_FALSE(state.truthy("heater"));
}

TEST_CASE("a tampered or re-addressed envelope is dropped silently and counted") {
  Bench bench;
  bench.boot();
  bench.online();
  App app = bench.app(1);
  bench.start(app);
  std::string frame = app.command("SET", "\"target\":25");
  Json parsed(frame);
  std::string data = parsed.str("data");
  data[data.size() - 5] = data[data.size() - 5] == 'A' ? 'B' : 'A';
  bench.link.sent.clear();
  bench.deliver(packet("MSG", app.id(), bench.id(), data));
  // Re-labelled as START by the broker: AAD mismatch.
  bench.deliver(packet("START", app.id(), bench.id(), parsed.str("data")));
  // From a different transmitter: AAD mismatch.
  bench.deliver(packet("MSG", "GGXACDHnP37iP8E8stD1iL", bench.id(), parsed.str("data")));
  CHECK(bench.link.sent.empty());
  CHECK(bench.core->dropped_envelopes() == 3);
  CHECK(bench.core->settings().target == 2000);
  bench.deliver(frame);
  CHECK(bench.core->settings().target == 2500);
}
