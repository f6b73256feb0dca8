// The PAIR line the console prints unasked (docs/protocol.md "Setting up over
// the serial port"): once per identity and app URL, never a link without an
// app URL, and owed until the port took it; each with a new invitation.
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
  // One pass of the glue: the line owed, printed when the port had room ("" when none owed), a
  // PAIR line's secret as <secret> once checked to be a new invitation's.
  std::string pass() {
    char line[PairingNotice::kLineCapacity];
    const size_t open_before = bench.core->open_invitations(bench.now);
    if (!notice.due(*bench.core, app_url.c_str(), bench.now, line)) return "";
    if (port_has_room) notice.said(*bench.core, app_url.c_str());
    std::string text = line;
    const size_t dot = text.rfind('.');
    if (text.rfind("PAIR ", 0) == 0 && dot != std::string::npos) {
      CHECK(b64d(text.substr(dot + 1)).size() == kInvitationBytes);
      CHECK(bench.core->open_invitations(bench.now) == std::min<size_t>(open_before + 1, kMaxInvitations));
      text = text.substr(0, dot + 1) + "<secret>";
    }
    return text;
  }
  std::string link() const { return "PAIR " + app_url + "#pair=" + bench.id() + ".<secret>"; }
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
  const std::string no_members = "members: none yet; pair invites";
  const Step steps[] = {
      {"a fresh device: no members yet, said first", [](Console& c) { c.app_url = ""; }, no_members},
      {"a board without an app URL: how to set one, not a link", [](Console&) {}, no_app},
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
  REQUIRE(console.pass().rfind("members: ", 0) == 0);  // a fresh device's first line
  CHECK(console.pass() == console.link());
}
