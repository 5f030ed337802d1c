#include "components/implementation_choice.hpp"

#include <algorithm>

namespace selfheal {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

std::string choose_by_scores(const std::string& default_impl, const RoundScores& scores,
                             const ChoiceRules& rules) {
  const auto base = scores.find(default_impl);
  if (base == scores.end() || median(base->second) <= 0) {
    std::string best;
    double best_score = 0;
    for (const auto& [name, rounds] : scores)
      if (const double m = median(rounds); best.empty() || m > best_score) {
        best = name;
        best_score = m;
      }
    return best.empty() ? default_impl : best;
  }
  std::string chosen = default_impl;
  double chosen_ratio = 0;
  for (const auto& [name, rounds] : scores) {
    if (name == default_impl) continue;
    const std::size_t n = std::min(rounds.size(), base->second.size());
    if (n < rules.min_rounds) continue;
    std::size_t wins = 0;
    std::vector<double> ratios;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = base->second[i];
      if (d <= 0) continue;  // a round the default could not run: no evidence either way
      ratios.push_back(rounds[i] / d);
      if (rounds[i] > d * (1 + rules.margin)) ++wins;
    }
    if (ratios.size() < rules.min_rounds || wins + rules.losses_allowed < n) continue;
    if (const double r = median(ratios); r > chosen_ratio) {
      chosen = name;
      chosen_ratio = r;
    }
  }
  return chosen;
}

}  // namespace selfheal
