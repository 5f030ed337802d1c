#include "http/metrics_view.hpp"

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

constexpr std::array<double, 11> kBuckets = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800};

void header(std::ostringstream& o, const char* name, const char* type, const char* help) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

std::string metrics_text(const std::vector<FixAttempt>& history, const LoaderStatus& loader,
                         std::size_t open_connections, const std::vector<ResourceWarning>& warnings) {
  std::ostringstream o;
  o.precision(17);

  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> attempts;
  std::array<std::uint64_t, kBuckets.size()> bucket_counts{};
  std::uint64_t builds = 0;
  double build_seconds = 0;
  for (const auto& a : history) {
    ++attempts[{a.issue_type, a.strategy, a.success ? "success" : "failure"}];
    if (a.strategy == "build" || a.strategy == "clean_build") {
      const double s = static_cast<double>(a.duration_ms) / 1000.0;
      ++builds;
      build_seconds += s;
      for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (s <= kBuckets[i]) ++bucket_counts[i];
    }
  }
  header(o, "selfheal_fix_attempts_total", "counter", "Fix attempts recorded in the history, by issue, strategy and outcome.");
  for (const auto& [key, n] : attempts) {
    const auto& [issue, strategy, outcome] = key;
    o << "selfheal_fix_attempts_total{issue=\"" << escape_label(issue) << "\",strategy=\""
      << escape_label(strategy) << "\",outcome=\"" << outcome << "\"} " << n << "\n";
  }
  header(o, "selfheal_build_duration_seconds", "histogram", "Duration of build and clean_build attempts.");
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    o << "selfheal_build_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << bucket_counts[i] << "\n";
  o << "selfheal_build_duration_seconds_bucket{le=\"+Inf\"} " << builds << "\n";
  o << "selfheal_build_duration_seconds_sum " << build_seconds << "\n";
  o << "selfheal_build_duration_seconds_count " << builds << "\n";

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

}  // namespace selfheal::http
