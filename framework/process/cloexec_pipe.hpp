// A pipe for talking to a child: both ends close-on-exec and above stderr, so that the child's
// dup2 calls onto 0-2 cannot clobber one end with another, even when the host runs with fds 0-2
// closed. MT safe.
#pragma once

#include "process/unique_fd.hpp"

namespace selfheal::process {

// Returns 0, or the errno of the failure (the ends are then left empty).
int make_cloexec_pipe(UniqueFd& read_end, UniqueFd& write_end);

}  // namespace selfheal::process
