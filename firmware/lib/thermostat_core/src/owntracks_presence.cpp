#include "owntracks_presence.h"

#include <stddef.h>
#include <string.h>

#if __has_include(<cjson/cJSON.h>)
#include <cjson/cJSON.h>
#else
#include <cJSON.h>
#endif

namespace hearth {

namespace {

const cJSON* field(const cJSON* object, const char* name) {
  return cJSON_GetObjectItemCaseSensitive(object, name);
}

bool is_text(const cJSON* item, const char* text) {
  return cJSON_IsString(item) && strcmp(item->valuestring, text) == 0;
}

}  // namespace

bool json_whole_number(const cJSON* item, uint64_t* out) {
  if (!cJSON_IsNumber(item)) return false;
  const double d = item->valuedouble;
  if (!(d >= 1 && d <= double(kMaxWholeNumber))) return false;
  const uint64_t v = static_cast<uint64_t>(d);
  if (static_cast<double>(v) != d) return false;
  *out = v;
  return true;
}

bool is_owntracks_secret(const char* text) {
  // 32 characters of the alphabet always decode to 24 bytes, with no bits left over.
  uint8_t bytes[kOwntracksSecretLength / 4 * 3];
  return strlen(text) == kOwntracksSecretLength &&
         base64url_decode(text, kOwntracksSecretLength, bytes, sizeof bytes).ok();
}

OwntracksMember* OwntracksMembers::find(const char* id) const {
  for (const OwntracksMember& m : members_) {
    if (m.used && strcmp(m.id, id) == 0) return const_cast<OwntracksMember*>(&m);
  }
  return nullptr;
}

Status OwntracksMembers::set(const char* id, const char* secret, uint64_t wtst, const char* name,
                             bool* changed) {
  OwntracksMember* member = find(id);
  // A free slot is all zero: its secret differs from any.
  for (OwntracksMember* m = begin(); member == nullptr && m != end(); ++m) {
    if (!m->used) member = m;
  }
  if (member == nullptr) return Error::too_large;
  const bool new_secret = strcmp(member->secret, secret) != 0;
  *changed = new_secret || member->wtst != wtst || strcmp(member->name, name) != 0;
  if (new_secret) {
    memcpy(member->secret, secret, kOwntracksSecretLength);
    member->last_transition = 0;
    member->last_location = 0;
  }
  member->used = true;
  memcpy(member->id, id, kIdLength);
  member->wtst = wtst;
  strncpy(member->name, name, kMaxNameBytes);  // zero-padded: the blob holds no stale bytes
  return Error::none;
}

bool OwntracksMembers::forget(const char* id) {
  OwntracksMember* member = find(id);
  if (member != nullptr) memset(member, 0, sizeof *member);
  return member != nullptr;
}

void OwntracksMembers::clear() { memset(members_, 0, sizeof members_); }

OwntracksVerdict OwntracksMembers::receive(OwntracksMember& member, const cJSON* message,
                                           uint64_t now) {
  const cJSON* type = field(message, "_type");
  const bool is_transition = is_text(type, "transition");
  // created_at when present (iOS), else tst: a created_at that is not a time
  // is not replaced by tst.
  const cJSON* created_at = field(message, "created_at");
  uint64_t time = 0;
  if ((!is_transition && !is_text(type, "location")) ||
      !json_whole_number(created_at != nullptr ? created_at : field(message, "tst"), &time)) {
    return OwntracksVerdict::dropped;
  }
  // Each type against its own last time: an Android transition carries the time of its fix,
  // which Play Services may deliver after a location stamped with the time it was sent.
  uint64_t& last = is_transition ? member.last_transition : member.last_location;
  if (time <= last) return OwntracksVerdict::replayed;
  last = time;

  bool enter = false;
  bool leave = false;
  if (is_transition) {
    uint64_t wtst = 0;
    if (json_whole_number(field(message, "wtst"), &wtst) && wtst == member.wtst) {
      const cJSON* event = field(message, "event");
      enter = is_text(event, "enter");
      leave = is_text(event, "leave");
    }
  } else {
    const cJSON* regions = field(message, "inregions");
    const cJSON* region = nullptr;
    // A location older than the last transition cannot undo it.
    if (cJSON_IsArray(regions) && time >= member.last_transition) {
      cJSON_ArrayForEach(region, regions) enter |= is_text(region, "Hearth");
    }
  }
  if (enter) {
    member.leave_pending = false;
    return OwntracksVerdict::enter;
  }
  if (!leave) return OwntracksVerdict::accepted;
  if (!member.leave_pending) {
    member.leave_pending = true;
    member.leave_since = now;
  }
  return OwntracksVerdict::leave;
}

OwntracksMember* OwntracksMembers::settled_leave(uint64_t now) {
  for (OwntracksMember& m : members_) {
    if (m.used && m.leave_pending && now - m.leave_since >= kOwntracksLeaveDelayMs) {
      m.leave_pending = false;
      return &m;
    }
  }
  return nullptr;
}

namespace {

constexpr size_t kTransitionAt = 8;
constexpr size_t kLocationAt = 16;
constexpr size_t kIdAt = 24;
constexpr size_t kSecretAt = kIdAt + kIdLength;
constexpr size_t kNameLengthAt = kSecretAt + kOwntracksSecretLength;
constexpr size_t kNameAt = kNameLengthAt + 1;
static_assert(kNameAt + kMaxNameBytes == kOwntracksRecordBytes, "the record's fields fill it");

// Version 1, the first firmware with OwnTracks, stored each member as its struct lay in memory on
// the little-endian CPU: wtst, one replay time for both types, then the ID, the secret and the
// name, each NUL-terminated and zero-padded (23, 33 and 33 bytes), then a byte of the types
// accepted at that time. It is still read so that an update keeps the registrations; its one time
// becomes both types' last time, which refuses at least what version 1 refused.
constexpr uint8_t kVersion1 = 1;
constexpr size_t kV1IdAt = 16;
constexpr size_t kV1SecretAt = kV1IdAt + kIdLength + 1;
constexpr size_t kV1NameAt = kV1SecretAt + kOwntracksSecretLength + 1;
constexpr size_t kV1RecordBytes = kV1NameAt + kMaxNameBytes + 1 + 1;

void store_le64(uint8_t* p, uint64_t v) {
  store_le32(p, uint32_t(v));
  store_le32(p + 4, uint32_t(v >> 32));
}

uint64_t load_le64(const uint8_t* p) { return load_le32(p) | uint64_t(load_le32(p + 4)) << 32; }

// Reads one record into m (all zero before); false when a text field breaks its shape.
bool read_record(uint8_t version, const uint8_t* r, OwntracksMember& m) {
  m.wtst = load_le64(r);
  if (version == kVersion1) {
    m.last_transition = m.last_location = load_le64(r + 8);
    memcpy(m.id, r + kV1IdAt, kIdLength);
    memcpy(m.secret, r + kV1SecretAt, kOwntracksSecretLength);
    memcpy(m.name, r + kV1NameAt, kMaxNameBytes);
    return r[kV1IdAt + kIdLength] == 0 && r[kV1SecretAt + kOwntracksSecretLength] == 0 &&
           r[kV1NameAt + kMaxNameBytes] == 0;
  }
  m.last_transition = load_le64(r + kTransitionAt);
  m.last_location = load_le64(r + kLocationAt);
  memcpy(m.id, r + kIdAt, kIdLength);
  memcpy(m.secret, r + kSecretAt, kOwntracksSecretLength);
  const size_t name_length = r[kNameLengthAt];
  if (name_length > kMaxNameBytes) return false;
  memcpy(m.name, r + kNameAt, name_length);
  // One encoding for each name: no NUL inside it, zeros after it.
  bool good = strlen(m.name) == name_length;
  for (size_t k = name_length; k < kMaxNameBytes; ++k) good = good && r[kNameAt + k] == 0;
  return good;
}

}  // namespace

size_t encode_owntracks_members(const OwntracksMembers& members, uint8_t* out) {
  size_t at = 4;
  for (const OwntracksMember& m : members) {
    if (!m.used) continue;
    uint8_t* r = out + at;
    memset(r, 0, kOwntracksRecordBytes);
    store_le64(r, m.wtst);
    store_le64(r + kTransitionAt, m.last_transition);
    store_le64(r + kLocationAt, m.last_location);
    memcpy(r + kIdAt, m.id, kIdLength);
    memcpy(r + kSecretAt, m.secret, kOwntracksSecretLength);
    const size_t name_length = strlen(m.name);
    r[kNameLengthAt] = uint8_t(name_length);
    memcpy(r + kNameAt, m.name, name_length);
    at += kOwntracksRecordBytes;
  }
  out[0] = 'H';
  out[1] = 'O';
  out[2] = kOwntracksBlobVersion;
  out[3] = uint8_t((at - 4) / kOwntracksRecordBytes);
  store_le32(out + at, checksum32(out, at));
  return at + 4;
}

Status decode_owntracks_members(const uint8_t* blob, size_t length, OwntracksMembers* out) {
  out->clear();
  const uint8_t version = length >= 8 ? blob[2] : 0;
  const size_t record = version == kOwntracksBlobVersion ? kOwntracksRecordBytes
                        : version == kVersion1           ? kV1RecordBytes
                                                         : 0;
  const size_t count = length >= 8 ? blob[3] : 0;
  bool good = record != 0 && blob[0] == 'H' && blob[1] == 'O' && count <= kMaxOwntracksMembers &&
              length == 8 + count * record &&
              load_le32(blob + length - 4) == checksum32(blob, length - 4);
  // Each record keeps what OWNTRACKS_set and START let in: an ID once, a secret of the alphabet,
  // a name as copy_display_name left it (whole characters, no control characters).
  for (size_t i = 0; good && i < count; ++i) {
    OwntracksMember& m = out->begin()[i];
    char kept[kMaxNameBytes + 1];
    good = read_record(version, blob + 4 + i * record, m);
    if (good) copy_display_name(m.name, kept);
    good = good && strcmp(kept, m.name) == 0 && is_valid_id(m.id, strlen(m.id)) &&
           out->find(m.id) == nullptr && is_owntracks_secret(m.secret);
    m.used = true;
  }
  if (!good) out->clear();
  return good ? Error::none : Error::corrupt;
}

}  // namespace hearth
