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
    member->last_time = 0;
    member->types_at_last = 0;
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
  const uint8_t bit = is_text(type, "transition") ? kOwntracksTransition
                      : is_text(type, "location") ? kOwntracksLocation
                                                  : 0;
  // created_at when present (iOS), else tst: a created_at that is not a time
  // is not replaced by tst.
  const cJSON* created_at = field(message, "created_at");
  uint64_t time = 0;
  if (bit == 0 || !json_whole_number(created_at != nullptr ? created_at : field(message, "tst"), &time)) {
    return OwntracksVerdict::dropped;
  }
  // OwnTracks sends a transition and a location for one crossing, often in
  // the same second: one of each type is accepted at a time.
  if (time < member.last_time || (time == member.last_time && (member.types_at_last & bit) != 0)) {
    return OwntracksVerdict::replayed;
  }
  member.types_at_last = time == member.last_time ? uint8_t(member.types_at_last | bit) : bit;
  member.last_time = time;

  bool enter = false;
  bool leave = false;
  if (bit == kOwntracksTransition) {
    uint64_t wtst = 0;
    if (json_whole_number(field(message, "wtst"), &wtst) && wtst == member.wtst) {
      const cJSON* event = field(message, "event");
      enter = is_text(event, "enter");
      leave = is_text(event, "leave");
    }
  } else {
    const cJSON* regions = field(message, "inregions");
    const cJSON* region = nullptr;
    if (cJSON_IsArray(regions)) {
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

static_assert(offsetof(OwntracksMember, used) == kOwntracksRecordBytes, "the stored fields come first");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "numbers are stored little-endian");

size_t encode_owntracks_members(const OwntracksMembers& members, uint8_t* out) {
  size_t at = 4;
  for (const OwntracksMember& m : members) {
    if (!m.used) continue;
    memcpy(out + at, &m, kOwntracksRecordBytes);
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
  const size_t count = length >= 8 ? blob[3] : 0;
  bool good = length >= 8 && blob[0] == 'H' && blob[1] == 'O' && blob[2] == kOwntracksBlobVersion &&
              count <= kMaxOwntracksMembers && length == 8 + count * kOwntracksRecordBytes &&
              load_le32(blob + length - 4) == checksum32(blob, length - 4);
  // Each record keeps what OWNTRACKS_set and START let in: an ID once, a secret of the alphabet,
  // a name as copy_display_name left it (whole characters, no control characters).
  for (size_t i = 0; good && i < count; ++i) {
    OwntracksMember& m = out->begin()[i];
    memcpy(&m, blob + 4 + i * kOwntracksRecordBytes, kOwntracksRecordBytes);
    char kept[kMaxNameBytes + 1];
    good = m.id[kIdLength] == '\0' && m.secret[kOwntracksSecretLength] == '\0' &&
           m.name[kMaxNameBytes] == '\0';
    if (good) copy_display_name(m.name, kept);
    good = good && strcmp(kept, m.name) == 0 && is_valid_id(m.id, strlen(m.id)) &&
           out->find(m.id) == nullptr && is_owntracks_secret(m.secret);
    m.used = true;
  }
  if (!good) out->clear();
  return good ? Error::none : Error::corrupt;
}

}  // namespace hearth
