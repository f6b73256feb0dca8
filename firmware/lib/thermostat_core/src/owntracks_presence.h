// Presence from OwnTracks (docs/protocol.md "Presence from OwnTracks"): the
// members' secrets and regions, the replay rule, the delayed leave, and how
// the registrations are stored. The thermostat opens each RELAY's box and
// hands the message here; what it decides lands in the member's presence as a
// HOME_set's would (peers.h).
#pragma once
#include "codec.h"
#include "core_types.h"
#include "peers.h"

struct cJSON;

namespace hearth {

constexpr size_t kMaxOwntracksMembers = 8;
// 24 random bytes as base64url (docs/protocol.md "Messages", OWNTRACKS_set).
constexpr size_t kOwntracksSecretLength = 32;
// A RELAY's data: standard padded base64 of at most 2304 bytes (docs/protocol.md "RELAY").
constexpr size_t kMaxOwntracksDataChars = 3072;
constexpr size_t kMaxOwntracksBoxBytes = kMaxOwntracksDataChars / 4 * 3;
// A leave stands this long before the member counts as away (docs/protocol.md
// "What the thermostat accepts"): phones indoors report brief false leaves.
constexpr uint32_t kOwntracksLeaveDelayMs = 180000;
// The largest whole number a JSON number holds exactly (2^53 - 1).
constexpr uint64_t kMaxWholeNumber = 9007199254740991ull;

// All zero when unused (OwntracksMembers clears slots with memset).
struct OwntracksMember {
  uint64_t wtst;
  // The times of the last transition and the last location accepted under this secret (0: none
  // yet). Ordered apart: OwnTracks for Android stamps a transition with its fix, which can come
  // after a location stamped with the time it was sent.
  uint64_t last_transition;
  uint64_t last_location;
  char id[kIdLength + 1];
  char secret[kOwntracksSecretLength + 1];
  // The app's name when it registered: a member that reports only through
  // OwnTracks after a reboot still has one in STATE.
  char name[kMaxNameBytes + 1];
  bool used;
  // In RAM only: after a reboot a pending leave is gone.
  bool leave_pending;
  uint64_t leave_since;  // the leave's arrival
};

// What an opened message told the thermostat.
enum class OwntracksVerdict : uint8_t {
  dropped,   // no object of a known _type with a valid time: nothing stored or changed
  replayed,  // not newer than what was accepted: ignored
  accepted,  // stored; changes nothing else (another region, no "Hearth" in inregions)
  enter,     // accepted: the member is home now
  leave,     // accepted: a leave is pending (kept from an earlier one when already pending)
};

// The whole number 1..2^53-1 a JSON item holds, else false.
bool json_whole_number(const cJSON* item, uint64_t* out);

class OwntracksMembers {
 public:
  OwntracksMember* find(const char* id) const;
  OwntracksMember* begin() { return members_; }
  OwntracksMember* end() { return members_ + kMaxOwntracksMembers; }
  const OwntracksMember* begin() const { return members_; }
  const OwntracksMember* end() const { return members_ + kMaxOwntracksMembers; }

  // Sets or replaces a member's secret and region, with its display name. A
  // new secret restarts the replay times (nothing sealed under the old one
  // opens any more); the same secret keeps them, so a repeated OWNTRACKS_set
  // reopens no door. too_large when 8 others already have one. Sets *changed
  // when anything that is stored changed.
  Status set(const char* id, const char* secret, uint64_t wtst, const char* name, bool* changed);
  // Forgets a member's secret and pending leave; true when it had one.
  bool forget(const char* id);
  void clear();

  // Reads an opened message of `member` (docs/protocol.md "What the
  // thermostat accepts", steps 3 to 5), applies the replay rule and starts or
  // cancels a pending leave. The caller stores the registrations whenever the
  // verdict is accepted, enter or leave.
  OwntracksVerdict receive(OwntracksMember& member, const cJSON* message, uint64_t now);

  // A member whose leave has stood kOwntracksLeaveDelayMs, its pending leave
  // cleared; nullptr when none.
  OwntracksMember* settled_leave(uint64_t now);

 private:
  OwntracksMember members_[kMaxOwntracksMembers] = {};
};

bool is_owntracks_secret(const char* text);

// Registrations blob, written field by field so that any firmware reads it
// whatever its CPU and its struct layout: "HO", version, count, then per member
// a record of kOwntracksRecordBytes: wtst, last transition time and last
// location time (each 64-bit little-endian), the ID (kIdLength characters), the
// secret (kOwntracksSecretLength characters), the name's length in bytes and
// the name zero-padded to kMaxNameBytes; checksum32 of all that, 32-bit
// little-endian. A firmware that changes the record raises the version and
// reads the older ones (version 1 is read, see owntracks_presence.cpp).
constexpr size_t kOwntracksRecordBytes =
    8 + 8 + 8 + kIdLength + kOwntracksSecretLength + 1 + kMaxNameBytes;
constexpr size_t kOwntracksBlobMaxBytes = 4 + kMaxOwntracksMembers * kOwntracksRecordBytes + 4;
constexpr uint8_t kOwntracksBlobVersion = 2;
size_t encode_owntracks_members(const OwntracksMembers& members, uint8_t* out);
// corrupt for a wrong magic, an unknown version, a wrong length or checksum, or a
// record that breaks the rules OWNTRACKS_set enforces (out is then left empty).
Status decode_owntracks_members(const uint8_t* blob, size_t length, OwntracksMembers* out);

}  // namespace hearth
