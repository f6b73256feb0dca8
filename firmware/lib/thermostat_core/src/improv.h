// Improv Wi-Fi over serial (https://www.improv-wifi.com/serial/), the packets
// only: building the ones the thermostat sends and reading the RPCs a client
// sends (docs/protocol.md "Setting up over the serial port").
//
//   "IMPROV" | version 1 | type | length | data[length] | checksum
//
// checksum: the low byte of the sum of every byte before it. The thermostat
// ends each packet it sends with '\n', as the JavaScript SDK does, so that a
// terminal shows them on lines of their own and a reader resynchronises.
#pragma once
#include "core_types.h"

namespace hearth {

enum class ImprovType : uint8_t {
  current_state = 0x01,  // device to client
  error_state = 0x02,    // device to client
  rpc = 0x03,            // client to device
  rpc_result = 0x04,     // device to client
};

enum class ImprovState : uint8_t {
  ready = 0x02,         // no network: waiting for credentials
  provisioning = 0x03,  // credentials received, connecting
  provisioned = 0x04,   // connected with a saved network
};

enum class ImprovError : uint8_t {
  none = 0x00,
  invalid_rpc = 0x01,        // malformed packet: bad checksum, lengths that disagree, bad strings
  unknown_rpc = 0x02,        // an RPC command this thermostat does not have
  unable_to_connect = 0x03,  // the credentials did not connect within the time allowed
  unknown = 0xFF,
};

enum class ImprovCommand : uint8_t {
  wifi_settings = 0x01,
  current_state = 0x02,
  device_info = 0x03,
  scan = 0x04,
};

constexpr uint8_t kImprovVersion = 1;
constexpr uint8_t kImprovHeader[] = {'I', 'M', 'P', 'R', 'O', 'V', kImprovVersion};
constexpr size_t kImprovHeaderBytes = sizeof kImprovHeader;
constexpr size_t kImprovMaxData = 255;
// Header, type, length, data, checksum and the '\n'.
constexpr size_t kImprovMaxPacket = kImprovHeaderBytes + 2 + kImprovMaxData + 2;
constexpr size_t kMaxSsidBytes = 32;
constexpr size_t kMaxWifiPasswordBytes = 64;

// Writes one packet, checksum and '\n' included, into out; returns its size,
// or 0 when data is longer than a packet holds or out is too small.
size_t write_improv_packet(ImprovType type, const uint8_t* data, size_t length, uint8_t* out,
                           size_t capacity);

struct WifiCredentials {
  char ssid[kMaxSsidBytes + 1];               // 1 to 32 bytes, NUL-terminated
  char password[kMaxWifiPasswordBytes + 1];   // 0 (open network) to 64 bytes
};

struct ImprovRpc {
  uint8_t command;        // any value: unknown ones are answered unknown_rpc by the caller
  WifiCredentials wifi;   // wifi_settings only
};

// Reads the data of an RPC packet: command | length | payload, where length
// must be exactly the payload's size. For wifi_settings the payload is
// ssid length | ssid | password length | password, nothing more, and neither
// string may hold a NUL (the radio takes C strings). invalid_rpc otherwise.
ImprovError parse_improv_rpc(const uint8_t* data, size_t length, ImprovRpc* out);

// An RPC result: command | total length | (string length | string)...
class ImprovResult {
 public:
  explicit ImprovResult(ImprovCommand command);
  // False, changing nothing, when the string would not fit the packet.
  bool add(const char* text, size_t length);
  bool add(const char* text);
  size_t strings() const { return strings_; }
  // The packet, as write_improv_packet writes it. The Improv JavaScript SDK
  // (2.8.1, serial.ts _processInput) drops everything up to a '\n' that comes
  // before a packet's 9th byte, so a packet whose length byte is 10 would be
  // lost: such a result gets one more, empty, string (readers take the
  // strings they know and ignore the rest).
  size_t write_packet(uint8_t* out, size_t capacity) const;

 private:
  uint8_t data_[kImprovMaxData];
  size_t length_ = 2;
  size_t strings_ = 0;
};

// The single-byte packets: a current state and an error state.
size_t write_improv_state(ImprovState state, uint8_t* out, size_t capacity);
size_t write_improv_error(ImprovError error, uint8_t* out, size_t capacity);

}  // namespace hearth
