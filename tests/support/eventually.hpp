// Waiting on a condition with a deadline: what tests do instead of fixed sleeps.
#pragma once

#include <poll.h>

#include <chrono>

namespace selfheal::testing {

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    ::poll(nullptr, 0, 20);  // the polling interval; the deadline bounds the wait
  }
  return condition();
}

}  // namespace selfheal::testing
