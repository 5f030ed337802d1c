// The SDK's testing kit: fakes of every host service, so a plugin author unit-tests a plugin with
// GoogleTest without the host. Standard library only. Not MT safe unless noted.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"

namespace selfheal::sdk::testing {

// Captures every log line as "LEVEL message". MT safe.
class CapturingLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    static const char* names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    std::lock_guard lock(mutex_);
    lines_.push_back(std::string(names[static_cast<int>(level)]) + " " + std::string(message));
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Answers run() from a script instead of starting processes, and records what was asked.
// A scripted step can also emit output lines through the spec's on_line. MT safe.
class ScriptedProcessRunner final : public ProcessRunner {
 public:
  struct Step {
    ProcessResult result;
    std::vector<std::string> output;  // delivered to on_line (stdout) before returning
  };
  // Steps are consumed in order; when none is left, `fallback` answers (exit 0 by default).
  void push(Step step) {
    std::lock_guard lock(mutex_);
    steps_.push_back(std::move(step));
  }
  void push_exit(int exit_code, std::vector<std::string> output = {}) {
    Step s;
    s.result.started = true;
    s.result.exit_code = exit_code;
    s.output = std::move(output);
    push(std::move(s));
  }
  ProcessResult run(const ProcessSpec& spec) override {
    Step step;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(spec.argv);
      if (!steps_.empty()) {
        step = std::move(steps_.front());
        steps_.pop_front();
      } else {
        step.result.started = true;
        step.result.exit_code = 0;
      }
    }
    std::ofstream log;
    if (!spec.log_file.empty()) log.open(spec.log_file, std::ios::app);  // as the host's runner does
    for (const auto& line : step.output) {
      if (spec.on_line) spec.on_line(OutputStream::out, line);
      if (log) log << line << '\n';
      step.result.tail.push_back(line);
    }
    return step.result;
  }
  std::vector<std::vector<std::string>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Step> steps_;
  std::vector<std::vector<std::string>> calls_;
};

// A clock that only moves when told to; sleep_for advances it instantly. MT safe.
class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(wall_ms_.load()));
  }
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(steady_ms_.load()));
  }
  bool sleep_for(std::chrono::steady_clock::duration d, const CancellationToken& cancel) const override {
    if (cancel.cancelled()) return true;
    advance(std::chrono::duration_cast<std::chrono::milliseconds>(d));
    return false;
  }
  void advance(std::chrono::milliseconds d) const {
    steady_ms_ += d.count();
    wall_ms_ += d.count();
  }

 private:
  mutable std::atomic<std::int64_t> steady_ms_{1'000'000};
  mutable std::atomic<std::int64_t> wall_ms_{1'700'000'000'000};
};

// An sdk::Context whose every part a test sets directly.
class FakeContext final : public Context {
 public:
  CratePaths crate_paths;
  Settings settings_value;
  Value config_value = Value::map();
  CapturingLogger log;
  ScriptedProcessRunner scripted_runner;
  ProcessRunner* runner = &scripted_runner;  // point at a real runner for integration tests
  FakeClock fake_clock;
  CancellationToken cancel;
  std::vector<std::filesystem::path> search_path;
  std::vector<std::string> progress;
  std::optional<ArtifactRecord> artifact_record;
  std::function<ProbeResult(const std::filesystem::path&)> probe;  // default: ok
  std::uint64_t trimmed_bytes = 0;
  std::string fingerprint;           // build_fingerprint()
  std::string recorded_fingerprint;  // artifact_fingerprint()
  // restore_cached_artifact(); default: nothing cached (Errc::not_found)
  std::function<Result<ArtifactRecord>()> restore;
  std::map<std::string, std::string> build_env;  // build_environment()
  mutable unsigned jobs_limit = 0;  // what limit_build_jobs() set last; 0: none
  // What memory_available() and free_bytes() answer; unset: "the host cannot tell" (nullopt).
  std::optional<std::uint64_t> available_memory;
  std::optional<std::uint64_t> free_bytes_anywhere;                 // for every path ...
  std::map<std::filesystem::path, std::uint64_t> free_bytes_by_path;  // ... unless listed here
  // What rustc_version(path) answers; a path not listed: nullopt (the plugin runs rustc itself).
  std::map<std::filesystem::path, std::string> rustc_versions;

  void set_memory_available(std::optional<std::uint64_t> bytes) { available_memory = bytes; }
  void set_free_bytes(std::optional<std::uint64_t> bytes) { free_bytes_anywhere = bytes; }
  void set_free_bytes(const std::filesystem::path& path, std::uint64_t bytes) {
    free_bytes_by_path[path] = bytes;
  }

  const CratePaths& crate() const override { return crate_paths; }
  const Settings& settings() const override { return settings_value; }
  const Value& config() const override { return config_value; }
  Logger& logger() const override { return const_cast<CapturingLogger&>(log); }
  ProcessRunner& processes() const override { return *runner; }
  const Clock& clock() const override { return fake_clock; }
  const CancellationToken& cancellation() const override { return cancel; }
  std::vector<std::filesystem::path> toolchain_search_path() const override { return search_path; }
  void add_toolchain_dir(const std::filesystem::path& dir) const override {
    auto& p = const_cast<std::vector<std::filesystem::path>&>(search_path);
    p.insert(p.begin(), dir);
  }
  void report_progress(std::string_view line) const override {
    const_cast<std::vector<std::string>&>(progress).emplace_back(line);
  }
  std::optional<ArtifactRecord> last_artifact() const override { return artifact_record; }
  ProbeResult probe_library(const std::filesystem::path& library) const override {
    if (probe) return probe(library);
    ProbeResult r;
    r.ok = true;
    return r;
  }
  std::uint64_t trim_host_memory() const override { return trimmed_bytes; }
  std::string build_fingerprint() const override { return fingerprint; }
  std::string artifact_fingerprint() const override { return recorded_fingerprint; }
  Result<ArtifactRecord> restore_cached_artifact() const override {
    if (restore) return restore();
    return Status::error(Errc::not_found, "nothing cached");
  }
  std::map<std::string, std::string> build_environment() const override { return build_env; }
  // As the host does: the manifest's setting, capped by the limit.
  unsigned build_jobs() const override {
    const unsigned set = settings_value.build_jobs;
    if (jobs_limit == 0) return set;
    return set == 0 || jobs_limit < set ? jobs_limit : set;
  }
  void limit_build_jobs(unsigned jobs) const override {
    if (jobs > 0) jobs_limit = jobs;
  }
  std::optional<std::uint64_t> memory_available() const override { return available_memory; }
  std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) const override {
    if (auto it = free_bytes_by_path.find(path); it != free_bytes_by_path.end()) return it->second;
    return free_bytes_anywhere;
  }
  std::optional<std::string> rustc_version(const std::filesystem::path& rustc) const override {
    if (auto it = rustc_versions.find(rustc); it != rustc_versions.end()) return it->second;
    return std::nullopt;
  }
};

}  // namespace selfheal::sdk::testing
