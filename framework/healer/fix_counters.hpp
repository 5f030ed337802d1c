// Monotonic counters of fix attempts for /metrics, kept by the healer as it records attempts
// (seeded from the history when it starts, so a reload does not restart them from zero).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "healer/history_store.hpp"

namespace selfheal {

struct FixCounters {
  static constexpr std::array<double, 11> kBuildBuckets = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800};

  // {issue, strategy, "success" | "failure"} -> attempts.
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> attempts;
  // Durations of attempts by strategies that build the artifact (a histogram).
  std::array<std::uint64_t, kBuildBuckets.size()> build_buckets{};
  std::uint64_t builds = 0;
  double build_seconds = 0;

  // `build`: the attempt's strategy declares SELFHEAL_STRATEGY_BUILDS_ARTIFACT.
  void add(const FixAttempt& a, bool build) {
    ++attempts[{a.issue_type, a.strategy, a.success ? "success" : "failure"}];
    if (!build) return;
    const double s = static_cast<double>(a.duration_ms) / 1000.0;
    ++builds;
    build_seconds += s;
    for (std::size_t i = 0; i < kBuildBuckets.size(); ++i)
      if (s <= kBuildBuckets[i]) ++build_buckets[i];
  }
};

}  // namespace selfheal
