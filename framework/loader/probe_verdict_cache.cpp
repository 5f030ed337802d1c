#include "loader/probe_verdict_cache.hpp"

namespace selfheal {

std::string ProbeVerdictCache::key(const std::string& sha256, const std::vector<std::string>& symbols) {
  std::string k = sha256;
  for (const auto& s : symbols) k += "\n" + s;
  return k;
}

std::optional<sdk::ProbeResult> ProbeVerdictCache::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = verdicts_.find(key);
  if (it == verdicts_.end()) return std::nullopt;
  return it->second;
}

void ProbeVerdictCache::remember(const std::string& key, const sdk::ProbeResult& accepted) {
  if (!accepted.ok || capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (verdicts_.insert_or_assign(key, accepted).second) order_.push_back(key);
  while (verdicts_.size() > capacity_) {
    verdicts_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace selfheal
