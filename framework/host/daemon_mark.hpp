// Tells following applications whether a healing host serves a state folder: while it serves,
// the host holds an open-file-description lock on <state dir>/daemon.lock (its pid written in).
// The kernel drops the lock when the holder dies, even by kill -9, so a stale file never lies.
// A follower asks with F_OFD_GETLK, which neither takes the lock nor writes anything.
// OFD locks, not classic POSIX ones: closing any descriptor of the file (a follower's check in
// the same process) would drop a classic lock. One holder per process and folder, shared by the
// hosts that serve it (a reload's new host starts before the old one stops). MT safe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>

namespace selfheal {

class DaemonMark {
 public:
  // The process's mark on `state_dir`, taken when no other process holds it. Never throws.
  static std::shared_ptr<DaemonMark> hold(const std::filesystem::path& state_dir);
  ~DaemonMark();
  DaemonMark(const DaemonMark&) = delete;
  DaemonMark& operator=(const DaemonMark&) = delete;
  bool held() const { return fd_ >= 0; }

  static std::filesystem::path file(const std::filesystem::path& state_dir) { return state_dir / "daemon.lock"; }

 private:
  explicit DaemonMark(const std::filesystem::path& state_dir);
  int fd_ = -1;
};

// The pid of the live host that holds `state_dir`'s mark (0 when it cannot be read), if any.
// Read-only.
std::optional<pid_t> daemon_serving(const std::filesystem::path& state_dir);

}  // namespace selfheal
