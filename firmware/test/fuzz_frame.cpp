// libFuzzer harness over the core's frame handler. The input is a script, one
// step per line, so that the fuzzer reaches past the AES-GCM tag check too:
//   F<frame>      deliver a raw broker frame
//   M<plaintext>  seal plaintext as MSG from the app with the right key, deliver
//   S<plaintext>  the same as START
//   J<plaintext>  seal plaintext as START under a new invitation's secret, deliver, tick
//                 (a JOIN is worked out in the next tick)
//   K<plaintext>  the same under the old shared key (open on this bench: updated from before
//                 member keys)
//   T<digits>     advance the clock by that many milliseconds and tick
//   V<number>     the sensor now reads that temperature (V alone: sensor fails)
//   R             reboot (storage kept)
//   O / C         link opened (CHALLENGE, the LOG_ON it signs, ACK_LOG_ON) / closed
//   W             storage writes start or stop failing
//   X<digits>     flip a bit of an identity copy (even: first, odd: second)
//   Q             factory reset
// "@S" in a plaintext is replaced by the app's current session, "@A" by the app's ID; in a
// frame, "@I" by the thermostat's ID and "@A" by the app's. The app is a member: it joined with
// an invitation (the ECDH is remembered across inputs, test/crypto_memo.cpp).
//
// Each input runs on a thread with a 32 KiB stack, so that the fuzzer checks
// the stack bound too: under ASan the deepest input of the corpus needs about
// 15 KiB, while cJSON recursing into 999 nested arrays needs about 105 KiB; a
// frame that got past the JSON rules' depth limit would overflow it.
#include <pthread.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes.h"

using namespace hearth;
using namespace hearth::testing;

namespace {

void run(const std::string& script) {
  Bench bench;
  bench.boot_updated();
  bench.online();
  App app = bench.app(1);
  size_t pos = 0;
  int steps = 0;
  while (pos < script.size() && steps++ < 64) {
    size_t end = script.find('\n', pos);
    if (end == std::string::npos) end = script.size();
    const std::string line = script.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    std::string body = line.substr(1);
    switch (line[0]) {
      case 'F':
        for (size_t at; (at = body.find("@I")) != std::string::npos;) body.replace(at, 2, bench.id());
        for (size_t at; (at = body.find("@A")) != std::string::npos;) body.replace(at, 2, app.id());
        bench.deliver(body);
        break;
      case 'J':
      case 'K': {
        for (size_t at; (at = body.find("@A")) != std::string::npos;) body.replace(at, 2, app.id());
        const std::vector<uint8_t> secret =
            line[0] == 'J' ? bench.invitation()
                           : std::vector<uint8_t>(bench.core->identity().key, bench.core->identity().key + kKeyBytes);
        if (secret.size() != kKeyBytes) break;
        bench.deliver(app.seal_under(secret.data(), "START", body));
        bench.core->tick(bench.now);
        break;
      }
      case 'M':
      case 'S': {
        for (size_t at; (at = body.find("@S")) != std::string::npos;) body.replace(at, 2, app.session);
        for (size_t at; (at = body.find("@A")) != std::string::npos;) body.replace(at, 2, app.id());
        bench.link.sent.clear();
        bench.deliver(app.seal(line[0] == 'M' ? "MSG" : "START", body));
        for (auto& f : bench.link.sent) {
          Json reply(app.open(f));
          if (reply.str("type") == "STATE" && !reply.str("session").empty()) app.session = reply.str("session");
        }
        break;
      }
      case 'T': bench.run_for(uint32_t(strtoul(body.c_str(), nullptr, 10) % 20000000u), 250000); bench.core->tick(bench.now); break;
      case 'V':
        if (body.empty()) bench.sensor.fail();
        else bench.sensor.set_temperature(strtof(body.c_str(), nullptr));
        break;
      case 'R': bench.reboot(); bench.online(); break;
      case 'O': bench.online(); break;
      case 'C': bench.core->link_closed(bench.now); break;
      case 'W': bench.storage.fail_writes = !bench.storage.fail_writes; break;
      case 'X': {
        const unsigned long at = strtoul(body.c_str(), nullptr, 10);
        auto& copy = bench.storage.blobs[at % 2 ? Blob::identity_backup : Blob::identity];
        if (!copy.empty()) copy[(at / 2) % copy.size()] ^= uint8_t(1u << (at % 8));
        break;
      }
      case 'Q': bench.core->factory_reset(bench.now); bench.online(); break;
      default: break;
    }
    // The one invariant no input may break: heating needs a good reading.
    if (bench.relay.on && !bench.core->sensor_ok()) abort();
    if (bench.relay.on != bench.core->heater_on()) abort();
  }
}

constexpr size_t kStackBytes = 32 * 1024;

void* run_script(void* script) {
  run(*static_cast<const std::string*>(script));
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string script(reinterpret_cast<const char*>(data), size);
  pthread_attr_t attributes;
  pthread_t thread;
  if (pthread_attr_init(&attributes) != 0 || pthread_attr_setstacksize(&attributes, kStackBytes) != 0 ||
      pthread_create(&thread, &attributes, run_script, &script) != 0) {
    abort();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  return 0;
}
