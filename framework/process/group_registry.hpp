// A folder that lists the process groups a host has running, one file per group, so a host that
// restarts after being killed (kill -9, OOM killer, power) can kill the builds it left behind.
// Its children also die with it (PR_SET_PDEATHSIG), but their own children (rustc under cargo)
// do not: they are still in the recorded group. MT safe (one file per group).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace selfheal::process {

class GroupRegistry {
 public:
  explicit GroupRegistry(std::filesystem::path folder);

  // Records group `pgid` (its leader's pid) with the leader's start time and this process as
  // its owner.
  void add(pid_t pgid) const;
  void remove(pid_t pgid) const;

  // Kills every recorded group whose owner is dead (other hosts sharing the state folder, such
  // as a CLI command next to `selfheal serve`, keep theirs) and that still has live members, and
  // forgets those records. A record whose pid now belongs to another process (a different start
  // time) is only forgotten. Returns how many groups were killed.
  int kill_leftovers() const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

// The start time (clock ticks since boot, /proc/<pid>/stat field 22) of `pid`; 0 if it is gone.
unsigned long long process_start_time(pid_t pid);

// True while `pid` is the process that started at `start_time` and has not exited (a zombie has).
bool process_alive(pid_t pid, unsigned long long start_time);

}  // namespace selfheal::process
