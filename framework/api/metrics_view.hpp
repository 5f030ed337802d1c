// GET /metrics in the Prometheus text format (version 0.0.4):
//   selfheal_fix_attempts_total{issue,strategy,outcome}          counter, kept by the healer
//   selfheal_build_duration_seconds{le}                           histogram of attempts by strategies
//                                                                  that build the artifact
//   selfheal_component_active{component,implementation}           gauge 0/1
//   selfheal_component_switches_total{component}                  counter
//   selfheal_breaker_state{component,implementation,state}        gauge 0/1 per state
//   selfheal_component_call_errors_total{component,implementation} counter
//   selfheal_http_open_connections                                gauge
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "components/component_loader.hpp"
#include "components/file_watcher.hpp"
#include "artifacts/fleet/fleet_counters.hpp"
#include "healer/fix_counters.hpp"
#include "healer/fix_types.hpp"
#include "healer/history_store.hpp"
#include "healer/resource_trend.hpp"
#include "artifacts/sccache_stats.hpp"

namespace selfheal::http {

// `warnings`: the healer's predicted resource shortfalls (HealerStatus::resource_warnings).
std::string metrics_text(const FixCounters& fixes, const LoaderStatus& loader,
                         std::size_t open_connections,
                         const std::vector<ResourceWarning>& warnings = {});

// The fleet cache's counters (only when the manifest has a fleet section):
//   selfheal_fleet_fetches_total{result="hit|miss|refused"}  counter
//   selfheal_fleet_publishes_total                            counter
//   selfheal_fleet_errors_total                               counter (Redis unreachable or erring)
std::string fleet_metrics_text(const FleetCounters& fleet);

// The file watcher's work (Host::file_watch):
//   selfheal_file_events_total           counter: inotify events about a watched path
//   selfheal_file_event_checks_total     counter: checks they triggered, one per quiet burst
//   selfheal_file_watched_folders        gauge (0: watching off or failed)
std::string file_watch_metrics_text(const FileWatchStats& watch);

// The build cache's server totals (Host::build_cache().totals(); nullopt: no build used it yet):
//   selfheal_build_cache_active              gauge 1 when builds run through sccache
//   selfheal_build_cache_requests_total      counter: rustc calls through sccache
//   selfheal_build_cache_hits_total          counter
//   selfheal_build_cache_misses_total        counter
//   selfheal_build_cache_hit_ratio           gauge hits / (hits + misses), 0 before any
std::string build_cache_metrics_text(const std::optional<SccacheStats>& totals);

// The healer's own failures:
//   selfheal_history_write_errors_total  counter: history writes that failed (outcomes stood)
std::string healer_metrics_text(const HealerStatus& healer);

// "a\"b" -> a\"b with backslash, quote and newline escaped, as label values need.
std::string escape_label(const std::string& value);

}  // namespace selfheal::http
