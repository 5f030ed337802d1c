#include "support/cargo_run.hpp"

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>

#include "support/build_cache_stats.hpp"
#include "support/build_record.hpp"
#include "support/cargo_messages.hpp"
#include "support/cargo_progress.hpp"
#include "support/toolchain.hpp"

namespace selfheal::plugins {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s.push_back(' ');
    s += a;
  }
  return s;
}

sdk::ProcessResult run_cargo_in(const sdk::Context& context, const std::vector<std::string>& args,
                                bool record_as_build, std::map<std::string, std::string> environment) {
  const auto& crate = context.crate();
  std::error_code ec;
  std::filesystem::create_directories(crate.state_dir, ec);

  sdk::ProcessSpec spec;
  auto cargo = find_tool(context, "cargo");
  spec.argv.push_back(cargo ? cargo->string() : "cargo");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = std::move(environment);
  spec.search_path = context.toolchain_search_path();
  spec.working_directory = crate.root;
  spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(context.settings().build_timeout);
  spec.cancellation = context.cancellation();
  spec.tail_lines = 40;

  const auto max_log = static_cast<std::uintmax_t>(context.config()["log_max_bytes"].as_int(5 << 20));
  const int keep = static_cast<int>(context.config()["log_keep"].as_int(5));
  rotate_log(crate.build_log, max_log, keep);
  spec.log_file = crate.build_log;

  // The last build's own output, for the diagnosers; written as it arrives.
  std::ofstream last;
  std::mutex last_mutex;
  if (record_as_build) last.open(build_output_file(crate), std::ios::trunc);
  CargoProgress progress(crate.manifest.parent_path() / "Cargo.lock");
  spec.on_line = [&](sdk::OutputStream, std::string_view line) {
    std::lock_guard lock(last_mutex);  // the SDK does not promise one output thread
    if (record_as_build) last << line << '\n';
    // Progress feed: cargo's human lines with "Compiling name (3/17)", not its JSON messages.
    if (auto shown = progress.feed(line)) context.report_progress(*shown);
  };

  {
    std::ofstream header(crate.build_log, std::ios::app);
    header << "=== selfheal: " << join(spec.argv) << '\n';
  }
  // Real time, not the context's clock: the record is compared with file modification times.
  const auto started = std::chrono::system_clock::now();
  sdk::ProcessResult result = context.processes().run(spec);
  {
    std::ofstream footer(crate.build_log, std::ios::app);
    footer << "=== selfheal: exit=" << result.exit_code << " signal=" << result.signal
           << " timed_out=" << result.timed_out << " cancelled=" << result.cancelled
           << " duration_ms=" << result.duration.count()
           << (result.error.empty() ? "" : " error=" + result.error) << '\n';
  }
  if (record_as_build) {
    last.close();
    BuildRecord r;
    r.started_at_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(started.time_since_epoch()).count();
    r.finished_at = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    r.duration_ms = result.duration.count();
    r.started = result.started;
    r.exit_code = result.exit_code;
    r.signal = result.signal;
    r.timed_out = result.timed_out;
    r.cancelled = result.cancelled;
    r.command = join(spec.argv);
    r.error = result.error;
    write_build_record(crate, r);
  }
  return result;
}

}  // namespace

sdk::ProcessResult run_cargo(const sdk::Context& context, const std::vector<std::string>& args,
                             bool record_as_build) {
  return run_cargo_in(context, args, record_as_build, cargo_build_environment(context));
}

BuildRun run_cargo_build(const sdk::Context& context) {
  const auto& crate = context.crate();
  std::vector<std::string> args = {"build",
                                   "--manifest-path", crate.manifest.string(),
                                   "--target-dir", crate.target_dir.string(),
                                   "--profile", crate.profile,
                                   "--lib",
                                   "--message-format=json-diagnostic-short"};
  if (context.config()["offline"].as_bool(true)) args.push_back("--offline");
  if (unsigned jobs = context.build_jobs(); jobs > 0) {  // free_memory may have capped it
    args.push_back("-j");
    args.push_back(std::to_string(jobs));
  }
  auto environment = cargo_build_environment(context);
  const auto cache_before = read_build_cache_counts(context, environment);
  BuildRun run;
  run.process = run_cargo_in(context, args, true, environment);
  if (cache_before)
    if (auto cache_after = read_build_cache_counts(context, environment))
      run.build_cache = build_cache_details(*cache_before, *cache_after);
  return run;
}

sdk::FixResult build_fix_result(const sdk::Context& context, const BuildRun& build,
                                std::string what) {
  const sdk::ProcessResult& run = build.process;
  sdk::FixResult fix;
  fix.log_tail = run.tail;
  fix.details.set("duration_ms", static_cast<std::int64_t>(run.duration.count()));
  fix.details.set("exit_code", run.exit_code);
  if (run.signal != 0) fix.details.set("signal", run.signal);
  if (build.build_cache) fix.details.set("build_cache", *build.build_cache);
  std::error_code ec;
  const bool artifact = std::filesystem::exists(context.crate().artifact, ec);
  if (run.success() && artifact) {
    fix.success = true;
    fix.message = what + " succeeded in " + std::to_string(run.duration.count()) + " ms";
    if (build.build_cache)
      fix.message += " (build cache: " + std::to_string((*build.build_cache)["hits"].as_int()) +
                     " hits, " + std::to_string((*build.build_cache)["misses"].as_int()) + " misses)";
    return fix;
  }
  if (!run.started) fix.error = "cargo did not start: " + run.error;
  else if (run.timed_out) fix.error = what + " timed out and was killed";
  else if (run.cancelled) fix.error = what + " was cancelled";
  else if (run.signal != 0) fix.error = what + " was killed by signal " + std::to_string(run.signal);
  else if (run.exit_code != 0) fix.error = what + " failed with exit code " + std::to_string(run.exit_code);
  else fix.error = what + " finished but " + context.crate().artifact.string() + " is missing";
  // The first compiler error (as build_failed reports it), for the host's log and the history.
  if (run.started && run.exit_code != 0) {
    const auto output = parse_cargo_output(read_build_output(context.crate()));
    if (!output.errors.empty()) {
      const auto& e = output.errors.front();
      fix.details.set("first_error",
                      (e.file.empty() ? std::string() : e.file + ":" + std::to_string(e.line) + ":" +
                                                            std::to_string(e.column) + ": ") +
                          (e.code.empty() ? std::string("error: ") : "error[" + e.code + "]: ") + e.message);
    }
  }
  return fix;
}

}  // namespace selfheal::plugins
