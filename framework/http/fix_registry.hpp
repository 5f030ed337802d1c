// The outcomes of recent fixes by fix id (every fix, automatic or requested, through the
// healer's on_fix listener), for GET /self-healing/fixes/{id} and /health. Fix ids come from the
// history database, so they stay unique across reloads. Bounded; MT safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>

#include "healer/fix_types.hpp"

namespace selfheal::http {

class FixRegistry {
 public:
  explicit FixRegistry(std::size_t kept = 100) : kept_(kept) {}
  void record(const FixOutcome& outcome);
  std::optional<FixOutcome> find(std::int64_t fix_id) const;
  std::optional<FixOutcome> latest() const;

 private:
  mutable std::mutex mutex_;
  std::size_t kept_;
  std::map<std::int64_t, FixOutcome> outcomes_;
};

}  // namespace selfheal::http
