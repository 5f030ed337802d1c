#include "host/daemon_mark.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace selfheal {
namespace {

struct flock whole_file(short type) {
  struct flock l {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = 0;
  l.l_len = 0;
  l.l_pid = 0;  // required by the OFD commands
  return l;
}

}  // namespace

std::shared_ptr<DaemonMark> DaemonMark::hold(const std::filesystem::path& state_dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<DaemonMark>> marks;
  std::lock_guard lock(mutex);
  auto& slot = marks[state_dir];
  if (auto mark = slot.lock()) return mark;
  std::shared_ptr<DaemonMark> mark(new DaemonMark(state_dir));
  slot = mark;
  return mark;
}

DaemonMark::DaemonMark(const std::filesystem::path& state_dir) {
  fd_ = ::open(file(state_dir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  auto l = whole_file(F_WRLCK);
  if (::fcntl(fd_, F_OFD_SETLK, &l) != 0) {  // another host serves this folder
    ::close(fd_);
    fd_ = -1;
    return;
  }
  // OFD locks do not name their holder: the file does.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock is what counts; the pid is for status and for people.
  }
}

DaemonMark::~DaemonMark() {
  if (fd_ >= 0) ::close(fd_);  // drops the lock
}

std::optional<pid_t> daemon_serving(const std::filesystem::path& state_dir) {
  const int fd = ::open(DaemonMark::file(state_dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto l = whole_file(F_RDLCK);
  const int r = ::fcntl(fd, F_OFD_GETLK, &l);
  char text[32] = {};
  const auto n = r == 0 && l.l_type != F_UNLCK ? ::pread(fd, text, sizeof text - 1, 0) : 0;
  ::close(fd);
  if (r != 0 || l.l_type == F_UNLCK) return std::nullopt;
  return n > 0 ? static_cast<pid_t>(std::atol(text)) : 0;
}

}  // namespace selfheal
