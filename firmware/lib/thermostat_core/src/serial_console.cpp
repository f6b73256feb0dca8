#include "serial_console.h"

#include <string.h>

namespace hearth {

namespace {

constexpr uint8_t kBackspace = 0x08;
constexpr uint8_t kDelete = 0x7F;

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

// The bytes first: whether a packet stopped arriving is judged by poll() with
// everything that had come for it already taken.
void SerialDemux::receive(const uint8_t* bytes, size_t length, Millis now) {
  for (size_t i = 0; i < length; ++i) take(bytes[i], now);
}

void SerialDemux::poll(Millis now) {
  if (mode_ != Mode::packet) return;
  if (static_cast<uint32_t>(now - packet_heard_at_) < packet_timeout_ms_) return;
  start_line();
  sink_.improv_invalid(now);
}

void SerialDemux::start_line() {
  mode_ = Mode::line;
  line_length_ = 0;
  line_has_control_ = false;
  header_matched_ = 0;
}

void SerialDemux::take(uint8_t byte, Millis now) {
  if (mode_ == Mode::packet) {
    take_packet_byte(byte, now);
    return;
  }
  // The packet header is looked for in every byte outside a packet; its bytes
  // are all different, so a mismatch can only restart the match at 'I'.
  if (byte == kImprovHeader[header_matched_]) {
    ++header_matched_;
  } else {
    header_matched_ = byte == kImprovHeader[0] ? 1 : 0;
  }
  if (header_matched_ == kImprovHeaderBytes) {
    mode_ = Mode::packet;
    header_matched_ = 0;
    packet_length_ = 0;
    packet_sum_ = 0;
    for (uint8_t b : kImprovHeader) packet_sum_ = static_cast<uint8_t>(packet_sum_ + b);
    packet_heard_at_ = now;
    return;
  }
  if (byte == '\n' || byte == '\r') {
    if (mode_ == Mode::line) end_line(now);
    start_line();
    return;
  }
  if (mode_ == Mode::discard) return;
  take_line_byte(byte, now);
}

void SerialDemux::take_line_byte(uint8_t byte, Millis now) {
  if (byte == kBackspace || byte == kDelete) {
    if (line_length_ > 0) --line_length_;
    return;
  }
  if ((byte < 0x20 && byte != '\t')) {
    line_has_control_ = true;
    return;
  }
  if (line_length_ == kMaxConsoleLine) {
    mode_ = Mode::discard;
    sink_.console_fault(SerialSink::LineFault::too_long, now);
    return;
  }
  line_[line_length_++] = static_cast<char>(byte);
}

void SerialDemux::end_line(Millis now) {
  if (line_has_control_) {
    sink_.console_fault(SerialSink::LineFault::control_byte, now);
    return;
  }
  if (line_length_ == 0) return;
  line_[line_length_] = '\0';
  sink_.console_line(line_, line_length_, now);
}

void SerialDemux::take_packet_byte(uint8_t byte, Millis now) {
  packet_heard_at_ = now;
  packet_[packet_length_++] = byte;
  // type, length, data[length], checksum
  if (packet_length_ < 2 || packet_length_ < 2 + size_t(packet_[1]) + 1) {
    packet_sum_ = static_cast<uint8_t>(packet_sum_ + byte);
    return;
  }
  const bool sum_ok = byte == packet_sum_;
  const uint8_t type = packet_[0];
  const size_t length = packet_[1];
  if (sum_ok) {
    start_line();
    sink_.improv_packet(type, packet_ + 2, length, now);
  } else {
    // The header may have been a false one and its length byte garbage:
    // nothing is trusted until the next line end or packet header.
    start_line();
    mode_ = Mode::discard;
    sink_.improv_invalid(now);
  }
}

ConsoleCommand parse_console_command(const char* line, size_t length) {
  size_t start = 0;
  while (start < length && is_space(line[start])) ++start;
  size_t end = length;
  while (end > start && is_space(line[end - 1])) --end;
  size_t word_end = start;
  while (word_end < end && !is_space(line[word_end])) ++word_end;
  size_t argument = word_end;
  while (argument < end && is_space(line[argument])) ++argument;

  ConsoleCommand command{ConsoleVerb::unknown, line + start, word_end - start, line + argument,
                         end - argument};
  if (command.argument_length == 0) command.argument = "";
  static const ConsoleVerb kVerbs[] = {ConsoleVerb::help,        ConsoleVerb::pair,
                                       ConsoleVerb::broker,      ConsoleVerb::broker_pin,
                                       ConsoleVerb::app,         ConsoleVerb::forget_wifi,
                                       ConsoleVerb::factory_reset, ConsoleVerb::status};
  for (ConsoleVerb verb : kVerbs) {
    const char* name = console_verb_name(verb);
    if (strlen(name) == command.word_length && memcmp(name, command.word, command.word_length) == 0) {
      command.verb = verb;
      break;
    }
  }
  return command;
}

const char* console_verb_name(ConsoleVerb verb) {
  switch (verb) {
    case ConsoleVerb::help: return "help";
    case ConsoleVerb::pair: return "pair";
    case ConsoleVerb::broker: return "broker";
    case ConsoleVerb::broker_pin: return "broker-pin";
    case ConsoleVerb::app: return "app";
    case ConsoleVerb::forget_wifi: return "forget-wifi";
    case ConsoleVerb::factory_reset: return "factory-reset";
    case ConsoleVerb::status: return "status";
    case ConsoleVerb::unknown: break;
  }
  return "";
}

}  // namespace hearth
