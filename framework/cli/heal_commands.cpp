// diagnose, fix, clean-build, status, history.
#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>

#include "core/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/progress_line.hpp"
#include "host/host.hpp"
#include "host/json_views.hpp"

namespace selfheal::cli {
namespace {

void print_attempts(const FixOutcome& f) {
  for (const auto& a : f.attempts) {
    std::cout << "  " << a.strategy << ": " << (a.success ? "ok" : "failed") << " in "
              << a.duration_ms << " ms";
    if (!a.error.empty()) std::cout << " - " << a.error;
    std::cout << "\n";
  }
}

// The host's log on stderr at the manifest's level and in its format (settings.log_format).
Host::Options logging_options(const Manifest& manifest, LogSink::Writer writer = {}) {
  Host::Options options;
  options.log_sink = std::make_shared<LogSink>(parse_log_level(manifest.settings.log_level), std::move(writer));
  options.log_sink->set_format(parse_log_format(manifest.settings.log_format).value_or(LogFormat::text));
  return options;
}

int fix_exit_code(const FixOutcome& f) {
  if (!f.success) return kFailure;
  return f.attempts.empty() ? kOk : kFixed;
}

// What `fix` and `clean-build` share: load the manifest, check --crate, run one fix on it and hand
// the outcome to `report`, whose result is the exit code.
template <class Report>
int run_one_fix(const Args& args, FixRequest request, Report report) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  if (!crate_is_known(*manifest, args)) return kUsage;
  // A build's progress on stderr, with the log lines above it (progress_line.hpp).
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  ProgressLine progress(stderr, terminal, ProgressLine::terminal_width(stderr));
  auto options = logging_options(*manifest, [&progress](std::string_view line) { progress.log(line); });
  Host host(std::move(*manifest), options);
  request.crate = args.option("crate").value_or("");
  request.on_progress = [&progress](std::string_view line) { progress.update(line); };
  auto outcome = host.healer().fix(std::move(request));
  progress.clear();
  return report(outcome);
}

void print_attempts_and_error(const FixOutcome& f) {
  print_attempts(f);
  if (f.error) std::cout << "  error: " << *f.error << "\n";
}

}  // namespace

int run_diagnose(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  if (!crate_is_known(*manifest, args)) return kUsage;
  Host::Options options = logging_options(*manifest);
  options.read_only = true;  // diagnosing only looks: a read-only state folder is fine
  Host host(std::move(*manifest), options);
  auto report = host.healer().diagnose(args.option("crate").value_or(""));
  if (args.has("json")) {
    std::cout << json_text(diagnosis_json(report)) << "\n";
  } else if (!report.diagnosis) {
    const auto failed = failed_diagnosers_summary(report);
    std::cout << report.crate << ": " << (failed.empty() ? std::string("healthy") : failed) << "\n";
  } else {
    const auto& d = *report.diagnosis;
    std::cout << report.crate << ": " << d.issue_type << ": " << d.summary << "\n"
              << "  recommended fix: " << (d.recommended_fix.empty() ? "none" : d.recommended_fix)
              << (d.can_auto_fix ? "" : " (not auto-fixable)") << "\n"
              << "  details: " << json_text(diagnosis_json(report)["details"]) << "\n";
  }
  for (const auto& e : report.diagnoser_errors) std::cerr << "warning: diagnoser " << e << "\n";
  // A diagnoser that could not run leaves the verdict open: not healthy, so not 0.
  return report.diagnosis || !report.failed_diagnosers.empty() ? kFailure : kOk;
}

int run_fix(const Args& args) {
  return run_one_fix(args, FixRequest{}, [&](const FixOutcome& outcome) {
    if (args.has("json")) {
      std::cout << json_text(fix_json(outcome)) << "\n";
    } else {
      std::cout << outcome.crate << ": "
                << (outcome.success
                        ? (outcome.attempts.empty() ? "healthy, nothing to fix" : "fixed")
                        : "not fixed")
                << (outcome.issue_type ? " (" + *outcome.issue_type + ")" : "") << "\n";
      print_attempts_and_error(outcome);
    }
    return fix_exit_code(outcome);
  });
}

int run_clean_build(const Args& args) {
  FixRequest request;
  request.trigger = "clean-build";
  request.clean = true;
  return run_one_fix(args, std::move(request), [&](const FixOutcome& outcome) {
    if (args.has("json")) {
      std::cout << json_text(clean_build_json(outcome)) << "\n";
    } else {
      std::cout << (outcome.success ? "clean build succeeded" : "clean build failed") << "\n";
      print_attempts_and_error(outcome);
    }
    return outcome.success ? kFixed : kFailure;
  });
}

int run_status(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  HistoryStore history(manifest->settings.state_dir / "history.db", 10000, HistoryStore::Mode::read_only);
  HealerStatus status;
  auto totals = history.totals();
  status.total_fix_attempts = totals.attempts;
  status.success_rate =
      totals.attempts ? static_cast<double>(totals.successes) / totals.attempts : 0.0;
  status.last_successful_build = totals.last_successful_build;
  status.recent_fixes = history.recent(10);
  if (args.has("json")) {
    std::cout << json_text(status_json(status)) << "\n";
    return kOk;
  }
  std::cout << "fix attempts: " << status.total_fix_attempts << ", success rate "
            << status.success_rate << ", last successful build "
            << (status.last_successful_build ? iso_time(*status.last_successful_build) : "never")
            << "\n";
  return kOk;
}

int run_history(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  std::int64_t limit = 20;
  if (auto text = args.option("limit")) {
    try {
      std::size_t used = 0;
      limit = std::stoll(*text, &used);
      if (used != text->size() || limit < 1) throw std::invalid_argument("range");
    } catch (const std::exception&) {
      std::cerr << "selfheal history: --limit must be a positive integer, got '" << *text << "'\n";
      return kUsage;
    }
  }
  HistoryStore history(manifest->settings.state_dir / "history.db", 10000, HistoryStore::Mode::read_only);
  auto rows = history.recent(limit);
  if (args.has("json")) {
    boost::json::array list;
    for (const auto& a : rows) list.push_back(attempt_json(a));
    std::cout << json_text(list) << "\n";
    return kOk;
  }
  for (const auto& a : rows) {
    std::cout << iso_time(a.started_at) << "  " << a.crate << "  " << a.issue_type << " -> "
              << a.strategy << "  " << (a.success ? "ok" : "failed") << "  " << a.duration_ms
              << " ms  " << a.trigger;
    if (!a.error.empty()) std::cout << "  " << a.error;
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace selfheal::cli
