#include "file_storage.h"

#include <string.h>

namespace hearth {

const char* blob_path(Blob blob) {
  switch (blob) {
    case Blob::identity: return "/identity.bin";
    case Blob::identity_backup: return "/identity-backup.bin";
    case Blob::settings: return "/settings.bin";
    case Blob::network: return "/network.bin";
    case Blob::owntracks: return "/owntracks.bin";
    case Blob::history_0: return "/history-0.bin";
    case Blob::history_1: return "/history-1.bin";
    case Blob::history_2: return "/history-2.bin";
    case Blob::history_3: return "/history-3.bin";
    case Blob::history_4: return "/history-4.bin";
    case Blob::history_5: return "/history-5.bin";
    case Blob::history_6: return "/history-6.bin";
    case Blob::history_7: return "/history-7.bin";
    case Blob::members: return "/members.bin";
  }
  return "/unknown.bin";
}

const char* blob_temp_path(Blob blob) {
  switch (blob) {
    case Blob::identity: return "/identity.bin.tmp";
    case Blob::identity_backup: return "/identity-backup.bin.tmp";
    case Blob::settings: return "/settings.bin.tmp";
    case Blob::network: return "/network.bin.tmp";
    case Blob::owntracks: return "/owntracks.bin.tmp";
    case Blob::history_0: return "/history-0.bin.tmp";
    case Blob::history_1: return "/history-1.bin.tmp";
    case Blob::history_2: return "/history-2.bin.tmp";
    case Blob::history_3: return "/history-3.bin.tmp";
    case Blob::history_4: return "/history-4.bin.tmp";
    case Blob::history_5: return "/history-5.bin.tmp";
    case Blob::history_6: return "/history-6.bin.tmp";
    case Blob::history_7: return "/history-7.bin.tmp";
    case Blob::members: return "/members.bin.tmp";
  }
  return "/unknown.bin.tmp";
}

Result<size_t> FileStorage::read(Blob blob, uint8_t* out, size_t capacity) {
  if (!mounted_) return Result<size_t>::failure(Error::io);
  const char* path = blob_path(blob);
  const Result<FileInfo> info = files_.stat(path);
  if (!info.ok()) return Result<size_t>::failure(Error::io);
  if (!info.value.exists) {
    // "Not there" from a file system that cannot read its directory would
    // make a fresh identity over a key that is merely unreadable.
    return Result<size_t>::failure(files_.check() == Error::none ? Error::not_found : Error::io);
  }
  if (info.value.size > capacity) return Result<size_t>::failure(Error::too_large);
  if (info.value.size == 0) return Result<size_t>::success(0);
  const Result<size_t> got = files_.read(path, 0, out, info.value.size);
  if (!got.ok() || got.value != info.value.size) return Result<size_t>::failure(Error::io);
  return Result<size_t>::success(got.value);
}

Status FileStorage::write(Blob blob, const uint8_t* data, size_t length) {
  if (!mounted_) return Error::io;
  const char* temp = blob_temp_path(blob);
  const Result<size_t> written = files_.write(temp, data, length);
  if (!written.ok() || written.value != length) return Error::io;
  // A library may accept the bytes and then fail to commit them when the
  // file is closed (LittleFS's close() reports nothing): only what reads
  // back from the file system replaces the blob.
  if (!same_as_stored(temp, data, length)) return Error::io;
  const char* path = blob_path(blob);
  if (files_.rename(temp, path) != Error::none) return Error::io;
  const Result<FileInfo> after = files_.stat(path);
  if (!after.ok() || !after.value.exists || after.value.size != length) return Error::io;
  return Error::none;
}

bool FileStorage::same_as_stored(const char* path, const uint8_t* data, size_t length) {
  const Result<FileInfo> info = files_.stat(path);
  if (!info.ok() || !info.value.exists || info.value.size != length) return false;
  // Compared in small pieces: the core has no heap, and loop()'s stack is small.
  uint8_t piece[64];
  for (size_t at = 0; at < length;) {
    const size_t want = length - at < sizeof piece ? length - at : sizeof piece;
    const Result<size_t> got = files_.read(path, at, piece, want);
    if (!got.ok() || got.value != want || memcmp(piece, data + at, want) != 0) return false;
    at += want;
  }
  return true;
}

}  // namespace hearth
