// The probe's accepted verdicts on libraries, by content: a recovery probes the same bytes several
// times (target/, the store's copy, the diagnosers, the store's accept and load), and each probe
// is a child process that maps the library. Only acceptances are remembered: a refusal or a crash
// is probed again next time, so whatever changed (or a flaky environment) is seen first-hand.
// Bounded; MT safe.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"

namespace selfheal {

class ProbeVerdictCache {
 public:
  explicit ProbeVerdictCache(std::size_t capacity = 64) : capacity_(capacity) {}

  // The key of one probe: the bytes' sha256 and the symbols it had to find.
  static std::string key(const std::string& sha256, const std::vector<std::string>& symbols);

  std::optional<sdk::ProbeResult> find(const std::string& key) const;
  void remember(const std::string& key, const sdk::ProbeResult& accepted);

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, sdk::ProbeResult> verdicts_;
  std::deque<std::string> order_;  // oldest first, for eviction
};

}  // namespace selfheal
