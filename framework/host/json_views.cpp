// Each view is a flat list of `o["field"] = value;` rows named by the JSON contract, so views look
// alike row by row; the lists they carry are built once (strings_json, attempts_json).
#include "host/json_views.hpp"

#include <boost/json.hpp>
#include <ctime>

#include "core/value_json.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {
namespace json = boost::json;

namespace {

// A JSON array of strings, of attempts: the lists the views below carry.
template <class Strings>
json::array strings_json(const Strings& strings) {
  json::array out;
  for (const auto& text : strings) out.push_back(json::string(text));
  return out;
}

template <class Attempts>
json::array attempts_json(const Attempts& attempts) {
  json::array out;
  for (const auto& a : attempts) out.push_back(attempt_json(a));
  return out;
}

}  // namespace

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string failed_diagnosers_summary(const DiagnosisReport& report) {
  if (report.failed_diagnosers.empty()) return {};
  std::string names;
  for (const auto& n : report.failed_diagnosers) names += (names.empty() ? "" : ", ") + n;
  return "degraded: " + std::to_string(report.failed_diagnosers.size()) +
         " diagnoser(s) failed (" + names + "); the host cannot tell whether " + report.crate +
         " is healthy";
}

json::object diagnosis_json(const DiagnosisReport& report) {
  json::object o;
  o["crate"] = report.crate;
  if (report.diagnosis) {
    const auto& d = *report.diagnosis;
    o["issue_type"] = d.issue_type;
    o["details"] = to_json(d.details.is_map() ? d.details : sdk::Value::map());
    o["recommended_fix"] = d.recommended_fix.empty() ? json::value(nullptr) : json::value(d.recommended_fix);
    o["can_auto_fix"] = d.can_auto_fix;
    o["summary"] = d.summary;
    o["diagnoser"] = report.diagnoser;
  } else {
    o["issue_type"] = nullptr;
    o["details"] = json::object();
    o["recommended_fix"] = nullptr;
    o["can_auto_fix"] = false;
    const auto failed = failed_diagnosers_summary(report);
    o["summary"] = failed.empty() ? std::string("healthy") : failed;
  }
  o["status"] = report.diagnosis ? "issue" : report.failed_diagnosers.empty() ? "healthy" : "degraded";
  o["failed_plugins"] = strings_json(report.failed_diagnosers);
  o["diagnoser_errors"] = strings_json(report.diagnoser_errors);
  return o;
}

json::object attempt_json(const FixAttempt& a) {
  json::object o;
  o["id"] = a.id;
  o["fix_id"] = a.fix_id;
  o["timestamp"] = iso_time(a.started_at);
  o["crate"] = a.crate;
  o["issue_type"] = a.issue_type;
  o["strategy"] = a.strategy;
  o["success"] = a.success;
  o["duration_seconds"] = static_cast<double>(a.duration_ms) / 1000.0;
  o["error"] = a.error.empty() ? json::value(nullptr) : json::value(a.error);
  o["message"] = a.message;
  o["trigger"] = a.trigger;
  o["details"] = to_json(a.details.is_map() ? a.details : sdk::Value::map());
  o["log_tail"] = strings_json(a.log_tail);
  return o;
}

json::object fix_json(const FixOutcome& f) {
  json::object o;
  o["success"] = f.success;
  o["issue_type"] = f.issue_type ? json::value(*f.issue_type) : json::value(nullptr);
  o["strategy_used"] = f.strategy_used.empty() ? json::value(nullptr) : json::value(f.strategy_used);
  o["error"] = f.error ? json::value(*f.error) : json::value(nullptr);
  // Every fix that starts has its own id, a healthy one too: its outcome is kept under it
  // (GET /self-healing/fixes/{id}), so no later fix may reuse it (HistoryStore::next_fix_id).
  o["fix_id"] = f.fix_id;
  o["crate"] = f.crate;
  o["message"] = f.message;
  // What a fresh diagnosis still found after a fix that did not succeed; null otherwise (always
  // present, as `error` is, so clients test one shape). A success has nothing remaining.
  o["remaining_issue"] = !f.success && f.remaining ? json::value(f.remaining->issue_type) : json::value(nullptr);
  o["attempts"] = attempts_json(f.attempts);
  return o;
}

json::object clean_build_json(const FixOutcome& f) {
  json::object o;
  o["success"] = f.success;
  o["message"] = f.success ? std::string("Clean build completed successfully")
                           : "Clean build failed: " + f.error.value_or("unknown error");
  o["fix_id"] = f.fix_id;
  o["error"] = f.error ? json::value(*f.error) : json::value(nullptr);
  o["attempts"] = attempts_json(f.attempts);
  return o;
}

json::object status_json(const HealerStatus& s) {
  json::object o;
  o["running"] = s.running;
  o["total_fix_attempts"] = s.total_fix_attempts;
  o["success_rate"] = s.success_rate;
  o["last_successful_build"] =
      s.last_successful_build ? json::value(iso_time(*s.last_successful_build)) : json::value(nullptr);
  json::object counts;
  for (const auto& [issue, n] : s.retry_counts) counts[issue] = n;
  o["retry_counts"] = std::move(counts);
  o["recent_fixes"] = attempts_json(s.recent_fixes);
  if (s.current) o["current_fix"] = progress_json(*s.current, std::chrono::steady_clock::now());
  return o;
}

json::object progress_json(const FixProgress& p, std::chrono::steady_clock::time_point now) {
  json::object o;
  o["fix_id"] = p.fix_id;
  o["crate"] = p.crate;
  o["state"] = to_string(p.state);
  o["strategy"] = p.strategy.empty() ? json::value(nullptr) : json::value(p.strategy);
  const auto end = p.finished == std::chrono::steady_clock::time_point{} ? now : p.finished;
  o["elapsed_seconds"] =
      std::chrono::duration<double>(end - p.started).count();
  o["last_lines"] = strings_json(p.last_lines);
  return o;
}

json::object plugin_json(const PluginRecord& r) {
  json::object o;
  o["kind"] = to_string(r.spec.kind);
  o["name"] = r.spec.name;
  o["file"] = r.spec.library.string();
  o["sha256"] = r.sha256;
  // The store's copy that was probed and mapped: what runs (plugin_store.hpp).
  o["loaded_from"] = r.loaded_from.empty() ? json::value(nullptr) : json::value(r.loaded_from.string());
  if (!r.component.empty()) {
    o["component"] = r.component;
    o["implementation"] = r.implementation;
  }
  o["status"] = to_string(r.status);
  o["error"] = r.error.empty() ? json::value(nullptr) : json::value(r.error);
  if (r.descriptor) {
    const auto& d = *r.descriptor;
    o["version"] = d.version;
    o["description"] = d.description;
    o["api_version"] = std::to_string(d.api_major) + "." + std::to_string(d.api_minor);
    o["cxx_abi"] = d.cxx_abi_tag;
  } else {
    o["version"] = nullptr;
    o["description"] = nullptr;
    o["api_version"] = nullptr;
    o["cxx_abi"] = nullptr;
  }
  return o;
}

json::object file_watch_json(const FileWatchStats& s) {
  json::object o;
  o["watching"] = s.watching;
  o["debounce_ms"] = s.debounce.count();
  o["events"] = s.events;
  o["checks"] = s.checks;
  o["folders"] = s.folders;
  return o;
}

json::object component_status_json(const LoaderStatus& s) {
  json::object o;
  o["loader_running"] = s.running;
  o["check_interval_seconds"] = s.check_interval.count();
  json::object components;
  for (const auto& c : s.components) {
    json::object co;
    co["active_implementation"] = c.active.empty() ? json::value(nullptr) : json::value(c.active);
    json::object impls;
    for (const auto& i : c.implementations) {
      json::object io;
      io["available"] = i.available;
      io["performance_score"] = i.performance_score;
      io["error_count"] = i.error_count;
      io["breaker_state"] = i.breaker;
      io["error"] = i.error.empty() ? json::value(nullptr) : json::value(i.error);
      impls[i.name] = std::move(io);
    }
    co["available_implementations"] = std::move(impls);
    co["last_switch"] = c.last_switch ? json::value(iso_time(*c.last_switch)) : json::value(nullptr);
    co["switches"] = c.switches;
    co["longest_pause_us"] = static_cast<double>(c.longest_pause.count()) / 1000.0;
    components[c.name] = std::move(co);
  }
  o["components"] = std::move(components);
  return o;
}

json::object force_check_json(const std::vector<ComponentChange>& changes) {
  json::object o;
  o["success"] = true;
  json::object map;
  for (const auto& c : changes) map[c.component] = c.change;
  o["changes"] = std::move(map);
  o["message"] = "Found " + std::to_string(changes.size()) + " component changes";
  return o;
}

}  // namespace selfheal
