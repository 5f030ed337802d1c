// The JSON shapes of the original's API (and our additions), shared by the CLI's --json output
// and the HTTP endpoint so both always agree.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "components/component_loader.hpp"
#include "components/file_watcher.hpp"
#include "healer/fix_types.hpp"
#include "loader/plugin_loader.hpp"

namespace selfheal {

std::string iso_time(std::chrono::system_clock::time_point t);  // "2025-09-15T12:30:00Z"

// {issue_type, details, recommended_fix, can_auto_fix} (+ summary, crate, diagnoser, status,
//  failed_plugins). status: "healthy", "issue", or "degraded" when no issue was found but some
// diagnosers failed (then the summary names them: the crate is not known to be healthy).
boost::json::object diagnosis_json(const DiagnosisReport& report);
// "" when every diagnoser ran; else why the crate cannot be called healthy, naming them.
std::string failed_diagnosers_summary(const DiagnosisReport& report);
// {success, issue_type, strategy_used, error} (+ fix_id, crate, message, remaining_issue, attempts)
// Every field is documented in docs/api.md.
boost::json::object fix_json(const FixOutcome& outcome);
// {success, message} (+ fix_id, error, attempts)
boost::json::object clean_build_json(const FixOutcome& outcome);
// {running, total_fix_attempts, success_rate, last_successful_build, retry_counts, recent_fixes}
boost::json::object status_json(const HealerStatus& status);
boost::json::object attempt_json(const FixAttempt& attempt);
boost::json::object progress_json(const FixProgress& progress,
                                  std::chrono::steady_clock::time_point now);
boost::json::object plugin_json(const PluginRecord& record);
// {loader_running, check_interval_seconds, components: {name: {active_implementation,
//  available_implementations: {impl: {available, performance_score, error_count}}}}}
// (+ breaker_state, error per implementation; last_switch, switches per component)
boost::json::object component_status_json(const LoaderStatus& status);
// {watching, debounce_ms, events, checks, folders}: the file watcher's work (Host::file_watch)
boost::json::object file_watch_json(const FileWatchStats& stats);
// {success, changes: {component: change}, message}
boost::json::object force_check_json(const std::vector<ComponentChange>& changes);

}  // namespace selfheal
