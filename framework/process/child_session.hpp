// Watching one started child until it and its process group are gone: reads its output, waits
// for its exit, enforces the timeout and the cancellation. Used by one thread; every session runs
// its own io_context (the one its child was spawned on), so sessions on different threads share
// nothing.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>
#include <chrono>
#include <optional>
#include <vector>

#include "process/output_collector.hpp"
#include "process/spawn.hpp"
#include "selfheal/sdk/cancellation.hpp"

namespace selfheal::process {

struct SessionOutcome {
  int wait_status = 0;       // as from waitpid
  bool status_known = true;  // false: waitpid failed (the host ignores SIGCHLD?)
  bool timed_out = false;
  bool cancelled = false;
  bool group_gone = true;  // false: a member survived SIGKILL for the whole grace period
};

class ChildSession {
 public:
  // Takes ownership of the child, spawned on `io`; `io` and `output` must outlive the session.
  ChildSession(boost::asio::io_context& io, SpawnedChild child, std::chrono::milliseconds timeout,
               std::optional<sdk::CancellationToken> cancellation, OutputCollector& output);
  // Kills and reaps the child if run() did not complete (an exception from a callback).
  ~ChildSession();
  ChildSession(const ChildSession&) = delete;
  ChildSession& operator=(const ChildSession&) = delete;

  // Returns once the child is reaped and its group is gone. The run ends when the child has
  // exited and both pipes reached end of file, or at the timeout or cancellation, which kill the
  // whole group (pipes still held open by a grandchild are then no longer read). Members left in
  // the group after a normal exit are killed too: the contract is that nothing outlives run().
  SessionOutcome run();

 private:
  struct Pipe {
    Pipe(boost::asio::io_context& io, UniqueFd fd, sdk::OutputStream which);
    boost::asio::posix::stream_descriptor descriptor;
    sdk::OutputStream stream;
    std::vector<char> buffer;
    bool open = true;
  };

  void read_next(Pipe& pipe);
  void watch_exit();
  bool exited_without_reaping() const;
  void arm_poll();
  void arm_timeout();
  void kill_group_now();
  void stop_if_done();
  void drain(Pipe& pipe);
  void finish();

  boost::asio::io_context& io_;
  boost::process::v2::process process_;  // waits, reaps and gives the exit status
  pid_t pid_;                            // also the group id
  std::chrono::milliseconds timeout_;
  std::optional<sdk::CancellationToken> cancellation_;
  OutputCollector& output_;
  UniqueFd child_pidfd_;  // handed to pidfd_ by watch_exit()
  Pipe out_;
  Pipe err_;
  // Readable once the child exits; a pidfd of our own, since process_'s async_wait would reap
  // the child, and the group id must stay reserved until the group is gone.
  std::optional<boost::asio::posix::stream_descriptor> pidfd_;
  boost::asio::steady_timer poll_timer_{io_};
  boost::asio::steady_timer timeout_timer_{io_};
  bool exited_ = false;
  bool reaped_ = false;
  SessionOutcome outcome_;
};

}  // namespace selfheal::process
