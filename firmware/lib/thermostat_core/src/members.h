// The household's members and how they join (docs/protocol.md "Keys and
// pairing", "Joining", "The old shared key", "Members", "Threat model"): each
// member's own key, bound to its ID; the members blob; the open invitations
// and the last removed members, both in memory only; and the key agreement of
// a JOIN (ECDH P-256 with BearSSL's br_ec_p256_m15, as logon.h, then
// HKDF-SHA256). protocol/member-key.ts is the other definition; both run
// protocol/vectors/members.json.
#pragma once
#include "codec.h"
#include "core_types.h"
#include "logon.h"
#include "peers.h"
#include "ports.h"

namespace hearth {

constexpr size_t kMaxMembers = 8;
constexpr size_t kInvitationBytes = 32;
constexpr size_t kMaxInvitations = 4;
constexpr size_t kRemovedRemembered = 4;
constexpr uint64_t kInvitationLifetimeMs = 24ull * 60 * 60 * 1000;
constexpr size_t kJoinPublicKeyBytes = kPublicKeyBytes;  // 0x04 || X || Y
constexpr size_t kSharedXBytes = 32;

struct Member {
  bool used;
  char id[kIdLength + 1];
  uint8_t key[kKeyBytes];
  char name[kMaxNameBytes + 1];  // as copy_display_name keeps it
  // When its app or its OwnTracks was last heard from (MEMBERS' heard_s): in
  // RAM only, not in the blob; it moves with the member and goes with it.
  bool heard;
  uint64_t heard_at;  // MonotonicClock milliseconds
};

// At most kMaxMembers, in the order they joined (MEMBERS lists them so): the
// used entries are begin()..end(), packed, each ID at most once. A pointer
// from find() or add() stays good until the next add() or remove().
class MemberTable {
 public:
  Member* find(const char* id);
  const Member* find(const char* id) const;
  // The member with this ID given `key` and `name` (copy_display_name):
  // an existing one keeps its place and gets the new key and name (a JOIN
  // from a member, see "Joining"), a new one goes last. nullptr, and nothing
  // changes, when the table is full or id is not a valid ID.
  Member* add(const char* id, const uint8_t key[kKeyBytes], const char* name);
  // Forgets the member (its key wiped); the ones after it move up. false
  // when there is no such member.
  bool remove(const char* id);
  // Forgets every member (keys wiped) and closes the old shared key.
  void clear();
  size_t count() const { return count_; }
  Member* begin() { return members_; }
  Member* end() { return members_ + count_; }
  const Member* begin() const { return members_; }
  const Member* end() const { return members_ + count_; }

  // The old shared key still opens JOINs (and messages from non-members),
  // see "The old shared key". Closed on a new thermostat.
  bool old_link_open = false;

 private:
  Member members_[kMaxMembers] = {};
  size_t count_ = 0;
};

// Members blob (docs/protocol.md "What the thermostat does, whatever it is
// told", "Members storage"), written byte by byte: "HM", version, flags
// (bit 0: the old shared key is open), the thermostat ID (kIdLength
// characters), the member count, then per member a record of
// kMemberRecordBytes: the ID (kIdLength characters), the key, the name's
// length in bytes and the name zero-padded to kMaxNameBytes; checksum32 of
// all that, 32-bit little-endian. The blob is 31 + 87 * count bytes.
constexpr uint8_t kMembersBlobVersion = 1;
constexpr uint8_t kMembersFlagOldLinkOpen = 0x01;
constexpr size_t kMemberRecordBytes = kIdLength + kKeyBytes + 1 + kMaxNameBytes;
constexpr size_t kMembersHeaderBytes = 2 + 1 + 1 + kIdLength + 1;
constexpr size_t kMembersBlobSize = kMembersHeaderBytes + kMaxMembers * kMemberRecordBytes + 4;

// Writes the blob for `table`, the members of thermostat_id (a valid ID);
// returns its length.
size_t encode_members(const MemberTable& table, const char* thermostat_id,
                      uint8_t out[kMembersBlobSize]);
// corrupt for a wrong length, magic, version, flags or checksum, more than
// kMaxMembers, a malformed or repeated member ID, a name copy_display_name
// would not keep, or a blob of another thermostat ID than thermostat_id; *out
// is then empty with the old shared key closed (what to do next is the
// caller's: "Members storage").
Status decode_members(const uint8_t* blob, size_t length, const char* thermostat_id,
                      MemberTable* out);

// An open invitation (docs/protocol.md "Keys and pairing", "Joining"): good
// for kInvitationLifetimeMs after made_at on the monotonic clock; once
// redeemed, only for redeemed_by (its app may not have got the WELCOME).
struct Invitation {
  bool used;
  uint8_t secret[kInvitationBytes];
  uint64_t made_at;                    // MonotonicClock milliseconds
  uint32_t order;                      // which make() made it: the oldest of several made at one moment
  char redeemed_by[kIdLength + 1];     // empty until a JOIN redeems it
};

// At most kMaxInvitations, in memory only (a restart ends them all).
class Invitations {
 public:
  // Keeps a new invitation made at `now` in a free place, or in place of an
  // expired one, or else in place of the oldest (its secret wiped).
  Invitation& make(const uint8_t secret[kInvitationBytes], uint64_t now);

  // Whether `invitation` may open what `transmitter` sent at `now`: not
  // expired, and not redeemed by another ID.
  static bool opens_for(const Invitation& invitation, const char* transmitter, uint64_t now);

  // The first invitation that opens_for(transmitter, now) and whose secret
  // try_secret(const uint8_t secret[kInvitationBytes]) -> bool accepts (the
  // caller opens the envelope with it), or nullptr. Expired ones are forgotten
  // on the way.
  template <typename TrySecret>
  Invitation* find(const char* transmitter, uint64_t now, TrySecret try_secret) {
    for (Invitation& invitation : invitations_) {
      if (!invitation.used) continue;
      if (expired(invitation, now)) {
        forget(invitation);
        continue;
      }
      if (!opens_for(invitation, transmitter, now)) continue;
      if (try_secret(static_cast<const uint8_t*>(invitation.secret))) return &invitation;
    }
    return nullptr;
  }

  // Marks the invitation used up by `member_id`: from now on it opens only
  // what that ID sends, until it would have expired.
  static void redeem(Invitation& invitation, const char* member_id);

  // Invitations not expired at `now`, redeemed ones included.
  size_t open_count(uint64_t now) const;
  // Forgets every invitation (secrets wiped): a factory reset, a removal.
  void clear();

  static bool expired(const Invitation& invitation, uint64_t now) {
    return now - invitation.made_at >= kInvitationLifetimeMs;
  }

 private:
  static void forget(Invitation& invitation);
  Invitation invitations_[kMaxInvitations] = {};
  uint32_t made_ = 0;
};

// The IDs and keys of the last kRemovedRemembered removed members, in memory
// only, so that whatever such an app seals under its old key is answered
// with ERROR not_member (docs/protocol.md "Members").
class RemovedMembers {
 public:
  // Remembers (id, key), in place of the same ID's entry, or else of a free
  // one, or else of the one remembered longest ago.
  void remember(const char* id, const uint8_t key[kKeyBytes]);
  // The removed member's old key, or nullptr.
  const uint8_t* find(const char* id) const;
  // Forgets the ID (it has joined again).
  void forget(const char* id);
  // Forgets every entry (keys wiped): a factory reset.
  void clear();

 private:
  struct Entry {
    bool used;
    char id[kIdLength + 1];
    uint8_t key[kKeyBytes];
    uint32_t order;  // when it was remembered, counted in remember() calls
  };
  Entry* entry_of(const char* id);
  Entry entries_[kRemovedRemembered] = {};
  uint32_t remembered_ = 0;
};

// The thermostat's one-time key pair for one JOIN ("Joining" step 1). The
// caller wipes it (wipe_join_keys) as soon as the member key is derived.
struct JoinKeys {
  uint8_t private_key[kPrivateKeyBytes];
  uint8_t public_key[kJoinPublicKeyBytes];
};

// A new key pair from the Random port (its error when it is not ready).
Status make_join_keys(Random& random, JoinKeys* out);
void wipe_join_keys(JoinKeys* keys);

// JOIN's public_key as text: strict base64url of exactly 65 bytes starting
// 0x04. Only the shape: whether it is on the curve is join_shared_x's.
bool decode_join_public_key(const char* text, size_t length,
                            uint8_t out[kJoinPublicKeyBytes]);

// The X coordinate of private_key * peer_public. false (shared_x wiped) when
// peer_public is not an uncompressed P-256 point on the curve (or the private
// key is not valid). Runs on the crypto stack (logon.h use_crypto_stack).
bool join_shared_x(const uint8_t private_key[kPrivateKeyBytes],
                   const uint8_t peer_public[kJoinPublicKeyBytes],
                   uint8_t shared_x[kSharedXBytes]);

// "Joining" step 2: HKDF-SHA256(salt = secret, IKM = shared_x,
// info = "hearth member v1|" + thermostat_id + "|" + member_id, 32 bytes).
// Both IDs are valid IDs (kIdLength characters).
void derive_member_key(const uint8_t shared_x[kSharedXBytes], const uint8_t secret[kInvitationBytes],
                       const char* thermostat_id, const char* member_id, uint8_t out[kKeyBytes]);

// Overwrites n bytes in a way the compiler cannot drop (secrets going out of use).
void wipe_secret(void* data, size_t n);

}  // namespace hearth
