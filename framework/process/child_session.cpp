#include "process/child_session.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <utility>

#include "process/process_group.hpp"

namespace selfheal::process {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kReadChunk = 64 * 1024;
// How often the cancellation flag is looked at: cheap, and fast enough for a human.
constexpr std::chrono::milliseconds kPollPeriod{25};
// How long a killed group may take to die (it can take over a second here under load).
constexpr std::chrono::milliseconds kGroupGoneLimit{10'000};
// What is still buffered in a pipe after a kill is read, up to this much.
constexpr std::size_t kDrainLimit = 4 * 1024 * 1024;

}  // namespace

ChildSession::Pipe::Pipe(asio::io_context& io, UniqueFd fd, sdk::OutputStream which)
    : descriptor(io, fd.release()), stream(which), buffer(kReadChunk) {}

ChildSession::ChildSession(asio::io_context& io, SpawnedChild child,
                           std::chrono::milliseconds timeout,
                           std::optional<sdk::CancellationToken> cancellation,
                           OutputCollector& output)
    : io_(io),
      process_(std::move(child.process)),
      pid_(process_.id()),
      timeout_(timeout),
      cancellation_(std::move(cancellation)),
      output_(output),
      child_pidfd_(std::move(child.pidfd)),
      out_(io_, std::move(child.out), sdk::OutputStream::out),
      err_(io_, std::move(child.err), sdk::OutputStream::err) {}

ChildSession::~ChildSession() {
  if (reaped_) return;
  kill_group_and_wait(pid_, kGroupGoneLimit);
  boost::system::error_code ignored;
  process_.wait(ignored);
  process_.detach();  // see finish()
}

SessionOutcome ChildSession::run() {
  read_next(out_);
  read_next(err_);
  watch_exit();
  arm_poll();
  arm_timeout();
  io_.run();
  finish();
  return outcome_;
}

void ChildSession::read_next(Pipe& pipe) {
  pipe.descriptor.async_read_some(
      asio::buffer(pipe.buffer), [this, &pipe](const boost::system::error_code& ec, std::size_t n) {
        if (n > 0) output_.feed(pipe.stream, std::string_view(pipe.buffer.data(), n));
        if (ec == asio::error::operation_aborted) return;
        if (ec) {  // end of file, or the pipe broke: either way nothing more comes
          pipe.open = false;
          stop_if_done();
          return;
        }
        read_next(pipe);
      });
}

// A pidfd becomes readable when the child exits, without reaping it: the zombie keeps the
// group id reserved until we have made sure the group is gone.
void ChildSession::watch_exit() {
  if (!child_pidfd_) return;  // old kernel or seccomp: the poll timer checks instead
  pidfd_.emplace(io_, child_pidfd_.release());
  pidfd_->async_wait(asio::posix::descriptor_base::wait_read,
                     [this](const boost::system::error_code& ec) {
                       if (ec == asio::error::operation_aborted) return;
                       exited_ = true;
                       stop_if_done();
                     });
}

bool ChildSession::exited_without_reaping() const {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

void ChildSession::arm_poll() {
  poll_timer_.expires_after(kPollPeriod);
  poll_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    if (cancellation_ && cancellation_->cancelled()) {
      outcome_.cancelled = true;
      kill_group_now();
      return;
    }
    if (!pidfd_ && !exited_ && exited_without_reaping()) {
      exited_ = true;
      stop_if_done();
    }
    arm_poll();
  });
}

void ChildSession::arm_timeout() {
  if (timeout_ <= std::chrono::milliseconds::zero()) return;
  timeout_timer_.expires_after(timeout_);
  timeout_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    outcome_.timed_out = true;
    kill_group_now();
  });
}

void ChildSession::kill_group_now() {
  ::kill(-pid_, SIGKILL);
  io_.stop();  // finish() waits for the group and reads what the pipes still hold
}

void ChildSession::stop_if_done() {
  if (exited_ && !out_.open && !err_.open) io_.stop();
}

// Reads what is already in the pipe, without waiting: after a kill, a process outside the group
// (one that called setsid) may hold the pipe open for ever.
void ChildSession::drain(Pipe& pipe) {
  if (!pipe.open) return;
  boost::system::error_code ec;
  pipe.descriptor.non_blocking(true, ec);
  std::size_t total = 0;
  while (!ec && total < kDrainLimit) {
    const std::size_t n = pipe.descriptor.read_some(asio::buffer(pipe.buffer), ec);
    if (n > 0) output_.feed(pipe.stream, std::string_view(pipe.buffer.data(), n));
    total += n;
  }
  pipe.open = false;
}

void ChildSession::finish() {
  // The leader is alive (killed) or a zombie here: either way its pid, hence the group id, is
  // still ours, so killing the group cannot reach an unrelated process.
  outcome_.group_gone = kill_group_and_wait(pid_, kGroupGoneLimit);
  drain(out_);
  drain(err_);
  out_.descriptor.close();
  err_.descriptor.close();
  output_.finish(sdk::OutputStream::out);
  output_.finish(sdk::OutputStream::err);
  boost::system::error_code ec;
  process_.wait(ec);
  // Let go of the reaped pid: v2's destructor would waitpid and SIGKILL it again, and by then it
  // may belong to another child of this host (the exit status stays in process_).
  process_.detach();
  reaped_ = true;
  outcome_.wait_status = process_.native_exit_code();
  outcome_.status_known = !ec;
}

}  // namespace selfheal::process
