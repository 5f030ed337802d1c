// Healer::run_fix: one fix of one crate under its cross-process lock: diagnose, run the mapped
// chain, verify each step with a fresh diagnosis, record every attempt and the outcome.
#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/disk_full.hpp"
#include "core/value_json.hpp"
#include "healer/crate_lock.hpp"
#include "healer/crate_state.hpp"
#include "healer/fix_outcome_codec.hpp"
#include "context/plugin_context.hpp"

namespace selfheal {
namespace {
constexpr std::size_t kProgressLines = 40;
constexpr std::chrono::seconds kProgressLogInterval{2};
}  // namespace

std::string diagnosis_signature(const sdk::Diagnosis& d) {
  return d.issue_type + "\n" + d.summary + "\n" + to_json_text(d.details);
}

std::string crate_sources_stamp(const sdk::CratePaths& paths) {
  std::vector<std::string> entries;
  auto add = [&](const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return;
    const auto time = std::filesystem::last_write_time(file, ec);
    if (ec) return;
    entries.push_back(file.string() + " " + std::to_string(size) + " " +
                      std::to_string(time.time_since_epoch().count()));
  };
  add(paths.root / "Cargo.toml");
  add(paths.root / "Cargo.lock");
  add(paths.root / "build.rs");
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator
           it(paths.root / "src", std::filesystem::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) add(it->path());
  std::sort(entries.begin(), entries.end());  // directory order is not stable
  std::string stamp;
  for (const auto& e : entries) stamp += e + "\n";
  return stamp;
}

FixOutcome Healer::run_fix(const FixRequest& request, std::int64_t fix_id,
                           sdk::CancellationToken cancel) {
  CrateState* crate;
  {
    std::lock_guard lock(mutex_);
    crate = &crate_state(request.crate);
  }
  set_progress(fix_id, [](FixProgress& p) { p.state = FixState::waiting; });
  CrateLock lock(crate->paths.state_dir / "fix.lock", env_.clock(), cancel);
  set_progress(fix_id, [](FixProgress& p) { p.state = FixState::diagnosing; });
  if (!lock.held()) {
    FixOutcome out;
    out.fix_id = fix_id;
    out.crate = request.crate;
    out.error = lock.error();
    return out;
  }
  // Another process ran a fix while this one waited: that fix is this caller's answer (as for
  // in-process callers, who join the running fix), not a second diagnosis saying "healthy".
  if (auto other = lock.waited_for(); other && *other != fix_id) {
    if (auto joined = recorded_outcome(*other)) {
      log_.info("fix " + std::to_string(*other) + " of " + joined->crate +
                " ran in another process while this one waited; reporting its outcome");
      return *joined;
    }
  }
  lock.announce(fix_id);
  const auto started = env_.clock().now();
  FixOutcome out = fix_locked(*crate, request, fix_id, cancel);
  log_outcome(out, request, std::chrono::duration_cast<std::chrono::milliseconds>(env_.clock().now() - started));
  // Recorded while the lock is held, so a waiter that gets the lock next finds it.
  try {
    history_.record_outcome(fix_id, encode_outcome(out));
  } catch (const std::exception& e) {
    note_history_error(e.what());
  }
  return out;
}

// One event per fix: its issue, last strategy, duration and outcome (and the first compiler
// error when a build failed), so the log alone tells what the healer did.
void Healer::log_outcome(const FixOutcome& out, const FixRequest& request,
                         std::chrono::milliseconds duration) {
  LogFields fields;
  fields.add("fix_id", out.fix_id)
      .add("crate", out.crate)
      .add("trigger", request.trigger)
      .add("issue", out.issue_type.value_or("none"))
      .add("strategy", out.strategy_used.empty() ? std::string("none") : out.strategy_used)
      .add("success", out.success)
      .add("duration_ms", static_cast<std::int64_t>(duration.count()))
      .add("attempts", static_cast<std::int64_t>(out.attempts.size()));
  if (out.remaining) fields.add("remaining_issue", out.remaining->issue_type);
  for (const auto& a : out.attempts)
    if (const auto& first = a.details["first_error"]; first.is_string()) {
      fields.add("first_error", first.as_string());
      break;
    }
  if (out.error) fields.add("error", *out.error);
  const std::string what = "fix " + std::to_string(out.fix_id) + " of " + out.crate;
  if (out.success)
    log_.event(LogLevel::info, what + (out.attempts.empty() ? ": healthy, nothing to fix" : " succeeded"), fields);
  else
    log_.event(LogLevel::warning, what + " failed", fields);
}

std::optional<FixOutcome> Healer::recorded_outcome(std::int64_t fix_id) {
  try {
    auto text = history_.outcome(fix_id);
    auto outcome = text ? decode_outcome(*text) : std::nullopt;
    if (!outcome) return std::nullopt;
    outcome->fix_id = fix_id;
    outcome->attempts = history_.attempts_of(fix_id);
    return outcome;
  } catch (const std::exception& e) {
    log_.warning("cannot read the outcome of fix " + std::to_string(fix_id) + ": " + e.what());
    return std::nullopt;
  }
}

void Healer::record_attempt(FixAttempt& attempt) {
  {
    // Counted whether or not the row can be written: the attempt happened.
    std::lock_guard l(mutex_);
    counters_.add(attempt, plugins_.builds_artifact(attempt.strategy));
  }
  try {
    attempt.id = history_.record(attempt);
    {
      std::lock_guard l(mutex_);
      history_error_.clear();
    }
    changed();  // the attempt counts and the success rate moved
  } catch (const std::exception& e) {
    note_history_error(e.what());
  }
}

void Healer::note_history_error(const std::string& error) {
  {
    std::lock_guard l(mutex_);
    ++history_write_errors_;
    history_error_ = error;
  }
  changed();  // before the log line: who reads it and then asks for the status sees the error
  // Loud, and never the fix's outcome: what the crate's diagnosis says stands.
  log_.event(LogLevel::error, "history write failed (the fix's outcome stands)",
             LogFields().add("store", "history").add("disk_full", says_disk_full(error)).add("error", error));
}

FixOutcome Healer::fix_locked(CrateState& crate, const FixRequest& request, std::int64_t fix_id,
                              const sdk::CancellationToken& cancel) {
  FixOutcome out;
  out.fix_id = fix_id;
  out.crate = request.crate;
  auto report = diagnose(request.crate);
  if (!report.diagnosis && !request.clean) {
    out.success = true;
    out.message = "healthy: nothing to fix";
    return out;
  }
  sdk::Diagnosis current;
  if (report.diagnosis) {
    current = *report.diagnosis;
    out.issue_type = current.issue_type;
  } else {
    // A healthy crate has no issue: the requested clean build is recorded under its strategy.
    current.issue_type = plugins_.clean_build;
    current.summary = "clean build requested";
  }
  std::vector<std::string> chain;
  if (request.clean) {
    if (plugins_.clean_build.empty()) {
      // A strategy that did not load declares nothing: name those, one may be the clean build.
      std::string not_loaded;
      for (const auto& [name, entry] : plugins_.strategies)
        if (!entry.object) not_loaded += (not_loaded.empty() ? "" : "; ") + name + ": " + entry.load_error;
      out.error = "no loaded strategy declares a clean build (SELFHEAL_STRATEGY_CLEAN_BUILD)" +
                  (not_loaded.empty() ? std::string() : "; not loaded: " + not_loaded);
      if (report.diagnosis) out.remaining = current;
      return out;
    }
    chain = {plugins_.clean_build};
  } else if (auto it = manifest_.issue_strategies.find(current.issue_type);
             it != manifest_.issue_strategies.end()) {
    chain = it->second;
  }
  if (!request.clean && (!current.can_auto_fix || chain.empty())) {
    out.error = "not auto-fixable: " + current.summary;
    out.remaining = current;
    return out;
  }
  const std::string issue = current.issue_type;
  const std::string initial = report.diagnosis ? diagnosis_signature(*report.diagnosis) : std::string();
  const std::string sources_at_start = crate_sources_stamp(crate.paths);
  {
    std::string strategies;
    for (const auto& s : chain) strategies += (strategies.empty() ? "" : ",") + s;
    log_.event(LogLevel::info, "fix " + std::to_string(fix_id) + " of " + crate.paths.name + " started: " + issue,
               LogFields()
                   .add("fix_id", fix_id)
                   .add("crate", crate.paths.name)
                   .add("trigger", request.trigger)
                   .add("issue", issue)
                   .add("strategies", strategies));
  }
  bool any_succeeded = false;
  for (const auto& strategy : chain) {
    if (cancel.cancelled()) {
      out.error = "cancelled";
      break;
    }
    StrategyRun run = run_strategy(crate, strategy, current, request, fix_id, cancel);
    FixAttempt& attempt = run.attempt;
    // A strategy with nothing to act on (restore_from_cache with an empty store) says so; that
    // is not an attempt: no history row, and the chain goes on.
    if (run.skipped) {
      set_progress(fix_id, [&](FixProgress& p) { p.last_lines.push_back(strategy + " skipped: " + attempt.error); });
      out.error = strategy + " skipped: " + attempt.error;
      out.remaining = current;
      continue;
    }
    out.strategy_used = strategy;
    set_progress(fix_id, [](FixProgress& p) { p.state = FixState::verifying; });
    // A build whose bytes equal the stored artifact's records what they are built from now, so
    // the verification below judges them by it (an edited comment converges).
    try {
      env_.artifact_rebuilt(crate.paths);
    } catch (const std::exception& e) {
      log_.warning(crate.paths.name + ": cannot record the rebuilt artifact: " + e.what());
    }
    auto after = diagnose(request.crate);
    const bool strategy_ok = attempt.success;
    any_succeeded = any_succeeded || strategy_ok;
    attempt.success = strategy_ok && !after.diagnosis;
    attempt.details.set("strategy_succeeded", strategy_ok);
    // What status's last_successful_build counts: the build itself succeeded (whatever the
    // verification found next), not any successful fix.
    if (strategy_ok && plugins_.builds_artifact(strategy)) attempt.details.set("built_artifact", true);
    if (after.diagnosis) {
      attempt.details.set("remaining_issue", after.diagnosis->issue_type);
      attempt.details.set("remaining_summary", after.diagnosis->summary);
      const bool unchanged = diagnosis_signature(*after.diagnosis) == diagnosis_signature(current);
      attempt.details.set("diagnosis_changed", !unchanged);
      if (strategy_ok && attempt.error.empty())
        attempt.error = unchanged ? strategy + " succeeded but did not change the diagnosis: " + after.diagnosis->summary
                                  : "still not healthy: " + after.diagnosis->summary;
    }
    record_attempt(attempt);
    {
      LogFields fields;
      fields.add("fix_id", fix_id)
          .add("crate", crate.paths.name)
          .add("issue", attempt.issue_type)
          .add("strategy", strategy)
          .add("success", attempt.success)
          .add("strategy_succeeded", strategy_ok)
          .add("duration_ms", attempt.duration_ms);
      if (after.diagnosis) fields.add("remaining_issue", after.diagnosis->issue_type);
      if (const auto& first = std::as_const(attempt.details)["first_error"]; first.is_string())
        fields.add("first_error", first.as_string());
      if (!attempt.error.empty()) fields.add("error", attempt.error);
      log_.event(attempt.success ? LogLevel::info : LogLevel::warning,
                 strategy + (strategy_ok ? " finished" : " failed") + " for " + issue, fields);
    }
    out.attempts.push_back(attempt);
    if (!after.diagnosis) {
      out.success = true;
      out.error.reset();
      out.remaining.reset();  // a skipped strategy before it left one: nothing remains now
      out.message = strategy + " fixed " + issue;
      break;
    }
    out.error = attempt.error;
    out.remaining = after.diagnosis;
    current = *after.diagnosis;
  }
  // Strategies that "succeeded" and left the very diagnosis they were given cannot converge:
  // running them again gives the same answer. Say so, and let automatic checks leave it alone
  // until the diagnosis changes (manual fixes still run).
  const bool stuck = !out.success && any_succeeded && out.remaining && !initial.empty() &&
                     diagnosis_signature(*out.remaining) == initial;
  if (stuck) {
    out.error = "no strategy of [" + [&] {
      std::string names;
      for (const auto& s : chain) names += (names.empty() ? "" : ", ") + s;
      return names;
    }() + "] changed the diagnosis (" + issue + ": " + out.remaining->summary +
                "); not retried automatically until the diagnosis or the crate's sources change";
    log_.warning(crate.paths.name + ": " + *out.error);
  }
  std::lock_guard l(mutex_);
  crate.stuck = stuck ? initial + "\n" + sources_at_start : std::string();
  if (out.success) retry_.record_success(issue, env_.clock().now());
  else retry_.record_failure(issue, env_.clock().now());
  return out;
}

Healer::StrategyRun Healer::run_strategy(CrateState& crate, const std::string& strategy,
                                         const sdk::Diagnosis& diagnosis, const FixRequest& request,
                                         std::int64_t fix_id, const sdk::CancellationToken& cancel) {
  StrategyRun run;
  FixAttempt& a = run.attempt;
  a.fix_id = fix_id;
  a.crate = crate.paths.name;
  a.issue_type = diagnosis.issue_type;
  a.strategy = strategy;
  a.trigger = request.trigger;
  a.started_at = env_.clock().wall_now();
  const auto start = env_.clock().now();
  set_progress(fix_id, [&](FixProgress& p) {
    p.state = FixState::running;
    p.strategy = strategy;
  });
  auto it = plugins_.strategies.find(strategy);
  if (it == plugins_.strategies.end() || !it->second.object) {
    a.error = "strategy '" + strategy + "' is not loaded" +
              (it == plugins_.strategies.end() ? std::string() : ": " + it->second.load_error);
    return run;
  }
  // A build's progress in the log at a steady rate (cargo's every line is in build.log).
  std::optional<std::chrono::steady_clock::time_point> last_logged;
  PluginContext context(env_, crate.paths, settings_, it->second.config, strategy, cancel,
                        [&, fix_id](std::string_view line) {
                          set_progress(fix_id, [&](FixProgress& p) {
                            p.last_lines.emplace_back(line);
                            while (p.last_lines.size() > kProgressLines) p.last_lines.pop_front();
                          });
                          if (line.starts_with("Compiling ")) {
                            const auto now = env_.clock().now();
                            if (!last_logged || now - *last_logged >= kProgressLogInterval) {
                              last_logged = now;
                              log_.event(LogLevel::info, crate.paths.name + ": " + std::string(line),
                                         LogFields()
                                             .add("fix_id", fix_id)
                                             .add("crate", crate.paths.name)
                                             .add("strategy", strategy));
                            }
                          }
                          if (request.on_progress) request.on_progress(line);
                        },
                        PluginContext::Work::fix);
  try {
    sdk::FixResult r = it->second.object->apply(context, diagnosis);
    a.success = r.success;
    a.error = r.error;
    a.message = r.message;
    a.details = r.details;
    a.log_tail = r.log_tail;
    // FixResult::skipped sits in padding a plugin built against SDK 1.1 never wrote.
    run.skipped = !r.success && r.skipped && it->second.api_minor >= 2;
  } catch (const std::exception& e) {
    a.error = "strategy '" + strategy + "' threw: " + e.what();
  } catch (...) {
    a.error = "strategy '" + strategy + "' threw an unknown exception";
  }
  if (request.on_progress) request.on_progress({});
  if (!a.details.is_map()) a.details = sdk::Value::map();
  a.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      env_.clock().now() - start).count();
  return run;
}

}  // namespace selfheal
