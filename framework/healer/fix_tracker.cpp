#include "healer/fix_tracker.hpp"

namespace selfheal {

void FixTracker::begin(std::int64_t id, const std::string& crate,
                       std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  Entry& e = fixes_[id];
  e.progress.fix_id = id;
  e.progress.crate = crate;
  e.progress.state = FixState::diagnosing;
  e.progress.started = now;
  trim();
  version_.fetch_add(1, std::memory_order_release);
}

void FixTracker::update(std::int64_t id, const std::function<void(FixProgress&)>& change) {
  std::lock_guard lock(mutex_);
  if (auto it = fixes_.find(id); it != fixes_.end() && !it->second.outcome) change(it->second.progress);
}

void FixTracker::finish(std::int64_t id, const FixOutcome& outcome,
                        std::chrono::steady_clock::time_point now) {
  std::vector<Completion> waiters;
  {
    std::lock_guard lock(mutex_);
    Entry& e = fixes_[id];
    e.progress.fix_id = id;
    e.progress.crate = outcome.crate;
    e.progress.state = outcome.success ? FixState::succeeded : FixState::failed;
    e.progress.finished = now;
    e.outcome = outcome;
    waiters.swap(e.waiters);
    if (outcome.fix_id != id && outcome.fix_id > 0) {
      Entry joined;
      joined.progress = e.progress;
      joined.progress.fix_id = outcome.fix_id;
      joined.outcome = outcome;
      fixes_.emplace(outcome.fix_id, std::move(joined));
    }
    latest_ = outcome;
    trim();
    version_.fetch_add(1, std::memory_order_release);
  }
  for (const auto& done : waiters) done(outcome);
}

bool FixTracker::on_done(std::int64_t id, Completion done) {
  std::optional<FixOutcome> now;
  {
    std::lock_guard lock(mutex_);
    auto it = fixes_.find(id);
    if (it == fixes_.end()) return false;
    if (!it->second.outcome) {
      it->second.waiters.push_back(std::move(done));
      return true;
    }
    now = it->second.outcome;
  }
  done(*now);
  return true;
}

std::optional<FixProgress> FixTracker::progress(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = fixes_.find(id);
  if (it == fixes_.end()) return std::nullopt;
  return it->second.progress;
}

std::optional<FixOutcome> FixTracker::outcome(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = fixes_.find(id);
  if (it == fixes_.end()) return std::nullopt;
  return it->second.outcome;
}

std::optional<FixOutcome> FixTracker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::optional<FixProgress> FixTracker::current() const {
  std::lock_guard lock(mutex_);
  for (auto it = fixes_.rbegin(); it != fixes_.rend(); ++it)
    if (!it->second.outcome) return it->second.progress;
  return std::nullopt;
}

void FixTracker::trim() {
  // Running fixes (and their waiters) are never dropped, whatever their age.
  for (auto it = fixes_.begin(); fixes_.size() > kept_ && it != fixes_.end();) {
    if (it->second.outcome) it = fixes_.erase(it);
    else ++it;
  }
}

}  // namespace selfheal
