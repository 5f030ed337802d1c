// Choosing an implementation from calibration scores: within the margin the default always
// stays; only a clear margin repeated over the rounds switches; the same machine makes the same
// choice however often it calibrates.
#include <gtest/gtest.h>

#include <random>

#include "components/calibration.hpp"
#include "components/implementation_choice.hpp"
#include "components/kinds/bloom_filter_kind.hpp"
#include "cpp_bloom_filter.hpp"

namespace selfheal {
namespace {

TEST(ImplementationChoice, ScoresWithinTheMarginNeverMoveFromTheDefault) {
  // Any noise up to 19% either way, in every round: the default (rust) stays, whatever the seed.
  std::mt19937 rng(14);
  std::uniform_real_distribution<double> noise(0.81, 1.19);
  for (int trial = 0; trial < 1000; ++trial) {
    RoundScores scores;
    for (int round = 0; round < 5; ++round) {
      scores["rust"].push_back(10.0);
      scores["cpp"].push_back(10.0 * noise(rng));
    }
    ASSERT_EQ(choose_by_scores("rust", scores), "rust") << "trial " << trial;
  }
}

TEST(ImplementationChoice, OnlyAClearMarginInNearlyEveryRoundSwitches) {
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {7.9, 7.9, 7.9, 7.9, 7.9}}, {"cpp", {14.5, 14.5, 14.5, 14.5, 14.5}}}),
            "cpp");
  // One disturbed round is forgiven.
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {10, 10, 10, 10, 10}}, {"cpp", {13, 13, 9, 13, 13}}}), "cpp");
  // Two are not: the margin is not repeated.
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {10, 10, 10, 10, 10}}, {"cpp", {13, 9, 9, 13, 13}}}), "rust");
  // One lucky round (the flapping of issue 14: a single run decided): no switch.
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {7.9}}, {"cpp", {14.5}}}), "rust");
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {10, 10, 10, 10, 10}}, {"cpp", {11.9, 11.9, 11.9, 11.9, 11.9}}}), "rust");
}

TEST(ImplementationChoice, TheBestOfSeveralClearWinnersAndNoDefaultScores) {
  RoundScores scores = {{"rust", {10, 10, 10}}, {"a", {13, 13, 13}}, {"b", {20, 20, 20}}};
  EXPECT_EQ(choose_by_scores("rust", scores), "b");
  EXPECT_EQ(choose_by_scores("rust", {{"rust", {}}, {"cpp", {3}}}), "cpp");
  EXPECT_EQ(choose_by_scores("cpp", {{"cpp", {3}}}), "cpp");
}

TEST(ImplementationChoice, TheMedianOfTheRounds) {
  EXPECT_EQ(median({}), 0.0);
  EXPECT_EQ(median({3, 1, 2}), 2.0);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

// The real calibration, repeated in one process: two instances of the same C++ code are a tie
// every time, so the default never moves (one pass each used to decide).
TEST(ImplementationChoice, RepeatedCalibrationsOfEqualImplementationsMakeTheSameChoice) {
  components::CppBloomFilter a(components::sbbf_blocks_for(100000, 0.01));
  components::CppBloomFilter b(components::sbbf_blocks_for(100000, 0.01));
  for (int run = 0; run < 5; ++run) {
    auto scores = calibrate_together(bloom_filter_kind(), {{"rust", &a}, {"cpp", &b}}, 5);
    ASSERT_EQ(scores["rust"].size(), 5u);
    EXPECT_GT(median(scores["cpp"]), 0.0);
    EXPECT_EQ(choose_by_scores("rust", scores), "rust") << "run " << run;
  }
}

}  // namespace
}  // namespace selfheal
