#include "process/spawn.hpp"

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
#include <cstring>
#include <utility>

namespace selfheal::process {
namespace {

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

// What the child does between fork and exec. Only async-signal-safe calls and no allocation:
// the host has other threads, and a lock one of them held at the fork (malloc's, or a
// sanitizer's) stays locked in the child for ever. This is why children are not started with
// Boost.Process v2's launchers: they call io_context::notify_fork in the child, which allocates
// (under AddressSanitizer a child hung there before exec, with its parent waiting on it).
// Returns only on failure, with errno set.
void exec_child(const char* executable, char* const* argv, char* const* env, int out_fd, int err_fd,
                const char* working_directory, pid_t parent) {
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
  ::execve(executable, argv, env);
}

// A pipe whose ends are close-on-exec and above stderr, so that the dup2 calls above cannot
// clobber one end with another even when the host runs with fds 0-2 closed.
bool make_pipe(UniqueFd& read_end, UniqueFd& write_end, std::string& error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  UniqueFd ends[2] = {UniqueFd(fds[0]), UniqueFd(fds[1])};
  for (auto& end : ends) {
    if (end.get() > STDERR_FILENO) continue;
    const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    end.reset(moved);
  }
  read_end = std::move(ends[0]);
  write_end = std::move(ends[1]);
  return true;
}

void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case setpgid did not happen yet
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::vector<const char*> null_terminated(const std::vector<std::string>& strings) {
  std::vector<const char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings) pointers.push_back(s.c_str());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

SpawnedChild spawn_child(const SpawnRequest& request) {
  SpawnedChild child;
  UniqueFd out_write;
  UniqueFd err_write;
  if (!make_pipe(child.out, out_write, child.error) ||
      !make_pipe(child.err, err_write, child.error)) {
    return child;
  }
  auto argv = null_terminated(request.argv);
  auto env = null_terminated(request.environment);
  const char* working_directory =
      request.working_directory.empty() ? nullptr : request.working_directory.c_str();
  // The child writes errno here when it cannot exec; exec closes it (CLOEXEC): EOF = started.
  UniqueFd status_read, status_write;
  if (!make_pipe(status_read, status_write, child.error)) return child;
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    child.error = "cannot start " + request.executable.string() + ": fork: " + std::strerror(errno);
    child.out.reset();
    child.err.reset();
    return child;
  }
  if (pid == 0) {
    exec_child(request.executable.c_str(), const_cast<char* const*>(argv.data()),
               const_cast<char* const*>(env.data()), out_write.get(), err_write.get(),
               working_directory, parent);
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
    kill_and_reap(pid);  // the child that failed to exec
    child.error = "cannot start " + request.executable.string() + ": " + std::strerror(exec_error);
    child.out.reset();
    child.err.reset();
    return child;
  }
  child.pid = pid;
  return child;  // the write ends close here: only the child holds them now
}

}  // namespace selfheal::process
