// Caps on build parallelism per crate (sdk::Context::limit_build_jobs, e.g. free_memory after an
// out-of-memory build), held by the host for its lifetime. MT safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace selfheal {

class BuildJobsLimits {
 public:
  // The crate's cap; 0: none.
  unsigned of(const std::string& crate) const {
    std::lock_guard lock(mutex_);
    auto it = limits_.find(crate);
    return it == limits_.end() ? 0 : it->second;
  }
  void limit(const std::string& crate, unsigned jobs) {
    if (jobs == 0) return;
    std::lock_guard lock(mutex_);
    limits_[crate] = jobs;
  }
  // `configured` (the manifest's build_jobs; 0: cargo's default) capped by the crate's limit.
  unsigned effective(const std::string& crate, unsigned configured) const {
    const unsigned cap = of(crate);
    if (cap == 0) return configured;
    return configured == 0 || cap < configured ? cap : configured;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, unsigned> limits_;
};

}  // namespace selfheal
