// The resource trend: a falling line of free disk or memory samples predicts the time left until
// the build minimum; flat, rising, too few samples, or already below: no warning.
#include <gtest/gtest.h>

#include "healer/resource_trend.hpp"

namespace selfheal {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t MiB = 1 << 20;

ResourceSample sample(std::chrono::seconds at, std::uint64_t disk_mib, std::uint64_t memory_mib) {
  ResourceSample s;
  s.at = std::chrono::steady_clock::time_point(at);
  s.disk_free_bytes = disk_mib * MiB;
  s.memory_available_bytes = memory_mib * MiB;
  return s;
}

TEST(ResourceTrend, AFallingDiskPredictsTheTimeLeftToTheFloor) {
  ResourceTrend trend(12, 1h);
  // Disk loses 10 MiB a minute from 1000 MiB; memory stays flat.
  for (int i = 0; i <= 5; ++i) trend.add(sample(std::chrono::minutes(i), 1000 - 10 * i, 4000));
  auto warnings = trend.warnings(512 * MiB, 256 * MiB);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].resource, "disk");
  // 950 MiB now, 438 MiB above the floor at 10 MiB/min: 43.8 minutes.
  EXPECT_NEAR(static_cast<double>(warnings[0].time_left.count()), 43.8 * 60, 2.0);
  EXPECT_EQ(warnings[0].available_bytes, 950 * MiB);
  EXPECT_NE(warnings[0].text().find("below the 512 MiB a build needs"), std::string::npos) << warnings[0].text();
}

TEST(ResourceTrend, BeyondTheHorizonFlatRisingOrTooFewSamplesSayNothing) {
  ResourceTrend slow(12, 1h);
  for (int i = 0; i <= 5; ++i) slow.add(sample(std::chrono::minutes(i), 100000 - i, 4000 + 10 * i));
  EXPECT_TRUE(slow.warnings(512 * MiB, 256 * MiB).empty());  // days away; memory rising

  ResourceTrend few(12, 1h);
  few.add(sample(0s, 1000, 1000));
  few.add(sample(60s, 600, 600));
  EXPECT_TRUE(few.warnings(512 * MiB, 256 * MiB).empty());
}

TEST(ResourceTrend, AlreadyBelowTheFloorIsTheDiagnosersBusiness) {
  ResourceTrend trend(12, 1h);
  for (int i = 0; i <= 5; ++i) trend.add(sample(std::chrono::minutes(i), 600 - 50 * i, 4000));
  EXPECT_TRUE(trend.warnings(512 * MiB, 0).empty());  // 350 MiB: below 512 already
}

TEST(ResourceTrend, MemoryTrendsAreWatchedToo) {
  ResourceTrend trend(4, 1h);
  for (int i = 0; i <= 9; ++i) trend.add(sample(std::chrono::minutes(i), 100000, 2000 - 100 * i));
  auto warnings = trend.warnings(512 * MiB, 256 * MiB);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].resource, "memory");
  EXPECT_LE(warnings[0].time_left, 10min);
}

TEST(ResourceTrend, MeasuresThisMachine) {
  auto s = ResourceTrend::measure("/nonexistent/selfheal/target");  // falls back to "/"
  EXPECT_GT(s.disk_free_bytes, 0u);
  EXPECT_GT(s.memory_available_bytes, 0u);
}

}  // namespace
}  // namespace selfheal
