#include "sim_ports.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth {

Result<FileInfo> PosixFileSystem::stat(const char* path) {
  struct stat info;
  if (::stat(full_path(path).c_str(), &info) != 0) {
    if (errno == ENOENT) return Result<FileInfo>::success(FileInfo{false, 0});
    return Result<FileInfo>::failure(Error::io);
  }
  // A directory or device where a blob should be cannot be read as one.
  if (!S_ISREG(info.st_mode)) return Result<FileInfo>::failure(Error::io);
  return Result<FileInfo>::success(FileInfo{true, size_t(info.st_size)});
}

Result<size_t> PosixFileSystem::read(const char* path, size_t offset, uint8_t* out, size_t n) {
  const int fd = ::open(full_path(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Result<size_t>::failure(Error::io);
  size_t total = 0;
  while (total < n) {
    const ssize_t got = ::pread(fd, out + total, n - total, off_t(offset + total));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      return Result<size_t>::failure(Error::io);
    }
    if (got == 0) break;
    total += size_t(got);
  }
  ::close(fd);
  return Result<size_t>::success(total);
}

Result<size_t> PosixFileSystem::write(const char* path, const uint8_t* data, size_t n) {
  if (full) return Result<size_t>::failure(Error::io);
  const int fd = ::open(full_path(path).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Result<size_t>::failure(Error::io);
  size_t done = 0;
  while (done < n) {
    const ssize_t wrote = ::write(fd, data + done, n - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) break;
    done += size_t(wrote);
  }
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) return Result<size_t>::failure(Error::io);
  return Result<size_t>::success(done);
}

Status PosixFileSystem::rename(const char* from, const char* to) {
  if (crash_before_rename) return Error::io;
  if (::rename(full_path(from).c_str(), full_path(to).c_str()) != 0) return Error::io;
  // The rename itself reaches the disk only with the directory.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Error::io;
  const bool synced = ::fsync(dir_fd) == 0;
  ::close(dir_fd);
  return synced ? Error::none : Error::io;
}

Status PosixFileSystem::remove(const char* path) {
  return ::unlink(full_path(path).c_str()) == 0 ? Error::none : Error::io;
}

Status PosixFileSystem::check() {
  // ENOENT means "absent" only in a state directory that is there (an
  // unmounted disk or a deleted directory cannot tell).
  struct stat dir;
  return ::stat(dir_.c_str(), &dir) == 0 && S_ISDIR(dir.st_mode) ? Error::none : Error::io;
}

Status PosixFileSystem::mount() { return unmountable ? Error::io : check(); }

Status PosixFileSystem::format() {
  for (const Blob blob : {Blob::identity, Blob::identity_backup, Blob::settings, Blob::network,
                          Blob::owntracks, Blob::history_0, Blob::history_1, Blob::history_2,
                          Blob::history_3, Blob::history_4, Blob::history_5, Blob::history_6,
                          Blob::history_7, Blob::members}) {
    for (const char* path : {blob_path(blob), blob_temp_path(blob)}) {
      if (::unlink(full_path(path).c_str()) != 0 && errno != ENOENT) return Error::io;
    }
  }
  unmountable = false;
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
