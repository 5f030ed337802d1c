// Starting a child for a ProcessSpec: its stdout and stderr on pipes, the rest as
// AllocationFreeLauncher (allocation_free_launcher.hpp) sets it up, and a Boost.Process v2
// process attached to it for waiting, exit status and termination. MT safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "process/unique_fd.hpp"

namespace selfheal::process {

struct SpawnRequest {
  std::filesystem::path executable;
  std::vector<std::string> argv;            // argv[0] is passed to the child as given
  std::vector<std::string> environment;     // "NAME=value", the child's whole environment
  std::filesystem::path working_directory;  // empty: the host's
  int nice = 0;                              // added to the host's nice value (0: the host's)
};

struct SpawnedChild {
  // Attached to the child, whose pid is also its process group id; empty (id() -1) when the
  // spawn failed. Destroying it kills the child (not its group) and reaps it.
  boost::process::v2::process process;
  UniqueFd pidfd;  // see AllocationFreeLauncher::take_pidfd
  UniqueFd out;    // read ends of the child's stdout and stderr
  UniqueFd err;
  std::string error;  // why the spawn failed
};

// The child's process and pipes live on `io`, which must outlive them. Never leaves a child
// behind on failure. May throw std::bad_alloc and the like; the child is then killed and reaped.
SpawnedChild spawn_child(boost::asio::io_context& io, const SpawnRequest& request);

}  // namespace selfheal::process
