// Waits for a fix without blocking a thread: a timer on the I/O context looks at the future
// every few milliseconds until it is ready or the deadline passes, then calls `done` once with
// the outcome, or with nullopt at the deadline.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <optional>

#include "healer/fix_types.hpp"

namespace selfheal::http {

void wait_for_fix(boost::asio::io_context& io, std::shared_future<FixOutcome> future,
                  std::chrono::steady_clock::time_point deadline,
                  std::function<void(std::optional<FixOutcome>)> done);

}  // namespace selfheal::http
