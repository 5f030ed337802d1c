// When the healer may try again: exponential backoff with full jitter
// (delay = uniform in [0, min(cap, base * 2^n)]), a budget of automatic attempts per issue type,
// then a cooldown of `cap` and a fresh budget (never a permanent stop), and a reset of every
// count after a healthy period. Manual fixes bypass it. Not synchronised: the Healer guards it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>

namespace selfheal {

struct RetryPolicyConfig {
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds cap{300000};
  std::uint32_t budget = 3;
  std::chrono::milliseconds reset_after{600000};
};

class RetryPolicy {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RetryPolicy(RetryPolicyConfig config, std::uint64_t seed = std::random_device{}());

  // Whether an automatic attempt for `issue` may start at `now`.
  bool may_attempt(const std::string& issue, Clock::time_point now) const;
  // When the next automatic attempt for `issue` may start.
  Clock::time_point next_attempt_at(const std::string& issue) const;
  // Records the outcome of an attempt that started at `now` (manual ones too: they count).
  void record_failure(const std::string& issue, Clock::time_point now);
  void record_success(const std::string& issue, Clock::time_point now);
  // Called on every healthy check: after `reset_after` of health, every count goes back to 0.
  void record_healthy(Clock::time_point now);

  std::map<std::string, std::uint32_t> retry_counts() const;
  // The un-jittered ceiling of the n-th delay (n from 0): min(cap, base * 2^n).
  std::chrono::milliseconds ceiling(std::uint32_t n) const;

 private:
  struct Track {
    std::uint32_t failures = 0;  // since the last success or reset
    Clock::time_point next_allowed{};
  };
  RetryPolicyConfig config_;
  std::mt19937_64 rng_;
  std::map<std::string, Track> tracks_;
  std::optional<Clock::time_point> healthy_since_;
};

}  // namespace selfheal
