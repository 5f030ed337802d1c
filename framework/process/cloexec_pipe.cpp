#include "process/cloexec_pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace selfheal::process {

int make_cloexec_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno;
  UniqueFd ends[2] = {UniqueFd(fds[0]), UniqueFd(fds[1])};
  for (auto& end : ends) {
    if (end.get() > STDERR_FILENO) continue;
    const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) return errno;
    end.reset(moved);
  }
  read_end = std::move(ends[0]);
  write_end = std::move(ends[1]);
  return 0;
}

}  // namespace selfheal::process
