// Whether the device's WebSocket library may read the next incoming frame
// yet. The library (links2004/WebSockets 2.6.1) reads a frame in one blocking
// call once its first byte is there: it mallocs the length the header declares
// (up to its own 15 KB, a limit no build flag can change) and then waits for
// the payload, its timeout restarting with every byte. So the glue looks at
// the head of the stream first (without consuming it) and lets the library
// read only a frame that is within the core's limit and already all there.
// firmware/README.md "What blocks, and for how long" and "Memory at peak".
#pragma once
#include "core_types.h"

namespace hearth {

// RFC 6455 section 5.2: 2 bytes, then 2 or 8 of extended length, then 4 of mask.
constexpr size_t kMaxFrameHeaderBytes = 14;

struct FrameHeader {
  bool complete;         // false: more bytes are needed to know the length
  uint8_t header_bytes;  // with extended length and mask, when complete
  uint64_t payload_bytes;
};

// Reads the length fields of the frame header at the start of `bytes`.
FrameHeader parse_frame_header(const uint8_t* bytes, size_t length);

enum class FrameVerdict : uint8_t {
  idle,       // nothing received: the library may run (it only looks after the link)
  read,       // the whole frame is there and within the limit: let the library read it
  wait,       // not all there yet: do not let the library block on it
  too_large,  // it declares more than the limit: close the link (1009) before any allocation
  too_slow,   // the rest did not come within the patience: close the link
};

const char* frame_verdict_name(FrameVerdict v);

class FrameGate {
 public:
  // patience_ms: how long one frame may take to arrive in full (from when its
  // first bytes are seen).
  FrameGate(size_t max_payload_bytes, uint32_t patience_ms);

  // head: the first bytes of what the transport holds, as far as it lets
  // them be seen without consuming them (a TCP client: its first receive
  // buffer only; TLS: the current record only). available: the bytes the
  // transport holds. available_is_exact: false for TLS, where only the
  // current record counts, so that a frame (or a frame header) spread over
  // several records never shows whole; after the patience such a frame is
  // let through (the library then waits for each further record, which only
  // the authenticated broker sends). On plain TCP anyone on the path could
  // send the rest a byte at a time, so the link is closed instead; but a
  // header cut by the first buffer's end, its rest already received, is let
  // through at once under the library's own bound (frame_gate.cpp).
  FrameVerdict check(Millis now, const uint8_t* head, size_t head_length, size_t available,
                     bool available_is_exact);
  // A new link: forget any frame waited for.
  void reset() { waiting_ = false; }

 private:
  FrameVerdict waited(Millis now, FrameVerdict after_patience);

  size_t max_payload_bytes_;
  uint32_t patience_ms_;
  bool waiting_ = false;
  Millis waiting_since_ = 0;
};

}  // namespace hearth
