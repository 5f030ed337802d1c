// A token bucket: `rate` tokens a second up to `burst`; each admitted request takes one.
// MT safe.
#pragma once

#include <chrono>
#include <mutex>

namespace selfheal::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate, double burst);

  // True when a token was available (and is now taken).
  bool try_acquire(Clock::time_point now = Clock::now());

 private:
  std::mutex mutex_;
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace selfheal::http
