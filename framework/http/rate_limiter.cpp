#include "http/rate_limiter.hpp"

#include <algorithm>

namespace selfheal::http {

RateLimiter::RateLimiter(double rate, double burst)
    : rate_(rate), burst_(burst), tokens_(burst), last_(Clock::now()) {}

bool RateLimiter::try_acquire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace selfheal::http
