#include "healer/crate_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace selfheal {

CrateLock::CrateLock(const std::filesystem::path& file, const sdk::Clock& clock,
                     const sdk::CancellationToken& cancel) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = "cannot open " + file.string() + ": " + std::strerror(errno);
    return;
  }
  // A fix named in the file was running when this caller arrived: it joined that fix, even when
  // the fix ends before this process first tries the lock (seen under ASan: the holder finished
  // between this open and the first flock, and the caller then reported "nothing to fix").
  // The holder clears the file only after recording its outcome, so the id is never of a fix
  // whose outcome cannot be read.
  waited_for_ = holder();
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      error_ = "cannot lock " + file.string() + ": " + std::strerror(errno);
      return;
    }
    if (auto id = holder()) waited_for_ = id;
    if (clock.sleep_for(std::chrono::milliseconds(100), cancel)) {
      error_ = "cancelled while waiting for " + file.string();
      return;
    }
  }
  held_ = true;
}

void CrateLock::announce(std::int64_t fix_id) {
  if (!held_ || fix_id <= 0) return;
  // Best effort: a full disk may refuse even these bytes; waiters then diagnose afresh.
  const std::string text = std::to_string(fix_id) + "\n";
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, text.data(), text.size(), 0) < 0) {
    // A named result: with _FORTIFY_SOURCE (the Debian packages' build) glibc declares ftruncate
    // warn_unused_result, which a (void) cast does not silence in GCC.
    [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);
  }
}

std::optional<std::int64_t> CrateLock::holder() const {
  char buf[32] = {};
  const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  const long long id = std::strtoll(buf, &end, 10);
  if (end == buf || *end != '\n' || id <= 0) return std::nullopt;
  return id;
}

CrateLock::~CrateLock() {
  if (fd_ < 0) return;
  if (held_) {
    // Done: no waiter may take a finished fix for a running one (best effort, as in announce()).
    [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);
  }
  ::close(fd_);  // closing releases the flock
}

}  // namespace selfheal
