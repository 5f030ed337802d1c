#include "healer/healer.hpp"

#include <algorithm>
#include <future>

#include "healer/crate_state.hpp"
#include "context/crate_settings.hpp"
#include "context/plugin_context.hpp"

namespace selfheal {

namespace {
constexpr std::int64_t kCounterSeedRows = 10000;  // the history's retention

RetryPolicyConfig retry_config(const ManifestSettings& s) {
  RetryPolicyConfig c;
  c.base = s.backoff_base;
  c.cap = s.backoff_cap;
  c.budget = s.max_retries;
  c.reset_after = std::chrono::duration_cast<std::chrono::milliseconds>(s.retry_reset_after);
  return c;
}
}  // namespace

Healer::Healer(const Manifest& manifest, PluginSet plugins, HostEnv& env,
               HistoryStore& history)
    : manifest_(manifest),
      plugins_(std::move(plugins)),
      env_(env),
      history_(history),
      settings_(sdk_settings(manifest.settings)),
      log_(env.log_sink() ? env.log_sink() : std::make_shared<LogSink>(LogLevel::warning), "healer"),
      retry_(retry_config(manifest.settings)) {
  for (const auto& crate : manifest_.crates) {
    auto state = std::make_unique<CrateState>();
    state->paths = crate_paths(crate, manifest_.settings);
    crates_[crate.name] = std::move(state);
  }
  try {
    next_fix_id_ = history_.next_fix_id() - 1;
    // Counters go on from what the history holds, so a reload (a new healer) never lowers them.
    for (const auto& a : history_.recent(kCounterSeedRows)) counters_.add(a, plugins_.builds_artifact(a.strategy));
  } catch (const std::exception& e) {
    log_.error(std::string("cannot read the history: ") + e.what());
  }
}

Healer::~Healer() {
  stop();
  cancel_running();
  for (auto& [name, crate] : crates_)
    if (crate->worker.joinable()) crate->worker.join();
}

Healer::CrateState& Healer::crate_state(const std::string& name) {
  auto it = crates_.find(manifest_.crate_or_default(name));
  if (it == crates_.end()) throw std::invalid_argument("unknown crate '" + name + "'");
  return *it->second;
}

DiagnosisReport Healer::diagnose(const std::string& crate_name) {
  CrateState* crate;
  {
    std::lock_guard lock(mutex_);
    crate = &crate_state(crate_name);
  }
  std::lock_guard serial(crate->diagnose_mutex);
  auto report = run_diagnosers(*crate);
  // Every change of the verdict, once: what an operator reads back to see when a crate broke.
  const std::string verdict = report.diagnosis ? report.diagnosis->issue_type
                              : report.failed_diagnosers.empty() ? "healthy"
                                                                 : "degraded";
  const bool first = crate->last_verdict.empty();
  if (verdict != crate->last_verdict && (!first || verdict != "healthy")) {
    LogFields fields;
    fields.add("crate", report.crate)
        .add("issue_type_before", first ? std::string("unknown") : crate->last_verdict)
        .add("issue_type_after", verdict);
    if (report.diagnosis) fields.add("diagnoser", report.diagnoser).add("summary", report.diagnosis->summary);
    log_.event(report.diagnosis ? LogLevel::warning : LogLevel::info,
               "diagnosis of " + report.crate + " changed: " + verdict, fields);
  }
  crate->last_verdict = verdict;
  return report;
}

DiagnosisReport Healer::run_diagnosers(CrateState& state) {
  CrateState* crate = &state;
  DiagnosisReport report;
  report.crate = crate->paths.name;
  for (const auto& entry : plugins_.diagnosers) {
    if (!entry.object) {
      report.diagnoser_errors.push_back(entry.name + ": " + entry.load_error);
      report.failed_diagnosers.push_back(entry.name);
      continue;
    }
    PluginContext context(env_, crate->paths, settings_, entry.config, entry.name);
    try {
      auto found = entry.object->diagnose(context);
      if (!found) continue;
      auto chain = manifest_.issue_strategies.find(found->issue_type);
      const bool mapped = chain != manifest_.issue_strategies.end() && !chain->second.empty();
      found->recommended_fix = mapped ? chain->second.front() : std::string();
      found->can_auto_fix = found->can_auto_fix && mapped;
      report.diagnosis = std::move(found);
      report.diagnoser = entry.name;
      return report;
    } catch (const std::exception& e) {
      report.diagnoser_errors.push_back(entry.name + " threw: " + e.what());
      report.failed_diagnosers.push_back(entry.name);
    } catch (...) {
      report.diagnoser_errors.push_back(entry.name + " threw an unknown exception");
      report.failed_diagnosers.push_back(entry.name);
    }
  }
  return report;
}

std::int64_t Healer::start_fix(FixRequest request, Completion done) {
  std::unique_lock lock(mutex_);
  CrateState* crate;
  try {
    crate = &crate_state(request.crate);
  } catch (const std::exception& e) {
    lock.unlock();
    FixOutcome outcome;
    outcome.crate = request.crate;
    outcome.error = e.what();
    if (done) done(outcome);
    return 0;
  }
  if (crate->busy) {  // join the running fix
    const std::int64_t id = crate->running;
    lock.unlock();
    // It may finish meanwhile: the tracker then calls `done` at once with its outcome.
    if (done && !tracker_.on_done(id, done)) {
      auto recorded = outcome(id);  // no longer tracked here: the history's record, if any
      if (!recorded) {
        recorded.emplace();
        recorded->fix_id = id;
        recorded->crate = request.crate;
        recorded->error = "the outcome of fix " + std::to_string(id) + " is no longer known";
      }
      done(*recorded);
    }
    return id;
  }
  if (crate->worker.joinable()) crate->worker.join();  // finished; only exiting
  request.crate = crate->paths.name;
  crate->busy = true;
  resources_.fix_started();  // what the fix does to disk and memory is no trend
  crate->cancel = sdk::CancellationToken();
  // Ids come from the shared history, so fixes of several processes never share one; a history
  // that cannot be written (a full disk) falls back to this process's count.
  std::int64_t id = next_fix_id_ + 1;
  try {
    id = std::max(id, history_.reserve_fix_id(request.crate));
  } catch (const std::exception& e) {
    history_error_ = e.what();
    ++history_write_errors_;
    log_.error("history write failed (the fix goes on): " + history_error_);
  }
  next_fix_id_ = id;
  crate->running = id;
  tracker_.begin(id, request.crate, env_.clock().now());
  if (done) tracker_.on_done(id, std::move(done));  // not done yet: kept, not called
  crate->worker = std::thread([this, crate, request, id, cancel = crate->cancel]() {
    FixOutcome outcome;
    try {
      outcome = run_fix(request, id, cancel);
    } catch (const std::exception& e) {
      outcome.fix_id = id;
      outcome.crate = request.crate;
      outcome.error = std::string("fix failed: ") + e.what();
    }
    std::vector<FixListener> listeners;
    {
      std::lock_guard l(mutex_);
      listeners = listeners_;
    }
    for (const auto& listener : listeners) listener(outcome);
    {
      // Not busy before the outcome is published: a caller that got it and asks again must
      // start a new fix, not join this finished one.
      std::lock_guard l(mutex_);
      crate->busy = false;
      crate->running = 0;
      resources_.fix_ended(std::chrono::steady_clock::now());
    }
    tracker_.finish(id, outcome, env_.clock().now());
    changed();
  });
  lock.unlock();
  changed();
  return id;
}

FixOutcome Healer::fix(FixRequest request) {
  std::promise<FixOutcome> done;
  auto result = done.get_future();
  start_fix(std::move(request), [&done](const FixOutcome& o) { done.set_value(o); });
  return result.get();
}

void Healer::set_progress(std::int64_t fix_id, const std::function<void(FixProgress&)>& update) {
  tracker_.update(fix_id, update);
}

std::optional<FixProgress> Healer::progress(std::int64_t fix_id) { return tracker_.progress(fix_id); }

std::optional<FixOutcome> Healer::outcome(std::int64_t fix_id) {
  if (auto known = tracker_.outcome(fix_id)) return known;
  if (tracker_.progress(fix_id)) return std::nullopt;  // running here
  return recorded_outcome(fix_id);
}

FixCounters Healer::counters() {
  std::lock_guard lock(mutex_);
  return counters_;
}

void Healer::record_resources(const ResourceSample& sample) {
  std::vector<ResourceWarning> now;
  {
    std::lock_guard lock(mutex_);
    resources_.add(sample);
    now = resources_.warnings(settings_.min_free_disk_bytes, settings_.min_free_memory_bytes);
  }
  std::vector<std::string> names;
  for (const auto& w : now) names.push_back(w.resource);
  {
    std::lock_guard lock(mutex_);
    if (names != warned_) {
      warned_ = names;
      for (const auto& w : now) log_.warning("predicted: " + w.text());
      if (now.empty()) log_.info("free disk and memory are no longer trending below the build minimum");
    }
  }
  changed();  // a warning's figures move with each sample, not only the set of warnings
}

void Healer::check_once() {
  if (const auto* crate = manifest_.default_crate()) {
    const auto paths = crate_paths(*crate, manifest_.settings);
    ResourceSample sample;  // what the Env says the machine has now
    sample.at = std::chrono::steady_clock::now();
    sample.disk_free_bytes = env_.free_bytes(paths.target_dir).value_or(0);
    sample.memory_available_bytes = env_.memory_available().value_or(0);
    record_resources(sample);
  }
  for (const auto& crate : manifest_.crates) {
    {
      std::lock_guard lock(mutex_);
      if (crate_state(crate.name).busy) continue;
    }
    auto report = diagnose(crate.name);
    const auto now = env_.clock().now();
    // The sources' stamp walks src/: outside the lock, and only while a chain is stuck.
    std::string stuck;
    const sdk::CratePaths* paths = nullptr;  // set once by crate_state(); never changes
    {
      std::lock_guard lock(mutex_);
      auto& state = crate_state(crate.name);
      stuck = state.stuck;
      paths = &state.paths;
    }
    const std::string situation =
        report.diagnosis && !stuck.empty()
            ? diagnosis_signature(*report.diagnosis) + "\n" + crate_sources_stamp(*paths)
            : std::string();
    bool attempt = false;
    {
      std::lock_guard lock(mutex_);
      auto& state = crate_state(crate.name);
      if (!report.diagnosis) {
        retry_.record_healthy(now);
        state.stuck.clear();
      } else if (!state.stuck.empty() && situation == state.stuck) {
        attempt = false;  // the chain ran on this very diagnosis and these sources, to no avail
      } else {
        state.stuck.clear();
        attempt = manifest_.settings.auto_fix && report.diagnosis->can_auto_fix &&
                  retry_.may_attempt(report.diagnosis->issue_type, now);
      }
    }
    if (attempt) {
      FixRequest request;
      request.crate = crate.name;
      request.trigger = "auto";
      fix(request);
    }
  }
}

void Healer::start() {
  worker_.start();
  changed();
}

void Healer::stop() {
  if (!worker_.running()) return;
  cancel_running();
  worker_.stop();
  changed();
}

void Healer::request_check() { worker_.request(); }

std::chrono::nanoseconds Healer::time_to_next_check() {
  std::lock_guard lock(mutex_);
  // The earliest of the check interval and the next retry the policy allows.
  const auto now = env_.clock().now();
  auto deadline = now + settings_.check_interval;
  for (const auto& [issue, count] : retry_.retry_counts()) {
    (void)count;  // only the issues matter: each has its own next attempt
    const auto at = retry_.next_attempt_at(issue);
    if (at > now && at < deadline) deadline = at;
  }
  return deadline - now;
}

void Healer::cancel_running() {
  std::lock_guard lock(mutex_);
  for (auto& [name, crate] : crates_)
    if (crate->busy) crate->cancel.cancel();
}

void Healer::on_fix(FixListener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

void Healer::on_change(std::function<void()> listener) {
  std::lock_guard lock(change_mutex_);
  change_listeners_.push_back(std::move(listener));
}

void Healer::changed() {
  changes_.fetch_add(1, std::memory_order_release);
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(change_mutex_);
    listeners = change_listeners_;
  }
  // A listener's failure is its own: never the fix's, nor the history write's it follows.
  for (const auto& listener : listeners) {
    try {
      listener();
    } catch (const std::exception& e) {
      log_.error(std::string("a change listener failed: ") + e.what());
    } catch (...) {
      log_.error("a change listener failed");
    }
  }
}

HealerStatus Healer::status(std::size_t recent) {
  HealerStatus s;
  std::string read_error;
  try {
    auto totals = history_.totals();
    s.total_fix_attempts = totals.attempts;
    s.success_rate = totals.attempts ? static_cast<double>(totals.successes) / totals.attempts : 0.0;
    s.last_successful_build = totals.last_successful_build;
    s.recent_fixes = history_.recent(static_cast<std::int64_t>(recent));
  } catch (const std::exception& e) {
    read_error = e.what();  // the status still answers, and says why the history is missing
  }
  std::lock_guard lock(mutex_);
  s.history_write_errors = history_write_errors_;
  s.history_error = history_error_.empty() ? read_error : history_error_;
  s.running = worker_.running();
  s.retry_counts = retry_.retry_counts();
  s.resource_warnings = resources_.warnings(settings_.min_free_disk_bytes, settings_.min_free_memory_bytes);
  s.current = tracker_.current();
  return s;
}

}  // namespace selfheal
