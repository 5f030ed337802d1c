#include "http/fix_registry.hpp"

namespace selfheal::http {

void FixRegistry::record(const FixOutcome& outcome) {
  std::lock_guard lock(mutex_);
  outcomes_[outcome.fix_id] = outcome;
  while (outcomes_.size() > kept_) outcomes_.erase(outcomes_.begin());
}

std::optional<FixOutcome> FixRegistry::find(std::int64_t fix_id) const {
  std::lock_guard lock(mutex_);
  auto it = outcomes_.find(fix_id);
  if (it == outcomes_.end()) return std::nullopt;
  return it->second;
}

std::optional<FixOutcome> FixRegistry::latest() const {
  std::lock_guard lock(mutex_);
  if (outcomes_.empty()) return std::nullopt;
  return outcomes_.rbegin()->second;
}

}  // namespace selfheal::http
