// The self-healer: diagnose -> map the issue to a strategy chain (the manifest's `issues:`) ->
// run the chain -> verify with a fresh diagnosis -> record every attempt. One fix at a time per
// crate: in-process, later callers join the running fix; across processes, a flock.
// The one owner of fixes: their ids, progress, outcomes and completion callbacks (FixTracker),
// the history rows and the attempt counters are all written here.
// MT safe: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/periodic_worker.hpp"
#include "healer/fix_counters.hpp"
#include "healer/fix_tracker.hpp"
#include "healer/fix_types.hpp"
#include "healer/history_store.hpp"
#include "healer/plugin_set.hpp"
#include "healer/resource_trend.hpp"
#include "healer/retry_policy.hpp"
#include "context/host_env.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

class Healer {
 public:
  using FixListener = std::function<void(const FixOutcome&)>;
  using Completion = FixTracker::Completion;

  // `env` and `history` must outlive the Healer.
  Healer(const Manifest& manifest, PluginSet plugins, HostEnv& env,
         HistoryStore& history);
  ~Healer();  // cancels a running fix and waits for it
  Healer(const Healer&) = delete;
  Healer& operator=(const Healer&) = delete;

  // Runs every diagnoser of the crate in manifest order; the first issue wins.
  DiagnosisReport diagnose(const std::string& crate = {});

  // Starts a fix, or joins the one running for that crate, and returns its id at once.
  // `done` (optional) is called once with the outcome, on the fixing thread when it finishes (at
  // once, on this thread, for a fix already done or a request that cannot start: an unknown crate
  // gives id 0 and an outcome with the error). `done` must not wait for another fix.
  std::int64_t start_fix(FixRequest request, Completion done = {});
  // start_fix and wait for the outcome (CLI, tests, automatic checks).
  FixOutcome fix(FixRequest request);

  // One automatic round: diagnose every crate; fix what the retry policy allows. Blocks for the
  // fixes it starts.
  void check_once();
  // Runs check_once every check_interval, and at once after request_check(), until stop().
  void start();
  void stop();
  void request_check();

  void cancel_running();
  // Adds a free disk/memory sample (check_once takes one per round); status() then carries a
  // warning for each resource trending below what a build needs.
  void record_resources(const ResourceSample& sample);
  HealerStatus status(std::size_t recent = 10);
  std::optional<FixProgress> progress(std::int64_t fix_id);
  // A fix's outcome: this healer's, or the one the history recorded (a fix of another process,
  // or of the host before a reload). nullopt: unknown or still running.
  std::optional<FixOutcome> outcome(std::int64_t fix_id);
  std::optional<FixOutcome> last_outcome() const { return tracker_.latest(); }
  FixCounters counters();  // monotonic while this healer lives (seeded from the history)
  void on_fix(FixListener listener);  // called after every fix, on the fixing thread
  // Called after what status() or last_outcome() report changed: a fix started or ended, an
  // attempt was recorded, a history write failed, a resource sample was taken, the checks
  // started or stopped. On the changing thread, no healer lock held; must not wait for a fix.
  void on_change(std::function<void()> listener);
  // Moves with each of those changes, at latest right after it (with it for a fix's end): a view
  // of status() and last_outcome() read after loading version() is at least that new.
  std::uint64_t version() const {
    return changes_.load(std::memory_order_acquire) + tracker_.version();
  }
  const Manifest& manifest() const { return manifest_; }

 private:
  struct CrateState;
  CrateState& crate_state(const std::string& name);
  DiagnosisReport run_diagnosers(CrateState& crate);  // with crate.diagnose_mutex held
  // run_fix.cpp
  FixOutcome run_fix(const FixRequest& request, std::int64_t fix_id, sdk::CancellationToken cancel);
  FixOutcome fix_locked(CrateState& crate, const FixRequest& request, std::int64_t fix_id,
                        const sdk::CancellationToken& cancel);
  std::optional<FixOutcome> recorded_outcome(std::int64_t fix_id);
  void log_outcome(const FixOutcome& out, const FixRequest& request, std::chrono::milliseconds duration);
  void record_attempt(FixAttempt& attempt);  // a failed write is logged and counted, never thrown
  void note_history_error(const std::string& error);
  void changed();  // moves version() and calls the change listeners; no lock held
  struct StrategyRun {
    FixAttempt attempt;
    bool skipped = false;  // sdk::FixResult::skipped: nothing to act on, not an attempt
  };
  StrategyRun run_strategy(CrateState& crate, const std::string& strategy,
                           const sdk::Diagnosis& diagnosis, const FixRequest& request,
                           std::int64_t fix_id, const sdk::CancellationToken& cancel);
  void set_progress(std::int64_t fix_id, const std::function<void(FixProgress&)>& update);
  // How long the periodic checks wait before the next pass unasked.
  std::chrono::nanoseconds time_to_next_check();

  Manifest manifest_;
  PluginSet plugins_;
  HostEnv& env_;
  HistoryStore& history_;
  sdk::Settings settings_;
  SourceLogger log_;

  std::mutex mutex_;  // guards everything below
  std::map<std::string, std::unique_ptr<CrateState>> crates_;
  RetryPolicy retry_;
  ResourceTrend resources_;
  std::vector<std::string> warned_;  // resources warned about, to log each change once
  FixCounters counters_;
  std::int64_t next_fix_id_ = 0;
  std::int64_t history_write_errors_ = 0;
  std::string history_error_;  // the last failed history write; cleared by a good one
  std::vector<FixListener> listeners_;
  // Their own mutex, never mutex_: changed() runs at the end of a fix's thread, which start_fix
  // joins with mutex_ held.
  std::mutex change_mutex_;
  std::vector<std::function<void()>> change_listeners_;  // guarded by change_mutex_
  std::atomic<std::uint64_t> changes_{0};
  FixTracker tracker_;  // MT safe on its own; never called with mutex_ held and a callback due
  // The periodic checks (check_once); last, so it stops before the members its passes use go.
  PeriodicWorker worker_{[this] { check_once(); }, [this] { return time_to_next_check(); }};
};

}  // namespace selfheal
