// Starting a child: its own process group, stdin on /dev/null, stdout and stderr on pipes, a
// given environment and working directory, none of the host's other descriptors. fork and exec
// directly, with nothing allocated in between (spawn.cpp says why not Boost.Process v2's
// launcher); waiting and reading are Asio's (child_session.hpp). MT safe.
#pragma once

#include <sys/types.h>

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
};

struct SpawnedChild {
  pid_t pid = -1;  // also the process group id; -1 when the spawn failed
  UniqueFd out;    // read ends of the child's stdout and stderr
  UniqueFd err;
  std::string error;  // why the spawn failed
};

// Never leaves a child behind on failure: a child whose exec failed is reaped here.
// May throw std::bad_alloc and the like; the child is then killed and reaped first.
SpawnedChild spawn_child(const SpawnRequest& request);

}  // namespace selfheal::process
