// The healer's value types: what a diagnosis run, a fix and the healer's status report.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "healer/fix_state.hpp"
#include "healer/history_store.hpp"
#include "healer/resource_trend.hpp"
#include "selfheal/sdk/diagnosis.hpp"

namespace selfheal {

struct DiagnosisReport {
  std::string crate;
  std::optional<sdk::Diagnosis> diagnosis;  // nullopt: healthy
  std::string diagnoser;                    // who found it
  std::vector<std::string> diagnoser_errors;  // diagnosers that failed to run
  // Their names. With no diagnosis and some failed, the crate is not known to be healthy.
  std::vector<std::string> failed_diagnosers;
};

struct FixRequest {
  std::string crate;               // empty: the manifest's default crate (its first)
  std::string trigger = "manual";  // "manual", "auto", "clean-build"
  bool clean = false;              // clean-build: run clean_build whatever the diagnosis
  // Each progress line of the running strategy ("Compiling name (3/17)"), on the fix's thread;
  // an empty line when a strategy has ended.
  std::function<void(std::string_view line)> on_progress;
};

struct FixOutcome {
  std::int64_t fix_id = 0;
  std::string crate;
  bool success = false;                  // a fresh diagnosis afterwards was healthy
  std::optional<std::string> issue_type;  // what was found before; nullopt: it was healthy
  std::string strategy_used;              // the last strategy run; empty if none ran
  std::optional<std::string> error;
  std::string message;
  std::optional<sdk::Diagnosis> remaining;  // what is still wrong, when not fixed
  std::vector<FixAttempt> attempts;
};

// A fix as it runs, for operators (GET /self-healing/fixes/{id}).
struct FixProgress {
  std::int64_t fix_id = 0;
  std::string crate;
  FixState state = FixState::diagnosing;
  std::string strategy;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point finished;  // set when done
  std::deque<std::string> last_lines;
};

struct HealerStatus {
  bool running = false;
  std::int64_t total_fix_attempts = 0;
  double success_rate = 0.0;
  std::optional<std::chrono::system_clock::time_point> last_successful_build;
  std::map<std::string, std::uint32_t> retry_counts;
  std::vector<FixAttempt> recent_fixes;
  std::optional<FixProgress> current;
  std::vector<ResourceWarning> resource_warnings;  // predictive: free disk/memory falling
  // History writes that failed (the fixes' outcomes stood); the last error while it lasts.
  std::int64_t history_write_errors = 0;
  std::string history_error;
};

}  // namespace selfheal
