#include "healer/retry_policy.hpp"

#include <algorithm>

namespace selfheal {

RetryPolicy::RetryPolicy(RetryPolicyConfig config, std::uint64_t seed)
    : config_(config), rng_(seed) {}

std::chrono::milliseconds RetryPolicy::ceiling(std::uint32_t n) const {
  const auto cap = config_.cap.count();
  auto value = config_.base.count();
  for (std::uint32_t i = 0; i < n && value < cap; ++i) value *= 2;
  return std::chrono::milliseconds(std::min(value, cap));
}

bool RetryPolicy::may_attempt(const std::string& issue, Clock::time_point now) const {
  return now >= next_attempt_at(issue);
}

RetryPolicy::Clock::time_point RetryPolicy::next_attempt_at(const std::string& issue) const {
  auto it = tracks_.find(issue);
  return it == tracks_.end() ? Clock::time_point{} : it->second.next_allowed;
}

void RetryPolicy::record_failure(const std::string& issue, Clock::time_point now) {
  healthy_since_.reset();
  Track& t = tracks_[issue];
  t.failures += 1;
  if (t.failures > config_.budget) t.failures = 1;  // after the cooldown: a fresh budget
  if (t.failures >= config_.budget) {
    // Budget spent: cool down for the cap, then try again (never a permanent stop).
    t.next_allowed = now + config_.cap;
    return;
  }
  std::uniform_int_distribution<std::int64_t> jitter(0, ceiling(t.failures - 1).count());
  t.next_allowed = now + std::chrono::milliseconds(jitter(rng_));
}

void RetryPolicy::record_success(const std::string& issue, Clock::time_point now) {
  Track& t = tracks_[issue];
  t.failures = 0;
  t.next_allowed = now;
}

void RetryPolicy::record_healthy(Clock::time_point now) {
  if (!healthy_since_) healthy_since_ = now;
  if (now - *healthy_since_ >= config_.reset_after) tracks_.clear();
}

std::map<std::string, std::uint32_t> RetryPolicy::retry_counts() const {
  std::map<std::string, std::uint32_t> counts;
  for (const auto& [issue, t] : tracks_) counts[issue] = t.failures;
  return counts;
}

}  // namespace selfheal
