// Improv Wi-Fi serial packets and the serial demultiplexer: byte-exact
// vectors (https://www.improv-wifi.com/serial/ and its examples), and the
// console line rules (docs/protocol.md "Setting up over the serial port").
#include <doctest/doctest.h>

#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "fakes.h"
#include "improv.h"
#include "serial_console.h"

using namespace hearth;
using hearth::testing::hex;

namespace {

std::vector<uint8_t> bytes(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

// A client's packet, checksum and '\n' as the JavaScript SDK writes it.
std::vector<uint8_t> client_packet(uint8_t type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> packet = bytes("IMPROV");
  packet.push_back(1);
  packet.push_back(type);
  packet.push_back(static_cast<uint8_t>(data.size()));
  packet.insert(packet.end(), data.begin(), data.end());
  uint8_t sum = 0;
  for (uint8_t b : packet) sum = static_cast<uint8_t>(sum + b);
  packet.push_back(sum);
  packet.push_back('\n');
  return packet;
}

// What the demultiplexer handed on, one readable word per event.
struct Recorder final : SerialSink {
  std::vector<std::string> events;
  void console_line(const char* line, size_t length, Millis) override {
    CHECK(strlen(line) == length);
    events.push_back("line:" + std::string(line, length));
  }
  void console_fault(LineFault fault, Millis) override {
    events.push_back(fault == LineFault::too_long ? "too-long" : "control");
  }
  void improv_packet(uint8_t type, const uint8_t* data, size_t length, Millis) override {
    std::string event = "packet:" + std::to_string(type) + ":";
    for (size_t i = 0; i < length; ++i) {
      char two[4];
      snprintf(two, sizeof two, "%02X", data[i]);
      event += two;
    }
    events.push_back(event);
  }
  void improv_invalid(Millis) override { events.push_back("invalid"); }
};

std::vector<std::string> demux(const std::vector<uint8_t>& input, size_t chunk = 0) {
  Recorder recorder;
  SerialDemux demux(recorder);
  if (chunk == 0) chunk = input.size() == 0 ? 1 : input.size();
  for (size_t at = 0; at < input.size(); at += chunk) {
    demux.receive(input.data() + at, std::min(chunk, input.size() - at), 1000);
  }
  return recorder.events;
}

std::string join(const std::vector<std::string>& events) {
  std::string out;
  for (const std::string& e : events) out += (out.empty() ? "" : " | ") + e;
  return out;
}

}  // namespace

TEST_CASE("the packets the thermostat sends are byte-exact") {
  auto state = [](ImprovState value) {
    uint8_t out[kImprovMaxPacket];
    return std::vector<uint8_t>(out, out + write_improv_state(value, out, sizeof out));
  };
  auto error = [](ImprovError value) {
    uint8_t out[kImprovMaxPacket];
    return std::vector<uint8_t>(out, out + write_improv_error(value, out, sizeof out));
  };
  CHECK(state(ImprovState::ready) == hex("49 4D 50 52 4F 56 01 01 01 02 E2 0A"));
  CHECK(state(ImprovState::provisioning) == hex("49 4D 50 52 4F 56 01 01 01 03 E3 0A"));
  CHECK(state(ImprovState::provisioned) == hex("49 4D 50 52 4F 56 01 01 01 04 E4 0A"));
  CHECK(error(ImprovError::none) == hex("49 4D 50 52 4F 56 01 02 01 00 E1 0A"));
  CHECK(error(ImprovError::invalid_rpc) == hex("49 4D 50 52 4F 56 01 02 01 01 E2 0A"));
  CHECK(error(ImprovError::unknown_rpc) == hex("49 4D 50 52 4F 56 01 02 01 02 E3 0A"));
  CHECK(error(ImprovError::unable_to_connect) == hex("49 4D 50 52 4F 56 01 02 01 03 E4 0A"));
  uint8_t small[11];
  CHECK(write_improv_state(ImprovState::ready, small, sizeof small) == 0);
}

TEST_CASE("RPC results: command, total length, then length-prefixed strings") {
  uint8_t out[kImprovMaxPacket];
  ImprovResult info(ImprovCommand::device_info);
  CHECK(info.add("Hearth"));
  CHECK(info.add("0.1.0"));
  CHECK(info.add("ESP8266"));
  CHECK(info.add("Hearth thermostat"));
  size_t length = info.write_packet(out, sizeof out);
  CHECK(std::vector<uint8_t>(out, out + length) ==
        hex("49 4D 50 52 4F 56 01 04 29 03 27 06 48 65 61 72 74 68 05 30 2E 31 2E 30 07 45 53 50 38 32 36 36 "
            "11 48 65 61 72 74 68 20 74 68 65 72 6D 6F 73 74 61 74 26 0A"));

  // The empty result that ends a scan.
  length = ImprovResult(ImprovCommand::scan).write_packet(out, sizeof out);
  CHECK(std::vector<uint8_t>(out, out + length) == hex("49 4D 50 52 4F 56 01 04 02 04 00 E8 0A"));

  // A length byte of 10 is '\n', which the SDK's reader takes for a line end
  // before it has the 9 header bytes: the result gets an empty fourth string.
  ImprovResult tight(ImprovCommand::scan);
  tight.add("a");
  tight.add("-9");
  tight.add("NO");
  length = tight.write_packet(out, sizeof out);
  CHECK(std::vector<uint8_t>(out, out + length) ==
        hex("49 4D 50 52 4F 56 01 04 0B 04 09 01 61 02 2D 39 02 4E 4F 00 63 0A"));

  // 253 bytes of strings at most (the packet's data is 255 bytes).
  ImprovResult full(ImprovCommand::device_info);
  const std::string big(252, 'x');
  CHECK_FALSE(full.add(big.c_str(), 253));
  CHECK(full.add(big.c_str(), 252));
  CHECK(full.write_packet(out, sizeof out) == kImprovMaxPacket);
  CHECK(out[8] == 255);
  CHECK(out[10] == 253);
  CHECK_FALSE(full.add("", 0));
  CHECK(full.strings() == 1);
  CHECK(full.write_packet(out, kImprovMaxPacket - 1) == 0);  // never written short
}

TEST_CASE("the spec's Wi-Fi settings example reads as its SSID and password") {
  // https://www.improv-wifi.com/serial/: 01 1E 0C {MyWirelessAP} 10 {mysecurepassword}
  const std::vector<uint8_t> packet =
      hex("49 4D 50 52 4F 56 01 03 20 01 1E 0C 4D 79 57 69 72 65 6C 65 73 73 41 50 10 6D 79 73 65 63 75 72 65 "
          "70 61 73 73 77 6F 72 64 C1 0A");
  CHECK(client_packet(3, std::vector<uint8_t>(packet.begin() + 9, packet.end() - 2)) == packet);
  CHECK(join(demux(packet)) ==
        "packet:3:011E0C4D79576972656C6573734150106D7973656375726570617373776F7264");
  ImprovRpc rpc;
  REQUIRE(parse_improv_rpc(packet.data() + 9, 0x20, &rpc) == ImprovError::none);
  CHECK(rpc.command == 0x01);
  CHECK(std::string(rpc.wifi.ssid) == "MyWirelessAP");
  CHECK(std::string(rpc.wifi.password) == "mysecurepassword");
}

TEST_CASE("RPC payloads that disagree with themselves are invalid") {
  const std::string ssid32(32, 's');
  const std::string pass64(64, 'p');
  auto wifi = [](const std::string& ssid, const std::string& password) {
    std::vector<uint8_t> data{0x01, 0, static_cast<uint8_t>(ssid.size())};
    data.insert(data.end(), ssid.begin(), ssid.end());
    data.push_back(static_cast<uint8_t>(password.size()));
    data.insert(data.end(), password.begin(), password.end());
    data[1] = static_cast<uint8_t>(data.size() - 2);
    return data;
  };
  struct Case {
    const char* name;
    std::vector<uint8_t> data;
    ImprovError expected;
  };
  std::vector<uint8_t> trailing = wifi("home", "secret12");
  trailing.push_back('x');
  trailing[1] = static_cast<uint8_t>(trailing.size() - 2);
  std::vector<uint8_t> nul_in_ssid = wifi(std::string("ho\0me", 5), "secret12");
  std::vector<uint8_t> ssid_past_end = wifi("home", "");
  ssid_past_end[2] = 9;
  const Case cases[] = {
      {"state request", {0x02, 0x00}, ImprovError::none},
      {"unknown command (its own error later)", {0x09, 0x00}, ImprovError::none},
      {"shortest Wi-Fi settings", wifi("h", ""), ImprovError::none},
      {"longest Wi-Fi settings", wifi(ssid32, pass64), ImprovError::none},
      {"empty", {}, ImprovError::invalid_rpc},
      {"no length", {0x02}, ImprovError::invalid_rpc},
      {"length too long", {0x02, 0x01}, ImprovError::invalid_rpc},
      {"length too short", {0x03, 0x00, 0x00}, ImprovError::invalid_rpc},
      {"empty SSID", wifi("", "secret12"), ImprovError::invalid_rpc},
      {"33-byte SSID", wifi(ssid32 + "s", ""), ImprovError::invalid_rpc},
      {"65-byte password", wifi("home", pass64 + "p"), ImprovError::invalid_rpc},
      {"NUL in the SSID", nul_in_ssid, ImprovError::invalid_rpc},
      {"SSID past the end", ssid_past_end, ImprovError::invalid_rpc},
      {"no password length", {0x01, 0x02, 0x01, 'h'}, ImprovError::invalid_rpc},
      {"bytes after the password", trailing, ImprovError::invalid_rpc},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    ImprovRpc rpc;
    CHECK(parse_improv_rpc(c.data.data(), c.data.size(), &rpc) == c.expected);
    if (c.expected != ImprovError::none) CHECK(rpc.wifi.ssid[0] == '\0');
  }
}

TEST_CASE("the serial stream splits into console lines and Improv packets, however it is chunked") {
  const std::vector<uint8_t> state_request = client_packet(3, {0x02, 0x00});
  std::vector<uint8_t> bad_sum = state_request;
  bad_sum[bad_sum.size() - 2] ^= 0x01;
  std::vector<uint8_t> bad_sum_then_help = bad_sum;
  for (char c : std::string("help\n")) bad_sum_then_help.push_back(static_cast<uint8_t>(c));
  auto cat = [](std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  struct Case {
    const char* name;
    std::vector<uint8_t> input;
    const char* expected;
  };
  const Case cases[] = {
      {"a line", bytes("help\n"), "line:help"},
      {"CR LF", bytes("help\r\n"), "line:help"},
      {"CR alone, as terminals send Enter", bytes("pair\rstatus\r"), "line:pair | line:status"},
      {"empty lines say nothing", bytes("\n\r\n\n"), ""},
      {"an unfinished line is not a command", bytes("help"), ""},
      {"tabs and spaces stay", bytes(" broker\tws://x \n"), "line: broker\tws://x "},
      {"200 bytes is a line", bytes(std::string(200, 'a') + "\n"), "(200 a)"},
      {"201 bytes is refused once, the rest of the line dropped",
       bytes(std::string(450, 'a') + "\nstatus\n"), "too-long | line:status"},
      {"NUL spoils its line", bytes(std::string("he\0lp\nstatus\n", 13)), "control | line:status"},
      {"escape sequences too", bytes("\x1b[Ahelp\n"), "control"},
      {"backspace and DEL take back a byte", bytes("hex\blq\x7Fp\n\b\b\n"), "line:help"},
      {"UTF-8 passes (URLs are checked later)", bytes("app h\xc3\xa9\n"), "line:app h\xc3\xa9"},
      {"a packet", state_request, "packet:3:0200"},
      {"a packet after a line", cat(bytes("status\n"), state_request), "line:status | packet:3:0200"},
      {"a packet cuts an unfinished line", cat(bytes("stat"), state_request), "packet:3:0200"},
      {"a packet inside an over-long line",
       cat(bytes(std::string(300, 'z')), cat(state_request, bytes("pair\n"))), "too-long | packet:3:0200 | line:pair"},
      {"IMPROV without version 1 is text", bytes("IMPROVE\n"), "line:IMPROVE"},
      {"IMPROV and another version spoils the line", bytes("IMPROV\x02\x03\n"), "control"},
      {"a bad checksum: invalid, then nothing until the line ends", bad_sum_then_help, "invalid | line:help"},
      {"a packet right after a bad one",
       cat(cat(std::vector<uint8_t>(bad_sum.begin(), bad_sum.end() - 1), bytes("noise")), state_request),
       "invalid | packet:3:0200"},
      {"a data length of 10 ('\\n') is data", client_packet(3, {0x09, 0x08, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A,
                                                              0x0A, 0x0A, 0x0A, 0x0A}),
       "packet:3:09080A0A0A0A0A0A0A0A0A0A"},
      {"the longest packet", client_packet(3, std::vector<uint8_t>(255, 0x41)), "(255 times 41)"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    std::string expected = c.expected;
    if (expected == "(255 times 41)") {
      expected = "packet:3:";
      for (int i = 0; i < 255; ++i) expected += "41";
    } else if (expected == "(200 a)") {
      expected = "line:" + std::string(200, 'a');
    }
    CHECK(join(demux(c.input)) == expected);
    for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(7), size_t(64)}) {
      CAPTURE(chunk);
      CHECK(join(demux(c.input, chunk)) == expected);
    }
  }
}

TEST_CASE("a packet that stops arriving is abandoned after a second, and typing works again") {
  Recorder recorder;
  SerialDemux demux(recorder);
  const std::vector<uint8_t> start = bytes("IMPROV\x01\x03\x40\x02");  // 64 data bytes announced, 1 sent
  const Millis t0 = 0xFFFFFE00u;                                     // the clock wraps meanwhile
  demux.receive(start.data(), start.size(), t0);
  const std::vector<uint8_t> typed = bytes("help\n");
  demux.receive(typed.data(), typed.size(), t0 + 500);  // swallowed as packet data
  demux.poll(t0 + 1499);  // a second from its last byte, not its first
  CHECK(recorder.events.empty());
  demux.poll(t0 + 1500);
  CHECK(join(recorder.events) == "invalid");
  demux.receive(typed.data(), typed.size(), t0 + 1501);
  CHECK(join(recorder.events) == "invalid | line:help");
}

TEST_CASE("no garbage wedges the stream: a line end and a good packet are always heard") {
  std::mt19937 random(9);
  const std::vector<uint8_t> state_request = client_packet(3, {0x02, 0x00});
  for (int round = 0; round < 2000; ++round) {
    Recorder recorder;
    SerialDemux demux(recorder);
    std::vector<uint8_t> garbage(random() % 600);
    for (uint8_t& b : garbage) {
      // Mostly pieces of real headers, newlines and control bytes.
      const uint32_t pick = random() % 8;
      b = pick < 3 ? kImprovHeader[random() % kImprovHeaderBytes]
                   : pick == 3 ? '\n' : static_cast<uint8_t>(random() % 256);
    }
    Millis now = random();
    demux.receive(garbage.data(), garbage.size(), now);
    now += kImprovPacketTimeoutMs;  // a packet the garbage started is given up
    demux.poll(now);
    const std::vector<uint8_t> newline = bytes("\n");
    demux.receive(newline.data(), 1, now);
    recorder.events.clear();
    demux.receive(state_request.data(), state_request.size(), now);
    const std::vector<uint8_t> typed = bytes("status\n");
    demux.receive(typed.data(), typed.size(), now);
    CHECK(join(recorder.events) == "packet:3:0200 | line:status");
  }
}

TEST_CASE("console lines split into a command and its argument") {
  struct Case {
    const char* line;
    ConsoleVerb verb;
    const char* word;
    const char* argument;
  };
  const Case cases[] = {
      {"help", ConsoleVerb::help, "help", ""},
      {"  pair  ", ConsoleVerb::pair, "pair", ""},
      {"broker wss://hearth.example/ws", ConsoleVerb::broker, "broker", "wss://hearth.example/ws"},
      {"broker\t  ws://10.0.0.2:8080/ws \t", ConsoleVerb::broker, "broker", "ws://10.0.0.2:8080/ws"},
      {"broker-pin none", ConsoleVerb::broker_pin, "broker-pin", "none"},
      {"broker-pin AB:CD EF", ConsoleVerb::broker_pin, "broker-pin", "AB:CD EF"},
      {"app https://hearth.example/", ConsoleVerb::app, "app", "https://hearth.example/"},
      {"forget-wifi", ConsoleVerb::forget_wifi, "forget-wifi", ""},
      {"factory-reset", ConsoleVerb::factory_reset, "factory-reset", ""},
      {"status", ConsoleVerb::status, "status", ""},
      {"Status", ConsoleVerb::unknown, "Status", ""},
      {"brokers x", ConsoleVerb::unknown, "brokers", "x"},
      {"reset", ConsoleVerb::unknown, "reset", ""},
      {"   ", ConsoleVerb::unknown, "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.line));
    const ConsoleCommand command = parse_console_command(c.line, strlen(c.line));
    CHECK(command.verb == c.verb);
    CHECK(std::string(command.word, command.word_length) == c.word);
    CHECK(std::string(command.argument, command.argument_length) == c.argument);
  }
}
