#include "healer/retry_policy.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace selfheal;
using namespace std::chrono_literals;
using Clock = RetryPolicy::Clock;

namespace {
RetryPolicyConfig config() {
  RetryPolicyConfig c;
  c.base = 2000ms;
  c.cap = 300000ms;
  c.budget = 3;
  c.reset_after = 600000ms;
  return c;
}
}  // namespace

TEST(RetryPolicy, CeilingDoublesUpToTheCap) {
  RetryPolicy p(config());
  EXPECT_EQ(p.ceiling(0), 2000ms);
  EXPECT_EQ(p.ceiling(1), 4000ms);
  EXPECT_EQ(p.ceiling(5), 64000ms);
  EXPECT_EQ(p.ceiling(40), 300000ms);
}

TEST(RetryPolicy, DelaysAreFullyJitteredWithinTheCeiling) {
  RetryPolicy p(config(), 42);
  const auto t0 = Clock::time_point(100s);
  std::set<long long> seen;
  for (int i = 0; i < 50; ++i) {
    RetryPolicy q(config(), static_cast<std::uint64_t>(i));
    q.record_failure("not_built", t0);
    const auto delay = q.next_attempt_at("not_built") - t0;
    EXPECT_GE(delay, 0ms);
    EXPECT_LE(delay, 2000ms);
    seen.insert(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
  }
  EXPECT_GT(seen.size(), 10u);  // jitter, not a fixed delay
}

TEST(RetryPolicy, AfterTheBudgetItCoolsDownForTheCapThenTriesAgain) {
  RetryPolicy p(config(), 1);
  auto t = Clock::time_point(1000s);
  for (int i = 0; i < 3; ++i) {
    t = std::max(t, p.next_attempt_at("build_failed"));
    ASSERT_TRUE(p.may_attempt("build_failed", t));
    p.record_failure("build_failed", t);
  }
  EXPECT_EQ(p.retry_counts().at("build_failed"), 3u);
  EXPECT_FALSE(p.may_attempt("build_failed", t + 299s));
  EXPECT_TRUE(p.may_attempt("build_failed", t + 300s));  // never a permanent stop
  p.record_failure("build_failed", t + 300s);
  EXPECT_EQ(p.retry_counts().at("build_failed"), 1u);  // a fresh budget
}

TEST(RetryPolicy, ASuccessOrALongHealthyPeriodResetsTheCounts) {
  RetryPolicy p(config(), 1);
  auto t = Clock::time_point(1000s);
  p.record_failure("not_built", t);
  p.record_success("not_built", t + 1s);
  EXPECT_EQ(p.retry_counts().at("not_built"), 0u);
  p.record_failure("out_of_memory", t + 2s);
  p.record_healthy(t + 3s);
  EXPECT_EQ(p.retry_counts().at("out_of_memory"), 1u);
  p.record_healthy(t + 3s + 600s);
  EXPECT_TRUE(p.retry_counts().empty());
}
