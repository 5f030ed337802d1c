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
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      error_ = "cannot lock " + file.string() + ": " + std::strerror(errno);
      return;
    }
    if (clock.sleep_for(std::chrono::milliseconds(100), cancel)) {
      error_ = "cancelled while waiting for " + file.string();
      return;
    }
  }
  held_ = true;
}

CrateLock::~CrateLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace selfheal
