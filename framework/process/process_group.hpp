// Killing a child's process group and making sure it is gone. MT safe (no shared state).
#pragma once

#include <sys/types.h>

#include <chrono>

namespace selfheal::process {

// True while a process of group `pgid` is alive. Zombies do not count: they are dead and only
// wait for their parent (or, for orphans, init or a subreaper) to reap them.
bool group_has_live_members(pid_t pgid);

// Sends SIGKILL to the group until no live member remains or `limit` passes (SIGKILL cannot be
// ignored, but dying takes time, and a member may fork while the signal is sent). Returns true
// when the group is gone. The caller keeps the group leader unreaped until then, so that the
// group id cannot be reused by an unrelated process meanwhile.
bool kill_group_and_wait(pid_t pgid, std::chrono::milliseconds limit);

}  // namespace selfheal::process
