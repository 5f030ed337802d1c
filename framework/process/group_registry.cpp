#include "process/group_registry.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "process/proc_file.hpp"
#include "process/process_group.hpp"

namespace selfheal::process {

unsigned long long process_start_time(pid_t pid) {
  const std::string text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = text.rfind(')');  // comm may contain spaces and parentheses
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  // After "(comm) " come state (field 3) ... starttime (field 22): 19 fields to skip.
  for (int i = 3; i < 22 && fields >> field; ++i) {
  }
  unsigned long long start = 0;
  fields >> start;
  return start;
}

bool process_alive(pid_t pid, unsigned long long start_time) {
  const std::string text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return false;
  const char state = text[paren + 2];
  return state != 'Z' && state != 'X' && process_start_time(pid) == start_time;
}

GroupRegistry::GroupRegistry(std::filesystem::path folder) : folder_(std::move(folder)) {
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
}

void GroupRegistry::add(pid_t pgid) const {
  static const pid_t self = ::getpid();
  static const auto self_start = process_start_time(self);
  std::ofstream(folder_ / std::to_string(pgid), std::ios::trunc)
      << process_start_time(pgid) << " " << self << " " << self_start << "\n";
}

void GroupRegistry::remove(pid_t pgid) const {
  std::error_code ec;
  std::filesystem::remove(folder_ / std::to_string(pgid), ec);
}

int GroupRegistry::kill_leftovers() const {
  int killed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    pid_t pgid = 0;
    try {
      pgid = static_cast<pid_t>(std::stoi(name));
    } catch (...) {
      continue;
    }
    unsigned long long recorded = 0, owner_start = 0;
    pid_t owner = 0;
    std::ifstream(entry.path()) >> recorded >> owner >> owner_start;
    // A killed owner whose parent has not reaped it yet (a shell that is gone, a container's
    // init that reaps nothing) is a zombie with its start time still in /proc: dead all the same.
    if (owner > 0 && owner_start != 0 && process_alive(owner, owner_start)) continue;
    // A live process with the leader's pid but another start time: the pid was reused, and a
    // group id cannot be reused while members of the old group live, so ours is gone.
    const auto now = process_start_time(pgid);
    const bool reused = now != 0 && recorded != 0 && now != recorded;
    if (pgid > 1 && !reused && group_has_live_members(pgid)) {
      kill_group_and_wait(pgid, std::chrono::seconds(10));
      ++killed;
    }
    std::filesystem::remove(entry.path(), ec);
  }
  return killed;
}

}  // namespace selfheal::process
