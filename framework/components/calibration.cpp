#include "components/calibration.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"

namespace selfheal {

double benchmark_once(const std::string& component, sdk::Component& instance) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t ops = 0;
  if (component == sdk::component::bloom_filter) {
    auto& f = static_cast<sdk::BloomFilter&>(instance);
    char key[32];
    for (int i = 0; i < 20000; ++i) {
      const int n = std::snprintf(key, sizeof key, "calibration-%d", i);
      (void)f.insert(std::string_view(key, static_cast<std::size_t>(n)));
      (void)f.contains(std::string_view(key, static_cast<std::size_t>(n)));
      ops += 2;
    }
  } else if (component == sdk::component::sliding_window) {
    auto& w = static_cast<sdk::SlidingWindow&>(instance);
    std::vector<std::uint8_t> pixels(64 * 64);
    for (int i = 0; i < 200; ++i) {
      std::fill(pixels.begin(), pixels.end(), static_cast<std::uint8_t>(i));
      (void)w.add_frame({pixels, 64, 64, 1, i});
      ++ops;
    }
  } else {
    auto& p = static_cast<sdk::MemoryPool&>(instance);
    for (int i = 0; i < 20000; ++i) {
      auto b = p.allocate(256);
      if (b.ok()) (void)p.release(b.value());
      ++ops;
    }
  }
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  return us > 0 ? static_cast<double>(ops) / us : 0.0;
}

RoundScores calibrate_together(const std::string& component,
                               const std::map<std::string, sdk::Component*>& instances, int rounds) {
  std::vector<std::pair<std::string, sdk::Component*>> order(instances.begin(), instances.end());
  for (auto& [name, instance] : order) (void)benchmark_once(component, *instance);  // warm-up
  RoundScores scores;
  for (int round = 0; round < rounds; ++round) {
    for (auto& [name, instance] : order) scores[name].push_back(benchmark_once(component, *instance));
    std::reverse(order.begin(), order.end());  // neither always runs first (or right after)
  }
  return scores;
}

}  // namespace selfheal
