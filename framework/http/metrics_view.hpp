// GET /metrics in the Prometheus text format (version 0.0.4):
//   selfheal_fix_attempts_total{issue,strategy,outcome}          counter, from the history
//   selfheal_build_duration_seconds{le}                           histogram of build/clean_build attempts
//   selfheal_component_active{component,implementation}           gauge 0/1
//   selfheal_component_switches_total{component}                  counter
//   selfheal_breaker_state{component,implementation,state}        gauge 0/1 per state
//   selfheal_component_call_errors_total{component,implementation} counter
//   selfheal_http_open_connections                                gauge
#pragma once

#include <string>
#include <vector>

#include "components/component_loader.hpp"
#include "healer/history_store.hpp"
#include "healer/resource_trend.hpp"

namespace selfheal::http {

// `warnings`: the healer's predicted resource shortfalls (HealerStatus::resource_warnings).
std::string metrics_text(const std::vector<FixAttempt>& history, const LoaderStatus& loader,
                         std::size_t open_connections,
                         const std::vector<ResourceWarning>& warnings = {});

// "a\"b" -> a\"b with backslash, quote and newline escaped, as label values need.
std::string escape_label(const std::string& value);

}  // namespace selfheal::http
