// Application sessions and presence reports, one slot per app ID
// (docs/protocol.md "Sessions and replay"). When the table is full the
// member whose last activity (a message from its app, or its last report) is
// oldest gives up its slot. A member heard from only through OwnTracks has a
// slot without a session (an empty one).
#pragma once
#include "codec.h"
#include "core_types.h"

namespace hearth {

constexpr size_t kMaxPeers = 8;
constexpr size_t kSessionBytes = 12;
constexpr size_t kMaxNameBytes = 32;
// The longest name a START may carry, in UTF-16 code units as JavaScript counts
// a string's length (docs/protocol.md "Sessions and replay").
constexpr size_t kMaxNameUnits = 64;
// The farthest a HOME_set may report an app to be, in metres (docs/protocol.md "Messages").
constexpr double kMaxDistance = 1e8;

struct Peer;
// When the member was last heard from: a message from its app, or its last
// report (an OwnTracks-only member has never been heard from by its app).
uint64_t last_activity(const Peer& peer);

struct Peer {
  bool used = false;
  char id[kIdLength + 1] = {};
  char name[kMaxNameBytes + 1] = {};
  char session[base64url_length(kSessionBytes) + 1] = {};
  uint64_t last_rx_seq = 0;  // highest seq accepted from the app
  uint64_t tx_seq = 0;       // last seq sent to the app
  uint64_t heard_at = 0;
  bool reachable = true;     // false after the broker said receiver_offline
  bool has_presence = false;
  bool home = false;
  double distance = 0;       // metres, as last reported with the presence
  bool from_owntracks = false;  // the presence came from OwnTracks, not a HOME_set
  uint64_t presence_at = 0;
};

class PeerTable {
 public:
  Peer* find(const char* id);
  // A slot for id: the existing one, a free one, or else, of the slots
  // can_give_up(peer) lets go, the one with the oldest last activity; nullptr
  // when it lets none go.
  template <typename CanGiveUp>
  Peer* claim(const char* id, CanGiveUp can_give_up) {
    if (Peer* existing = find(id)) return existing;
    Peer* slot = nullptr;
    for (Peer& p : peers_) {
      if (!p.used) return &take(p, id);
      if (can_give_up(static_cast<const Peer&>(p)) &&
          (slot == nullptr || last_activity(p) < last_activity(*slot))) {
        slot = &p;
      }
    }
    return slot != nullptr ? &take(*slot, id) : nullptr;
  }
  Peer* begin() { return peers_; }
  Peer* end() { return peers_ + kMaxPeers; }
  const Peer* begin() const { return peers_; }
  const Peer* end() const { return peers_ + kMaxPeers; }
  size_t count() const;

 private:
  Peer& take(Peer& slot, const char* id);
  Peer peers_[kMaxPeers];
};

// The UTF-16 code units of well-formed UTF-8 text (as the JSON check leaves
// it): one per character, two for a character beyond U+FFFF.
size_t utf16_length(const char* text);

// Copies at most kMaxNameBytes of UTF-8 without cutting a character, and
// replaces control characters, so that every name fits the STATE buffer.
void copy_display_name(const char* text, char out[kMaxNameBytes + 1]);

}  // namespace hearth
