#include "process/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace selfheal::process {
namespace {

namespace bp = boost::process::v2;

bp::error_code last_error() { return {errno, bp::system_category()}; }

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

// A Boost.Process v2 initializer. on_exec_setup runs in the child between fork and exec, so it
// calls only async-signal-safe functions and leaves errno set on failure (the launcher reports
// errno to the parent).
struct ChildSetup {
  int out_fd;
  int err_fd;
  const char* working_directory;  // nullptr: keep the host's
  pid_t parent;                   // the host's pid

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*) const {
    // Own group first, so that kill(-pid) reaches everything the child starts.
    if (::setpgid(0, 0) != 0) return last_error();
    // Die with the host (the forking thread, which waits for us): a host killed with -9 leaves
    // no build running. The rest of the group is killed by the next host (group_registry.hpp).
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return last_error();
    if (::getppid() != parent) ::_exit(127);  // the host died before prctl took effect
    // The host may block or ignore signals; a build tool must start with the defaults.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);

    const int null_fd = ::open("/dev/null", O_RDONLY);  // stdin: immediate EOF
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0) return last_error();
    if (::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) {
      return last_error();
    }
    // Every descriptor above stderr closes at exec. The launcher means to close them, but
    // Boost 1.81's close_all skips those between stderr and its own error pipe (its gap loop
    // compares an entry with itself), so the host's listening socket, open connections and
    // files would live on in every child; a daemon a build starts (sccache's server) would then
    // keep HTTP connections open after the host closed them. CLOEXEC, not close: the
    // launcher's error pipe must stay open until exec.
    mark_cloexec_from(STDERR_FILENO + 1);
    if (working_directory != nullptr && ::chdir(working_directory) != 0) return last_error();
    return {};
  }

  // Runs in the child after a failed setup or exec (errno already sent to the parent): _exit,
  // not the launcher's exit(), so the host's atexit handlers and stdio buffers do not run twice.
  template <typename... Args>
  void on_exec_error(Args&&...) const {
    ::_exit(127);
  }
};

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
  const ChildSetup setup{
      out_write.get(), err_write.get(),
      request.working_directory.empty() ? nullptr : request.working_directory.c_str(), ::getpid()};

  // The launcher tells this context about the fork; it never runs.
  boost::asio::io_context io;
  bp::posix::default_launcher launcher;
  launcher.env = env.data();
  bp::error_code ec;
  const char** args = argv.data();  // passed as is: argv[0] stays what the caller wrote
  try {
    auto proc = launcher(io.get_executor(), ec, bp::filesystem::path(request.executable.native()),
                         args, setup);
    proc.detach();  // we wait ourselves, without reaping early (see ChildSession)
  } catch (...) {
    if (launcher.pid > 0) kill_and_reap(launcher.pid);
    throw;
  }
  if (ec) {
    if (launcher.pid > 0) kill_and_reap(launcher.pid);  // the child that failed to exec
    child.error = "cannot start " + request.executable.string() + ": " + ec.message();
    child.out.reset();
    child.err.reset();
    return child;
  }
  child.pid = launcher.pid;
  return child;  // the write ends close here: only the child holds them now
}

}  // namespace selfheal::process
