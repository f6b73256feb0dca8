// The USB serial port for the core's Onboarding (onboarding.h): console lines
// and Improv Wi-Fi packets in, answers out. Only binds the port: what the
// bytes mean is decided in the core.
//
// Bounded per pass (docs/protocol.md "Setting up over the serial port"): at
// most kReadPerPass bytes are taken from the receive buffer, and no more than
// the core has room for (it takes input only while its answers fit: the rest
// waits in the UART's buffer), and only what the UART's transmit FIFO has room
// for is written, because HardwareSerial::write() waits for room and a scan's
// results (about 1 KB) would otherwise hold the loop for ~90 ms at 115200 baud.
#pragma once
#include <Arduino.h>

#include "onboarding.h"

class ArduinoSerialPort {
 public:
  static constexpr size_t kReadPerPass = 64;

  explicit ArduinoSerialPort(hearth::Onboarding& setup) : setup_(setup) {}

  // Once per loop(): what came in, the state machine's timers, what goes out.
  void service(hearth::Millis now) {
    uint8_t received[kReadPerPass];
    const int available = Serial.available();
    const size_t room = setup_.input_room() < sizeof received ? setup_.input_room() : sizeof received;
    if (available > 0 && room > 0) {
      const size_t wanted = static_cast<size_t>(available) < room ? static_cast<size_t>(available) : room;
      const int got = Serial.read(received, wanted);  // takes what is there, never waits
      if (got > 0) setup_.receive(received, static_cast<size_t>(got), now);
    }
    setup_.poll(now);
    const int fifo_room = Serial.availableForWrite();
    const size_t pending = setup_.output_length();
    if (fifo_room <= 0 || pending == 0) return;
    const size_t length = pending < static_cast<size_t>(fifo_room) ? pending : static_cast<size_t>(fifo_room);
    setup_.consume_output(Serial.write(setup_.output(), length));
  }

 private:
  hearth::Onboarding& setup_;
};
