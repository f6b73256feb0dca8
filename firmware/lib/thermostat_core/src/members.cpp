#include "members.h"

#include <bearssl/bearssl.h>
#include <string.h>

namespace hearth {

void wipe_secret(void* data, size_t n) {
  volatile uint8_t* bytes = static_cast<volatile uint8_t*>(data);
  while (n--) *bytes++ = 0;
}

// ---- MemberTable ----------------------------------------------------------

Member* MemberTable::find(const char* id) {
  for (Member& member : *this) {
    if (strcmp(member.id, id) == 0) return &member;
  }
  return nullptr;
}

const Member* MemberTable::find(const char* id) const {
  return const_cast<MemberTable*>(this)->find(id);
}

Member* MemberTable::add(const char* id, const uint8_t key[kKeyBytes], const char* name) {
  if (!is_valid_id(id, strnlen(id, kIdLength + 1))) return nullptr;
  Member* member = find(id);
  if (member == nullptr) {
    if (count_ == kMaxMembers) return nullptr;
    member = &members_[count_++];
    member->used = true;
    memcpy(member->id, id, kIdLength + 1);
  }
  memcpy(member->key, key, kKeyBytes);
  copy_display_name(name, member->name);
  return member;
}

bool MemberTable::remove(const char* id) {
  Member* member = find(id);
  if (member == nullptr) return false;
  for (Member* next = member + 1; next != end(); ++next) next[-1] = *next;
  --count_;
  wipe_secret(&members_[count_], sizeof members_[count_]);
  return true;
}

void MemberTable::clear() {
  wipe_secret(members_, sizeof members_);
  count_ = 0;
  old_link_open = false;
}

// ---- The members blob -------------------------------------------------------

size_t encode_members(const MemberTable& table, const char* thermostat_id,
                      uint8_t out[kMembersBlobSize]) {
  out[0] = 'H';
  out[1] = 'M';
  out[2] = kMembersBlobVersion;
  out[3] = table.old_link_open ? kMembersFlagOldLinkOpen : 0;
  memcpy(out + 4, thermostat_id, kIdLength);
  out[4 + kIdLength] = uint8_t(table.count());
  size_t o = kMembersHeaderBytes;
  for (const Member& member : table) {
    const size_t name_length = strlen(member.name);
    memcpy(out + o, member.id, kIdLength);
    memcpy(out + o + kIdLength, member.key, kKeyBytes);
    out[o + kIdLength + kKeyBytes] = uint8_t(name_length);
    uint8_t* name = out + o + kIdLength + kKeyBytes + 1;
    memset(name, 0, kMaxNameBytes);
    memcpy(name, member.name, name_length);
    o += kMemberRecordBytes;
  }
  store_le32(out + o, checksum32(out, o));
  return o + 4;
}

namespace {

// One record into *out (not yet in the table): what add() would keep, or false.
bool read_member(const uint8_t* record, Member* out) {
  memset(out, 0, sizeof *out);
  memcpy(out->id, record, kIdLength);
  if (!is_valid_id(out->id, kIdLength)) return false;
  memcpy(out->key, record + kIdLength, kKeyBytes);
  const size_t name_length = record[kIdLength + kKeyBytes];
  const uint8_t* name = record + kIdLength + kKeyBytes + 1;
  if (name_length > kMaxNameBytes) return false;
  for (size_t i = 0; i < kMaxNameBytes; ++i) {
    // No NUL inside the name, only zeros after it: one encoding per table.
    if ((name[i] == 0) != (i >= name_length)) return false;
  }
  memcpy(out->name, name, name_length);
  char kept[kMaxNameBytes + 1];
  copy_display_name(out->name, kept);
  if (strcmp(kept, out->name) != 0) return false;
  out->used = true;
  return true;
}

}  // namespace

Status decode_members(const uint8_t* blob, size_t length, const char* thermostat_id,
                      MemberTable* out) {
  out->clear();
  if (length < kMembersHeaderBytes + 4 || length > kMembersBlobSize) return Error::corrupt;
  const size_t count = blob[kMembersHeaderBytes - 1];
  bool good = blob[0] == 'H' && blob[1] == 'M' && blob[2] == kMembersBlobVersion &&
              (blob[3] & ~kMembersFlagOldLinkOpen) == 0 && count <= kMaxMembers &&
              length == kMembersHeaderBytes + count * kMemberRecordBytes + 4 &&
              load_le32(blob + length - 4) == checksum32(blob, length - 4) &&
              memcmp(blob + 4, thermostat_id, kIdLength) == 0 &&
              strnlen(thermostat_id, kIdLength + 1) == kIdLength;
  Member member;
  for (size_t i = 0; good && i < count; ++i) {
    good = read_member(blob + kMembersHeaderBytes + i * kMemberRecordBytes, &member) &&
           out->find(member.id) == nullptr && out->add(member.id, member.key, member.name) != nullptr;
  }
  wipe_secret(&member, sizeof member);
  if (!good) {
    out->clear();
    return Error::corrupt;
  }
  out->old_link_open = (blob[3] & kMembersFlagOldLinkOpen) != 0;
  return Error::none;
}

// ---- Invitations ------------------------------------------------------------

void Invitations::forget(Invitation& invitation) { wipe_secret(&invitation, sizeof invitation); }

Invitation& Invitations::make(const uint8_t secret[kInvitationBytes], uint64_t now) {
  Invitation* place = nullptr;
  for (Invitation& invitation : invitations_) {
    if (!invitation.used || expired(invitation, now)) {
      place = &invitation;
      break;
    }
    if (place == nullptr || invitation.order < place->order) place = &invitation;
  }
  forget(*place);
  place->used = true;
  memcpy(place->secret, secret, kInvitationBytes);
  place->made_at = now;
  place->order = ++made_;
  return *place;
}

bool Invitations::opens_for(const Invitation& invitation, const char* transmitter, uint64_t now) {
  if (!invitation.used || expired(invitation, now)) return false;
  return invitation.redeemed_by[0] == '\0' || strcmp(invitation.redeemed_by, transmitter) == 0;
}

void Invitations::redeem(Invitation& invitation, const char* member_id) {
  const size_t length = strnlen(member_id, kIdLength);
  memcpy(invitation.redeemed_by, member_id, length);
  invitation.redeemed_by[length] = '\0';
}

size_t Invitations::open_count(uint64_t now) const {
  size_t open = 0;
  for (const Invitation& invitation : invitations_) {
    if (invitation.used && !expired(invitation, now)) ++open;
  }
  return open;
}

void Invitations::clear() { wipe_secret(invitations_, sizeof invitations_); }

// ---- RemovedMembers ---------------------------------------------------------

void RemovedMembers::remember(const char* id, const uint8_t key[kKeyBytes]) {
  Entry* entry = entry_of(id);
  if (entry == nullptr) {
    // A forgotten or never used entry is all zeros: its order 0 comes first.
    entry = &entries_[0];
    for (Entry& e : entries_) {
      if (e.order < entry->order) entry = &e;
    }
  }
  wipe_secret(entry, sizeof *entry);
  entry->used = true;
  memcpy(entry->id, id, strnlen(id, kIdLength));
  memcpy(entry->key, key, kKeyBytes);
  entry->order = ++remembered_;
}

RemovedMembers::Entry* RemovedMembers::entry_of(const char* id) {
  for (Entry& e : entries_) {
    if (e.used && strcmp(e.id, id) == 0) return &e;
  }
  return nullptr;
}

const uint8_t* RemovedMembers::find(const char* id) const {
  const Entry* entry = const_cast<RemovedMembers*>(this)->entry_of(id);
  return entry != nullptr ? entry->key : nullptr;
}

void RemovedMembers::forget(const char* id) {
  if (Entry* entry = entry_of(id)) wipe_secret(entry, sizeof *entry);
}

void RemovedMembers::clear() { wipe_secret(entries_, sizeof entries_); }

// ---- Key agreement ----------------------------------------------------------

Status make_join_keys(Random& random, JoinKeys* out) {
  Status status = make_private_key(random, out->private_key);
  if (status == Error::none) status = derive_public_key(out->private_key, out->public_key);
  if (status != Error::none) wipe_join_keys(out);
  return status;
}

void wipe_join_keys(JoinKeys* keys) { wipe_secret(keys, sizeof *keys); }

bool decode_join_public_key(const char* text, size_t length, uint8_t out[kJoinPublicKeyBytes]) {
  if (length != base64url_length(kJoinPublicKeyBytes)) return false;
  uint8_t point[kJoinPublicKeyBytes + 1];
  const Result<size_t> decoded = base64url_decode(text, length, point, sizeof point);
  if (!decoded.ok() || decoded.value != kJoinPublicKeyBytes || point[0] != 0x04) return false;
  memcpy(out, point, kJoinPublicKeyBytes);
  return true;
}

namespace {

struct SharedXJob {
  const uint8_t* private_key;
  uint8_t point[kJoinPublicKeyBytes];  // the peer's point, multiplied in place
  uint32_t ok;
};

void multiply_point(void* context) {
  auto* job = static_cast<SharedXJob*>(context);
  job->ok = br_ec_p256_m15.mul(job->point, sizeof job->point, job->private_key, kPrivateKeyBytes,
                               BR_EC_secp256r1);
}

}  // namespace

bool join_shared_x(const uint8_t private_key[kPrivateKeyBytes],
                   const uint8_t peer_public[kJoinPublicKeyBytes], uint8_t shared_x[kSharedXBytes]) {
  // mul() checks that the point is on the curve (and refuses anything but
  // the uncompressed encoding); BearSSL requires a valid scalar and does not check it.
  SharedXJob job{private_key, {}, 0};
  const bool good_input = peer_public[0] == 0x04 && valid_private_key(private_key);
  if (good_input) {
    memcpy(job.point, peer_public, kJoinPublicKeyBytes);
    run_on_crypto_stack(multiply_point, &job);
  }
  const bool good = good_input && job.ok == 1;
  if (good) {
    memcpy(shared_x, job.point + 1, kSharedXBytes);
  } else {
    wipe_secret(shared_x, kSharedXBytes);
  }
  wipe_secret(job.point, sizeof job.point);
  return good;
}

namespace {

const char kMemberInfoPrefix[] = "hearth member v1|";
constexpr size_t kMemberInfoPrefixLength = sizeof kMemberInfoPrefix - 1;
constexpr size_t kMemberInfoBytes = kMemberInfoPrefixLength + kIdLength + 1 + kIdLength;

struct DeriveJob {
  const uint8_t* shared_x;
  const uint8_t* secret;
  uint8_t info[kMemberInfoBytes];
  size_t info_length;
  uint8_t* out;
};

void run_hkdf(void* context) {
  auto* job = static_cast<DeriveJob*>(context);
  br_hkdf_context hkdf;
  br_hkdf_init(&hkdf, &br_sha256_vtable, job->secret, kInvitationBytes);
  br_hkdf_inject(&hkdf, job->shared_x, kSharedXBytes);
  br_hkdf_flip(&hkdf);
  br_hkdf_produce(&hkdf, job->info, job->info_length, job->out, kKeyBytes);
  wipe_secret(&hkdf, sizeof hkdf);
}

size_t append_id(uint8_t* out, const char* id) {
  const size_t length = strnlen(id, kIdLength);
  memcpy(out, id, length);
  return length;
}

}  // namespace

void derive_member_key(const uint8_t shared_x[kSharedXBytes], const uint8_t secret[kInvitationBytes],
                       const char* thermostat_id, const char* member_id, uint8_t out[kKeyBytes]) {
  DeriveJob job{shared_x, secret, {}, 0, out};
  size_t n = 0;
  memcpy(job.info, kMemberInfoPrefix, kMemberInfoPrefixLength);
  n += kMemberInfoPrefixLength;
  n += append_id(job.info + n, thermostat_id);
  job.info[n++] = '|';
  n += append_id(job.info + n, member_id);
  job.info_length = n;
  run_on_crypto_stack(run_hkdf, &job);
}

}  // namespace hearth
