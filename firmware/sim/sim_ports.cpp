#include "sim_ports.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace hearth {

std::string FileStorage::path(Blob blob) const {
  switch (blob) {
    case Blob::identity: return dir_ + "/identity.bin";
    case Blob::identity_backup: return dir_ + "/identity-backup.bin";
    case Blob::settings: break;
  }
  return dir_ + "/settings.bin";
}

Result<size_t> FileStorage::read(Blob blob, uint8_t* out, size_t capacity) {
  const int fd = ::open(path(blob).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // Anything but "no such file in a directory that is there" (permissions,
    // I/O errors, a state directory gone) cannot tell that the blob is absent.
    struct stat dir;
    const bool absent = errno == ENOENT && ::stat(dir_.c_str(), &dir) == 0 && S_ISDIR(dir.st_mode);
    return Result<size_t>::failure(absent ? Error::not_found : Error::io);
  }
  size_t total = 0;
  for (;;) {
    uint8_t scratch[64];
    const bool room = total < capacity;
    const ssize_t n = room ? ::read(fd, out + total, capacity - total) : ::read(fd, scratch, 1);
    if (n < 0) {
      ::close(fd);
      return Result<size_t>::failure(Error::io);
    }
    if (n == 0) break;
    if (!room) {
      ::close(fd);
      return Result<size_t>::failure(Error::too_large);
    }
    total += size_t(n);
  }
  ::close(fd);
  return Result<size_t>::success(total);
}

Status FileStorage::write(Blob blob, const uint8_t* data, size_t length) {
  if (full) return Error::io;
  const std::string final_path = path(blob);
  const std::string temp_path = final_path + ".tmp";
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io;
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::write(fd, data + done, length - done);
    if (n <= 0) {
      ::close(fd);
      return Error::io;
    }
    done += size_t(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || crash_before_rename) return Error::io;
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) return Error::io;
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Error::none;
}

Status OsRandom::fill(uint8_t* out, size_t length) {
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::getrandom(out + done, length - done, 0);
    if (n <= 0) return Error::no_random;
    done += size_t(n);
  }
  return Error::none;
}

}  // namespace hearth
