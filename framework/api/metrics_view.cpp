#include "api/metrics_view.hpp"

#include <array>
#include <map>
#include <sstream>
#include <tuple>

namespace selfheal::http {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

void header(std::ostringstream& o, const char* name, const char* type, const char* help) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

std::string healer_metrics_text(const HealerStatus& healer) {
  std::ostringstream o;
  header(o, "selfheal_history_write_errors_total", "counter",
         "History writes that failed (the fixes' outcomes stood; see the log).");
  o << "selfheal_history_write_errors_total " << healer.history_write_errors << "\n";
  return o.str();
}

std::string metrics_text(const FixCounters& fixes, const LoaderStatus& loader,
                         std::size_t open_connections, const std::vector<ResourceWarning>& warnings) {
  std::ostringstream o;
  o.precision(17);

  const auto& buckets = FixCounters::kBuildBuckets;
  header(o, "selfheal_fix_attempts_total", "counter", "Fix attempts, by issue, strategy and outcome.");
  for (const auto& [key, n] : fixes.attempts) {
    const auto& [issue, strategy, outcome] = key;
    o << "selfheal_fix_attempts_total{issue=\"" << escape_label(issue) << "\",strategy=\""
      << escape_label(strategy) << "\",outcome=\"" << outcome << "\"} " << n << "\n";
  }
  header(o, "selfheal_build_duration_seconds", "histogram", "Duration of attempts by strategies that build the artifact.");
  for (std::size_t i = 0; i < buckets.size(); ++i)
    o << "selfheal_build_duration_seconds_bucket{le=\"" << buckets[i] << "\"} " << fixes.build_buckets[i] << "\n";
  o << "selfheal_build_duration_seconds_bucket{le=\"+Inf\"} " << fixes.builds << "\n";
  o << "selfheal_build_duration_seconds_sum " << fixes.build_seconds << "\n";
  o << "selfheal_build_duration_seconds_count " << fixes.builds << "\n";

  header(o, "selfheal_component_active", "gauge", "1 for the implementation a component runs on.");
  for (const auto& c : loader.components)
    for (const auto& i : c.implementations)
      o << "selfheal_component_active{component=\"" << escape_label(c.name) << "\",implementation=\""
        << escape_label(i.name) << "\"} " << (i.name == c.active ? 1 : 0) << "\n";
  header(o, "selfheal_component_switches_total", "counter", "Implementation switches per component.");
  for (const auto& c : loader.components)
    o << "selfheal_component_switches_total{component=\"" << escape_label(c.name) << "\"} " << c.switches << "\n";
  header(o, "selfheal_breaker_state", "gauge", "1 for the state each implementation's circuit breaker is in.");
  for (const auto& c : loader.components)
    for (const auto& i : c.implementations)
      for (const char* state : {"closed", "open", "half_open"})
        o << "selfheal_breaker_state{component=\"" << escape_label(c.name) << "\",implementation=\""
          << escape_label(i.name) << "\",state=\"" << state << "\"} "
          << (i.breaker == state ? 1 : 0)
          << "\n";
  header(o, "selfheal_component_call_errors_total", "counter", "Call errors seen per implementation.");
  for (const auto& c : loader.components)
    for (const auto& i : c.implementations)
      o << "selfheal_component_call_errors_total{component=\"" << escape_label(c.name)
        << "\",implementation=\"" << escape_label(i.name) << "\"} " << i.error_count << "\n";
  header(o, "selfheal_predicted_shortfall_seconds", "gauge",
         "Seconds until free disk or memory falls below what a build needs, at the current trend (absent: no shortfall predicted).");
  for (const auto& w : warnings)
    o << "selfheal_predicted_shortfall_seconds{resource=\"" << escape_label(w.resource) << "\"} "
      << w.time_left.count() << "\n";
  header(o, "selfheal_http_open_connections", "gauge", "Open HTTP connections.");
  o << "selfheal_http_open_connections " << open_connections << "\n";
  return o.str();
}

std::string file_watch_metrics_text(const FileWatchStats& watch) {
  std::ostringstream o;
  header(o, "selfheal_file_events_total", "counter",
         "inotify events about a watched path (artifact, crate sources, toolchain).");
  o << "selfheal_file_events_total " << watch.events << "\n";
  header(o, "selfheal_file_event_checks_total", "counter",
         "Checks triggered by file events, one per burst after the quiet period.");
  o << "selfheal_file_event_checks_total " << watch.checks << "\n";
  header(o, "selfheal_file_watched_folders", "gauge", "Folders watched with inotify (0: watching off).");
  o << "selfheal_file_watched_folders " << watch.folders << "\n";
  return o.str();
}

std::string build_cache_metrics_text(const std::optional<SccacheStats>& totals) {
  const SccacheStats t = totals.value_or(SccacheStats{});
  std::ostringstream o;
  header(o, "selfheal_build_cache_active", "gauge", "1 when builds run through the sccache build cache.");
  o << "selfheal_build_cache_active " << (totals ? 1 : 0) << "\n";
  header(o, "selfheal_build_cache_requests_total", "counter", "rustc calls through sccache (cacheable or not).");
  o << "selfheal_build_cache_requests_total " << t.compile_requests << "\n";
  header(o, "selfheal_build_cache_hits_total", "counter", "Compilations sccache answered from its cache.");
  o << "selfheal_build_cache_hits_total " << t.hits << "\n";
  header(o, "selfheal_build_cache_misses_total", "counter", "Cacheable compilations sccache had to run.");
  o << "selfheal_build_cache_misses_total " << t.misses << "\n";
  header(o, "selfheal_build_cache_hit_ratio", "gauge", "Build cache hits / (hits + misses); 0 before any.");
  const auto cacheable = t.hits + t.misses;
  o << "selfheal_build_cache_hit_ratio "
    << (cacheable > 0 ? static_cast<double>(t.hits) / static_cast<double>(cacheable) : 0.0) << "\n";
  return o.str();
}

std::string fleet_metrics_text(const FleetCounters& fleet) {
  std::ostringstream o;
  header(o, "selfheal_fleet_fetches_total", "counter",
         "Fleet fetches by result: hit (verified, probed, restored), miss (none published), refused (see selfheal_fleet_refusals_total).");
  o << "selfheal_fleet_fetches_total{result=\"hit\"} " << fleet.fetch_hits << "\n"
    << "selfheal_fleet_fetches_total{result=\"miss\"} " << fleet.fetch_misses << "\n"
    << "selfheal_fleet_fetches_total{result=\"refused\"} " << fleet.fetch_refused << "\n";
  header(o, "selfheal_fleet_refusals_total", "counter",
         "Fleet entries refused, by reason: unsigned, unknown_format, unknown_key (not trusted), bad_signature, fingerprint, checksum, rejected (import or probe).");
  for (std::size_t i = 0; i < kFleetRefusalKinds; ++i)
    o << "selfheal_fleet_refusals_total{reason=\"" << to_label(static_cast<FleetRefusal>(i))
      << "\"} " << fleet.refusals[i] << "\n";
  header(o, "selfheal_fleet_publishes_total", "counter", "Artifacts this host published to the fleet.");
  o << "selfheal_fleet_publishes_total " << fleet.publishes << "\n";
  header(o, "selfheal_fleet_errors_total", "counter", "Fleet Redis errors: unreachable, timed out or an error reply.");
  o << "selfheal_fleet_errors_total " << fleet.errors << "\n";
  return o.str();
}

}  // namespace selfheal::http
