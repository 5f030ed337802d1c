#include "process/process_group.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <string_view>
#include <thread>

#include "process/unique_fd.hpp"

namespace selfheal::process {
namespace {

struct StatFields {
  char state = '?';
  pid_t pgrp = -1;
};

// Reads state and process group from /proc/<pid>/stat ("pid (comm) S ppid pgrp ...").
bool read_stat(std::string_view pid, StatFields& fields) {
  const std::string path = "/proc/" + std::string(pid) + "/stat";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  char buffer[512];
  const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
  if (n <= 0) return false;
  std::string_view text(buffer, static_cast<std::size_t>(n));
  const auto paren = text.rfind(')');  // comm may contain spaces and parentheses
  if (paren == std::string_view::npos || paren + 2 >= text.size()) return false;
  text.remove_prefix(paren + 2);
  fields.state = text.front();
  // Skip state and ppid.
  for (int skip = 0; skip < 2; ++skip) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return false;
    text.remove_prefix(space + 1);
  }
  return std::from_chars(text.data(), text.data() + text.size(), fields.pgrp).ec == std::errc{};
}

}  // namespace

bool group_has_live_members(pid_t pgid) {
  if (::kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc", ec);
  if (ec) return true;  // cannot tell: assume alive, the caller's limit bounds the wait
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.front() < '0' || name.front() > '9') continue;
    StatFields fields;
    if (read_stat(name, fields) && fields.pgrp == pgid && fields.state != 'Z' &&
        fields.state != 'X') {
      return true;
    }
  }
  return false;
}

bool kill_group_and_wait(pid_t pgid, std::chrono::milliseconds limit) {
  if (pgid <= 1) return false;  // never kill(-1) or kill(0): they reach far more than the group
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (::kill(-pgid, SIGKILL) != 0 && errno == ESRCH) return true;
    if (!group_has_live_members(pgid)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace selfheal::process
