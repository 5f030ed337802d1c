// Predicts when free disk or memory falls below what a build needs, from samples taken at every
// check: a least-squares line over the recent samples, extrapolated. Below the floor already is
// the disk_full/out_of_memory diagnosers' business; this warns before, while the host can
// still act (or an operator can). Not MT safe: the healer guards it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace selfheal {

struct ResourceSample {
  std::chrono::steady_clock::time_point at;
  std::uint64_t disk_free_bytes = 0;      // where the crate builds
  std::uint64_t memory_available_bytes = 0;
};

struct ResourceWarning {
  std::string resource;                // "disk" or "memory"
  std::chrono::seconds time_left{0};   // until the floor, at the current trend
  std::uint64_t available_bytes = 0;
  std::uint64_t floor_bytes = 0;
  std::string text() const;
};

class ResourceTrend {
 public:
  // Keeps the last `window` samples; warns when the floor is `horizon` or less away.
  explicit ResourceTrend(std::size_t window = 12,
                         std::chrono::seconds horizon = std::chrono::hours(1));

  void add(const ResourceSample& sample);
  std::vector<ResourceWarning> warnings(std::uint64_t disk_floor, std::uint64_t memory_floor) const;

  // What the machine has now: statvfs of `build_dir` (or its nearest existing ancestor) and
  // MemAvailable from /proc/meminfo.
  static ResourceSample measure(const std::string& build_dir);

 private:
  std::size_t window_;
  std::chrono::seconds horizon_;
  std::deque<ResourceSample> samples_;
};

}  // namespace selfheal
