#include "frame_gate.h"

namespace hearth {

FrameHeader parse_frame_header(const uint8_t* bytes, size_t length) {
  if (length < 2) return {false, 0, 0};
  const bool masked = (bytes[1] & 0x80) != 0;
  const uint8_t short_length = bytes[1] & 0x7F;
  size_t extended = short_length == 126 ? 2 : short_length == 127 ? 8 : 0;
  const size_t header = 2 + extended + (masked ? 4 : 0);
  if (length < 2 + extended) return {false, 0, 0};
  uint64_t payload = short_length;
  if (extended > 0) {
    payload = 0;
    for (size_t i = 0; i < extended; ++i) payload = payload << 8 | bytes[2 + i];
  }
  // The mask key follows the length, but the length is all a verdict needs.
  return {true, uint8_t(header), payload};
}

const char* frame_verdict_name(FrameVerdict v) {
  switch (v) {
    case FrameVerdict::idle: return "idle";
    case FrameVerdict::read: return "read";
    case FrameVerdict::wait: return "wait";
    case FrameVerdict::too_large: return "too_large";
    case FrameVerdict::too_slow: return "too_slow";
  }
  return "?";
}

FrameGate::FrameGate(size_t max_payload_bytes, uint32_t patience_ms)
    : max_payload_bytes_(max_payload_bytes), patience_ms_(patience_ms) {}

FrameVerdict FrameGate::check(Millis now, const uint8_t* head, size_t head_length, size_t available,
                              bool available_is_exact) {
  if (available == 0) {
    waiting_ = false;
    return FrameVerdict::idle;
  }
  if (!waiting_) {
    waiting_ = true;
    waiting_since_ = now;
  }
  const size_t visible = head_length < available ? head_length : available;
  const FrameHeader header = parse_frame_header(head, visible);
  if (!header.complete) {
    if (available_is_exact && available > visible) {
      // Plain TCP shows only its first receive buffer: a header split across
      // two buffers stays unseen however long the gate waits, while its rest
      // is already here. The library's own bound takes the frame then: over
      // WEBSOCKETS_MAX_DATA_SIZE it closes with 1009 before allocating, and a
      // malloc that fails closes with 1011.
      waiting_ = false;
      return FrameVerdict::read;
    }
    // The rest of the header has not come yet: the library must not read
    // it, or it would allocate whatever the length says. On TLS only the
    // current record shows, and a header split across records never shows
    // whole: it is let through after the patience, like a payload spread
    // over records (only the authenticated broker makes records).
    return waited(now, available_is_exact ? FrameVerdict::too_slow : FrameVerdict::read);
  }
  if (header.payload_bytes > max_payload_bytes_) {
    waiting_ = false;
    return FrameVerdict::too_large;
  }
  if (available >= header.header_bytes + header.payload_bytes) {
    waiting_ = false;
    return FrameVerdict::read;
  }
  return waited(now, available_is_exact ? FrameVerdict::too_slow : FrameVerdict::read);
}

FrameVerdict FrameGate::waited(Millis now, FrameVerdict after_patience) {
  if (uint32_t(now - waiting_since_) < patience_ms_) return FrameVerdict::wait;
  waiting_ = false;
  return after_patience;
}

}  // namespace hearth
