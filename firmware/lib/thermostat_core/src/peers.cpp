#include "peers.h"

#include <string.h>

namespace hearth {

Peer* PeerTable::find(const char* id) {
  for (Peer& p : peers_) {
    if (p.used && strcmp(p.id, id) == 0) return &p;
  }
  return nullptr;
}

uint64_t last_activity(const Peer& peer) {
  return peer.has_presence && peer.presence_at > peer.heard_at ? peer.presence_at : peer.heard_at;
}

Peer& PeerTable::take(Peer& slot, const char* id) {
  slot = Peer{};
  slot.used = true;
  memcpy(slot.id, id, kIdLength);
  slot.id[kIdLength] = '\0';
  return slot;
}

size_t PeerTable::count() const {
  size_t n = 0;
  for (const Peer& p : peers_) n += p.used ? 1 : 0;
  return n;
}

size_t utf16_length(const char* text) {
  size_t units = 0;
  for (size_t i = 0; text[i] != '\0'; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xc0) != 0x80) ++units;  // a lead byte starts a character
    if (c >= 0xf0) ++units;           // four bytes: a surrogate pair in UTF-16
  }
  return units;
}

void copy_display_name(const char* text, char out[kMaxNameBytes + 1]) {
  size_t o = 0;
  for (size_t i = 0; text[i] != '\0';) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t width = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    for (size_t k = 1; k < width; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        width = 1;
        break;
      }
    }
    if (o + width > kMaxNameBytes) break;
    if (width == 1) {
      out[o++] = (c < 0x20 || c >= 0x7f) ? '?' : char(c);
    } else {
      memcpy(out + o, text + i, width);
      o += width;
    }
    i += width;
  }
  out[o] = '\0';
}

}  // namespace hearth
