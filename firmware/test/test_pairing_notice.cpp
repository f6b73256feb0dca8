// The PAIR line the console prints unasked (docs/protocol.md "Setting up over
// the serial port"): once per identity and app URL, never a link without an
// app URL, and owed until the port took it.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "fakes.h"
#include "pairing_notice.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

struct Console {
  Bench bench;
  PairingNotice notice;
  std::string app_url = "https://hearth.example/";
  bool port_has_room = true;

  Console() { REQUIRE(bench.boot() == Error::none); }
  // One pass of the glue: the line owed, printed when the port had room ("" when none owed).
  std::string pass() {
    char line[PairingNotice::kLineCapacity];
    if (!notice.due(*bench.core, app_url.c_str(), line)) return "";
    if (port_has_room) notice.said(*bench.core, app_url.c_str());
    return line;
  }
  std::string link() const {
    char text[kPairingLinkCapacity];
    REQUIRE(bench.core->pairing_link(app_url.c_str(), text, sizeof text).ok());
    return std::string("PAIR ") + text;
  }
};

}  // namespace

TEST_CASE("pairing notice: PAIR once per identity and app URL, never without an app URL") {
  const std::string no_app = "no app URL: set it with app <URL of the app> to get the pairing link";
  struct Step {
    const char* name;
    std::function<void(Console&)> change;
    // "" nothing, "link" the PAIR line for the identity and app URL then, or the line itself.
    std::string expected;
  };
  std::string first_id;
  const Step steps[] = {
      {"a board without an app URL: how to set one, not a link", [](Console& c) { c.app_url = ""; }, no_app},
      {"said once", [](Console&) {}, ""},
      {"the app URL is set: now the link", [](Console& c) { c.app_url = "https://hearth.example/"; }, "link"},
      {"said once", [](Console&) {}, ""},
      {"the port had no room: owed",
       [](Console& c) {
         c.app_url = "https://other.example/app/";
         c.port_has_room = false;
       },
       "link"},
      {"still owed", [](Console& c) { c.port_has_room = true; }, "link"},
      {"taken", [](Console&) {}, ""},
      {"a new identity (factory reset)", [](Console& c) { REQUIRE(c.bench.core->factory_reset(c.bench.now) == Error::none); },
       "link"},
      {"the identity cannot be read at boot: nothing (the glue says why)",
       [](Console& c) {
         c.bench.storage.read_faults[Blob::identity] = Error::io;
         c.bench.storage.read_faults[Blob::identity_backup] = Error::io;
         c.bench.reboot();
         REQUIRE_FALSE(c.bench.core->identity_ready());
       },
       ""},
      {"it reads again: the same identity, said again",
       [](Console& c) {
         c.bench.storage.read_faults.clear();
         c.bench.run_for(c.bench.config.storage_retry_ms);
         REQUIRE(c.bench.core->identity_ready());
       },
       "link"},
      {"the app URL is cleared: how to set one", [](Console& c) { c.app_url = ""; }, no_app},
  };
  Console console;
  for (const Step& step : steps) {
    CAPTURE(std::string(step.name));
    step.change(console);
    const std::string expected = step.expected == "link" ? console.link() : step.expected;
    CHECK(console.pass() == expected);
  }
}

TEST_CASE("pairing notice: the longest app URL still fits the line") {
  Console console;
  console.app_url = "https://" + std::string(kMaxAppUrlLength - 9, 'a') + "/";
  REQUIRE(console.app_url.size() == kMaxAppUrlLength);
  CHECK(console.pass() == console.link());
}
