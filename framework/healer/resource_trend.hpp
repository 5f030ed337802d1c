// Predicts when free disk or memory falls below what a build needs, from samples taken at the
// checks: a least-squares line over the recent samples, extrapolated. Below the floor already is
// the disk_full/out_of_memory diagnosers' business; this warns before, while the host can
// still act (or an operator can).
//
// A prediction is a claim an operator acts on, so it is made only from a sustained trend that is
// not the host's own doing (a build eats gigabytes of memory for a few minutes, then gives them
// back): samples taken while the host fixes, and for a settling time after, are ignored, and a fix
// starts the trend afresh (it moves the baseline: target/ grew). As node_exporter's
// "filesystem filling up" alert does (predict_linear over hours AND the free space already low),
// a warning needs enough samples over a minimum span, a line that fits them (R²) with the same
// sign in both halves, the crossing within the horizon, and the resource already within a
// multiple of the floor. Not MT safe: the healer guards it.
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
  std::chrono::seconds falling_for{0};  // the span of the samples the trend is fitted to
  std::uint64_t available_bytes = 0;
  std::uint64_t floor_bytes = 0;
  std::string text() const;
};

// What makes a trend credible enough to warn about.
struct TrendRules {
  std::chrono::seconds window{std::chrono::hours(1)};    // samples older than this are dropped
  std::chrono::seconds horizon{std::chrono::hours(1)};   // warn when the floor is this close
  std::size_t min_samples = 5;
  std::chrono::seconds min_span{std::chrono::minutes(15)};  // first to last sample
  std::chrono::seconds min_spacing{30};  // a burst of checks is one sample, not a trend
  std::chrono::seconds settle{std::chrono::minutes(2)};  // after a fix ends, samples are ignored
  double min_fit = 0.8;                  // R² of the line
  double near_floor = 10.0;              // predict only below this multiple of the floor
};

class ResourceTrend {
 public:
  explicit ResourceTrend(TrendRules rules = {});

  // Ignored while a fix runs or settles, and when closer than min_spacing to the last one kept.
  void add(const ResourceSample& sample);
  // The host's own fixes: a start forgets the samples so far; samples are ignored until `settle`
  // after the last running fix ended. Starts and ends pair up (fixes of several crates overlap).
  void fix_started();
  void fix_ended(std::chrono::steady_clock::time_point at);

  std::vector<ResourceWarning> warnings(std::uint64_t disk_floor, std::uint64_t memory_floor) const;
  std::size_t samples() const { return samples_.size(); }

 private:
  TrendRules rules_;
  std::deque<ResourceSample> samples_;
  int fixes_running_ = 0;
  std::chrono::steady_clock::time_point quiet_from_{};  // samples before this are the host's
};

}  // namespace selfheal
