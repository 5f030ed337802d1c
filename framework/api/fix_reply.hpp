// The answer to one POST /self-healing/fix or /clean-build: the fix's outcome (200) when the
// healer reports it before the request's deadline, else 202 with the fix id and where to follow
// it. No thread waits and nothing polls: the healer's completion callback and a deadline timer
// both land on one strand of the I/O context, and the first one answers.
// Owned by shared_ptr: the timer holds it until the deadline, the healer's callback only weakly,
// so an answered request lets go of its connection at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>

#include "healer/fix_types.hpp"
#include "http/http_types.hpp"
#include "host/host.hpp"

namespace selfheal::http {

class FixReply : public std::enable_shared_from_this<FixReply> {
 public:
  // `clean`: answer with the clean-build shape. `host` outlives the reply (held here).
  FixReply(boost::asio::io_context& io, std::shared_ptr<Host> host, bool clean, Respond respond);

  // Starts (or joins) the fix and answers by `deadline` at the latest. Call once, off the I/O
  // threads (start_fix may write the history).
  void start(FixRequest request, std::chrono::steady_clock::time_point deadline);

 private:
  void answer_with(const FixOutcome& outcome);  // on strand_
  void answer_in_progress();                    // on strand_

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Host> host_;
  bool clean_;
  Respond respond_;
  std::int64_t fix_id_ = 0;
  bool answered_ = false;  // on strand_
};

}  // namespace selfheal::http
