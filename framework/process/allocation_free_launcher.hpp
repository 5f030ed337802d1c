// Our Boost.Process v2 launcher: called like v2::posix::default_launcher, as
// `launcher(executor, ec, executable, args)`, and returns a v2::basic_process attached to the
// child, but forks and execs with nothing allocated in the child. Boost 1.81's own launchers
// (default, vfork, fork_and_forget, pdfork) all call `ctx.notify_fork(fork_child)` in the child,
// and Asio allocates there: in a threaded host a lock another thread held at the fork (malloc's,
// or a sanitizer's) stays locked in the child for ever (seen under AddressSanitizer: a child hung
// before exec, its parent waiting on it). Hence a launcher of ours. One launch per object.
#pragma once

#include <sys/types.h>

#include <boost/process/v2/process.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "process/unique_fd.hpp"

namespace selfheal::process {

namespace bp = boost::process::v2;

class AllocationFreeLauncher {
 public:
  // What the child gets, besides its program and arguments: its own process group, stdin on
  // /dev/null, stdout and stderr on the given descriptors (the caller keeps them open until the
  // call returns), `environment` ("NAME=value") as its whole environment, `working_directory`
  // (empty: the host's), the default signal dispositions, and none of the host's other
  // descriptors. `argv0` is argv[0] as the child sees it (empty: the executable's path, as v2's
  // launchers pass it).
  struct Child {
    int stdout_fd = -1;
    int stderr_fd = -1;
    std::vector<std::string> environment{};
    std::filesystem::path working_directory{};
    std::string argv0{};
    // Added to the host's nice value in the child (capped at 19), inherited by everything it
    // starts: a build yields the CPU to the host's threads and the applications. 0: the host's.
    int nice = 0;
  };

  explicit AllocationFreeLauncher(Child child) : child_(std::move(child)) {}

  // The v2 launcher call. `args` follow argv[0]. No initializers are taken: what they would do
  // in the child is done by exec_child (allocation_free_launcher.cpp), whose every call is
  // async-signal-safe. On failure `ec` is set, no child is left behind, and the process is empty.
  template <typename Executor, typename Args>
  bp::basic_process<Executor> operator()(Executor exec, bp::error_code& ec,
                                         const bp::filesystem::path& executable, Args&& args) {
    std::vector<std::string> argv{child_.argv0.empty() ? executable.string() : child_.argv0};
    for (const auto& arg : args) argv.emplace_back(arg);
    const Started started = fork_exec(executable.c_str(), argv, ec);
    if (ec) return bp::basic_process<Executor>(std::move(exec));
    try {
      return bp::basic_process<Executor>(std::move(exec), started.pid, started.handle);
    } catch (...) {  // the handle could not be registered with Asio: take the child back
      abandon(started);
      throw;
    }
  }

  // As above, throwing boost::system::system_error on failure (as v2's launchers do).
  template <typename Executor, typename Args>
  bp::basic_process<Executor> operator()(Executor exec, const bp::filesystem::path& executable,
                                         Args&& args) {
    bp::error_code ec;
    auto child = (*this)(std::move(exec), ec, executable, std::forward<Args>(args));
    if (ec) boost::asio::detail::throw_error(ec, "AllocationFreeLauncher");
    return child;
  }

  // After a launch: a duplicate of the pidfd the process's handle holds, readable once the child
  // exits, without reaping it (basic_process::native_handle() does not compile in 1.81 for a
  // pidfd handle, hence a copy). Empty where pidfd_open is refused (kernel < 5.3, seccomp): the
  // handle is then /dev/null, on which nothing must wait, and the caller polls waitid() instead.
  UniqueFd take_pidfd() { return std::move(pidfd_copy_); }

 private:
  struct Started {
    pid_t pid = -1;
    int handle = -1;  // a pidfd of the child, or /dev/null (see take_pidfd)
  };

  Started fork_exec(const char* executable, const std::vector<std::string>& argv,
                    bp::error_code& ec);
  // Kills and reaps the child and closes its handle (which nothing owns yet).
  void abandon(const Started& started);

  Child child_;
  UniqueFd pidfd_copy_;
};

}  // namespace selfheal::process
