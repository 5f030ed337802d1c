// The fixes of one healer, from start to outcome: each one's progress while it runs, its outcome
// when done, and the callbacks waiting for it. The healer is its only writer (begin, update,
// finish); readers get copies. Keeps the last `kept` finished fixes. MT safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "healer/fix_types.hpp"

namespace selfheal {

class FixTracker {
 public:
  using Completion = std::function<void(const FixOutcome&)>;

  explicit FixTracker(std::size_t kept = 100) : kept_(kept) {}

  void begin(std::int64_t id, const std::string& crate, std::chrono::steady_clock::time_point now);
  void update(std::int64_t id, const std::function<void(FixProgress&)>& change);
  // Stores the outcome, marks the fix done and calls its waiters once each, on this thread,
  // outside the lock. An outcome of another process's fix (outcome.fix_id != id: this one joined
  // it) is findable under both ids.
  void finish(std::int64_t id, const FixOutcome& outcome, std::chrono::steady_clock::time_point now);
  // Calls `done` once with the fix's outcome: when it finishes, or at once on this thread when it
  // has. False (and `done` is not kept) for an id this tracker does not know.
  bool on_done(std::int64_t id, Completion done);

  std::optional<FixProgress> progress(std::int64_t id) const;
  std::optional<FixOutcome> outcome(std::int64_t id) const;
  std::optional<FixOutcome> latest() const;    // the last fix that finished
  std::optional<FixProgress> current() const;  // the newest fix not finished
  // Moves on each begin and finish, in the same locked step as the change: a reader that loads
  // it before reading latest() never keeps a pre-finish view under a post-finish version.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  struct Entry {
    FixProgress progress;
    std::optional<FixOutcome> outcome;
    std::vector<Completion> waiters;
  };
  void trim();  // drops the oldest finished entries beyond kept_; mutex_ held

  mutable std::mutex mutex_;
  std::size_t kept_;
  std::map<std::int64_t, Entry> fixes_;
  std::optional<FixOutcome> latest_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace selfheal
