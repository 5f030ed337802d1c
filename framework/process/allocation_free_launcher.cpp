#include "process/allocation_free_launcher.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "process/cloexec_pipe.hpp"
#include "process/unique_fd.hpp"

namespace selfheal::process {
namespace {

constexpr int kHostPriority = 100;  // outside nice's -20..19: the child keeps the host's

// The child's nice value: the host's plus `increment`, at most 19 (read here, in the parent:
// getpriority's -1 is ambiguous without errno, which the child should not rely on).
int child_priority(int increment) {
  if (increment <= 0) return kHostPriority;
  errno = 0;
  const int host = ::getpriority(PRIO_PROCESS, 0);
  if (host == -1 && errno != 0) return kHostPriority;
  return std::min(19, host + increment);
}

// Sets FD_CLOEXEC on every descriptor >= `first` (async-signal-safe: no allocation).
void mark_cloexec_from(int first) {
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  rlimit limit{};  // kernels before 5.11: one fcntl per possible descriptor
  const rlim_t top = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                         ? std::min<rlim_t>(limit.rlim_cur, 1 << 20)
                         : 1 << 16;
  for (int fd = first; static_cast<rlim_t>(fd) < top; ++fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

// What the child does between fork and exec: only async-signal-safe calls and no allocation
// (the header says why). Returns only on failure, with errno set.
void exec_child(const char* executable, char* const* argv, char* const* env, int out_fd, int err_fd,
                const char* working_directory, pid_t parent, int priority) {
  // Own group first, so that kill(-pid) reaches everything the child starts.
  if (::setpgid(0, 0) != 0) return;
  // Die with the host: a host killed with -9 leaves no build running. The rest of the group is
  // killed by the next host (group_registry.hpp).
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return;
  if (::getppid() != parent) ::_exit(127);  // the host died before prctl took effect
  // The host may block or ignore signals; a build tool must start with the defaults.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);  // ignored stays ignored across exec; handlers reset

  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // stdin: immediate EOF
  if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0) return;
  if (::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) return;
  // Nothing else of the host's (its listening socket, connections, files) reaches the child:
  // a daemon a build starts (sccache's server) would otherwise hold them open.
  mark_cloexec_from(STDERR_FILENO + 1);
  if (working_directory != nullptr && ::chdir(working_directory) != 0) return;
  // Lowering one's own priority is always allowed; were it refused, the child runs at the host's.
  if (priority != kHostPriority) ::setpriority(PRIO_PROCESS, 0, priority);
  ::execve(executable, argv, env);
}

std::vector<const char*> null_terminated(const std::vector<std::string>& strings) {
  std::vector<const char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings) pointers.push_back(s.c_str());
  pointers.push_back(nullptr);
  return pointers;
}

bp::error_code last_error() { return bp::error_code(errno, bp::system_category()); }

void kill_and_reap_child(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case setpgid did not happen yet
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

AllocationFreeLauncher::Started AllocationFreeLauncher::fork_exec(
    const char* executable, const std::vector<std::string>& argv, bp::error_code& ec) {
  ec.clear();
  // Everything the child touches is made here, before the fork.
  auto argv_pointers = null_terminated(argv);
  auto env_pointers = null_terminated(child_.environment);
  const char* working_directory =
      child_.working_directory.empty() ? nullptr : child_.working_directory.c_str();
  // The child writes errno here when it cannot exec; exec closes it (CLOEXEC): EOF = started.
  UniqueFd status_read, status_write;
  if (const int error = make_cloexec_pipe(status_read, status_write); error != 0) {
    ec = bp::error_code(error, bp::system_category());
    return {};
  }
  const pid_t parent = ::getpid();
  const int priority = child_priority(child_.nice);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ec = last_error();
    return {};
  }
  if (pid == 0) {
    exec_child(executable, const_cast<char* const*>(argv_pointers.data()),
               const_cast<char* const*>(env_pointers.data()), child_.stdout_fd, child_.stderr_fd,
               working_directory, parent, priority);
    const int error = errno;
    [[maybe_unused]] const auto written = ::write(status_write.get(), &error, sizeof error);
    ::_exit(127);  // not exit(): the host's atexit handlers and stdio buffers must not run twice
  }
  status_write.reset();
  int exec_error = 0;
  ssize_t n;
  while ((n = ::read(status_read.get(), &exec_error, sizeof exec_error)) < 0 && errno == EINTR) {
  }
  if (n > 0) {
    kill_and_reap_child(pid);  // the child that failed to exec
    ec = bp::error_code(exec_error, bp::system_category());
    return {};
  }
  // v2's handle on Linux is a pidfd (process_handle_fd.hpp). Where pidfd_open is refused it
  // gets /dev/null, which Asio accepts (epoll refuses it with EPERM) and nothing waits on.
  Started started{pid, static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
  if (started.handle >= 0) {
    pidfd_copy_.reset(::fcntl(started.handle, F_DUPFD_CLOEXEC, 0));  // empty when out of fds
  } else {
    started.handle = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  if (started.handle < 0) {
    ec = last_error();
    kill_and_reap_child(pid);
    return {};
  }
  return started;
}

void AllocationFreeLauncher::abandon(const Started& started) {
  ::close(started.handle);
  pidfd_copy_.reset();
  kill_and_reap_child(started.pid);
}

}  // namespace selfheal::process
