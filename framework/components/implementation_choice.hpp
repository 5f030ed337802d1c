// Which implementation `prefer: auto` runs, from calibration scores: the same machine must make
// the same choice at every start. Scores of one run are noisy (a build or another component's
// calibration next to it moved bloom_filter from Rust 7.9 vs C++ 14.5 to the reverse across
// restarts), so the default implementation keeps the component unless another one beats it by a
// clear margin in (nearly) every round of an interleaved calibration; anything closer is a tie,
// and a tie goes to the default. Pure functions: MT safe.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace selfheal {

struct ChoiceRules {
  double margin = 0.20;        // a challenger must be this much faster in a round to win it
  std::size_t min_rounds = 3;  // fewer: no evidence of repetition, the default stays
  std::size_t losses_allowed = 1;  // rounds a winner may lose (one disturbed round)
};

// Per implementation, its score (operations per microsecond) in each round; round i of every
// implementation was measured at the same time.
using RoundScores = std::map<std::string, std::vector<double>>;

// The implementation to run among those in `scores`: `default_impl` unless another beats it by
// the margin in all rounds but `losses_allowed`; of several such, the one with the best median
// ratio. When the default has no scores, the best median score.
std::string choose_by_scores(const std::string& default_impl, const RoundScores& scores,
                             const ChoiceRules& rules = {});

double median(std::vector<double> values);  // 0 for none

}  // namespace selfheal
