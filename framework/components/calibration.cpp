#include "components/calibration.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace selfheal {

double benchmark_once(const ComponentKind& kind, sdk::Component& instance) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t ops = kind.workload(instance);
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  return us > 0 ? static_cast<double>(ops) / us : 0.0;
}

RoundScores calibrate_together(const ComponentKind& kind,
                               const std::map<std::string, sdk::Component*>& instances,
                               int rounds) {
  std::vector<std::pair<std::string, sdk::Component*>> order(instances.begin(), instances.end());
  for (auto& [name, instance] : order) (void)benchmark_once(kind, *instance);  // warm-up
  RoundScores scores;
  for (int round = 0; round < rounds; ++round) {
    for (auto& [name, instance] : order) scores[name].push_back(benchmark_once(kind, *instance));
    std::reverse(order.begin(), order.end());  // neither always runs first (or right after)
  }
  return scores;
}

}  // namespace selfheal
