// The serial port carries two things on one byte stream: console lines typed
// by a person (or a tool) and Improv Wi-Fi packets (improv.h). SerialDemux
// splits the bytes, however they are chunked, and hands each to its sink
// (docs/protocol.md "Setting up over the serial port").
//
// Lines end at '\n' or '\r' ("\r\n" gives an empty line, which is ignored)
// and hold at most kMaxConsoleLine bytes; a longer line is refused once and
// the rest of it discarded. Backspace and DEL take back the last byte, as a
// terminal expects; any other control byte (NUL included) spoils its line,
// which is refused when it ends. "IMPROV" and version 1 start a packet
// wherever they appear (an unfinished line before them is dropped): the
// packet is read by its length byte, abandoned when it stops arriving, and a
// bad checksum is reported and the stream resynchronised at the next line end
// or packet.
#pragma once
#include "core_types.h"
#include "improv.h"

namespace hearth {

constexpr size_t kMaxConsoleLine = 200;
// A packet of the longest kind takes 23 ms at 115200 baud: one whose next byte
// has not come for this long is abandoned, so that it cannot swallow typed
// lines. Counted from its last byte, not its first, because a long pass of the
// loop can hold back the rest of a packet that was on time in the UART.
constexpr uint32_t kImprovPacketTimeoutMs = 1000;

class SerialSink {
 public:
  // line: without its end, NUL-terminated, no control bytes.
  virtual void console_line(const char* line, size_t length, Millis now) = 0;
  enum class LineFault : uint8_t { too_long, control_byte };
  virtual void console_fault(LineFault fault, Millis now) = 0;
  // A packet whose checksum is right (type and data as sent).
  virtual void improv_packet(uint8_t type, const uint8_t* data, size_t length, Millis now) = 0;
  // A packet with a bad checksum, or one that stopped arriving.
  virtual void improv_invalid(Millis now) = 0;

 protected:
  ~SerialSink() = default;
};

class SerialDemux {
 public:
  explicit SerialDemux(SerialSink& sink, uint32_t packet_timeout_ms = kImprovPacketTimeoutMs)
      : sink_(sink), packet_timeout_ms_(packet_timeout_ms) {}
  void receive(const uint8_t* bytes, size_t length, Millis now);
  // Abandons a packet that stopped arriving; call it every pass, after
  // receive() has been given what came in.
  void poll(Millis now);

 private:
  enum class Mode : uint8_t { line, discard, packet };
  void take(uint8_t byte, Millis now);
  void take_line_byte(uint8_t byte, Millis now);
  void take_packet_byte(uint8_t byte, Millis now);
  void end_line(Millis now);
  void start_line();

  SerialSink& sink_;
  uint32_t packet_timeout_ms_;
  Mode mode_ = Mode::line;
  bool line_has_control_ = false;
  size_t header_matched_ = 0;
  char line_[kMaxConsoleLine + 1] = {};
  size_t line_length_ = 0;
  // Packet: type, length, data and checksum as they arrive.
  uint8_t packet_[2 + kImprovMaxData + 1] = {};
  size_t packet_length_ = 0;
  uint8_t packet_sum_ = 0;
  Millis packet_heard_at_ = 0;  // when its last byte came
};

// A console line split into its command word and argument.
enum class ConsoleVerb : uint8_t {
  help,
  pair,
  broker,
  broker_pin,
  app,
  forget_wifi,
  factory_reset,
  status,
  unknown,
};

struct ConsoleCommand {
  ConsoleVerb verb;
  const char* word;      // the command word as typed (points into the caller's buffer)
  size_t word_length;
  const char* argument;  // after the word, spaces trimmed; "" when none
  size_t argument_length;
};

// Splits a line: leading and trailing spaces and tabs ignored, the word ends
// at the first space or tab. The line must stay alive while the result is used.
ConsoleCommand parse_console_command(const char* line, size_t length);
const char* console_verb_name(ConsoleVerb verb);

}  // namespace hearth
