// The sdk::Context handed to one plugin call: the crate, the plugin's own config, and the host's
// Env (HostEnv) for everything else. Lives for the duration of the call.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "context/host_env.hpp"
#include "selfheal/sdk/context.hpp"

namespace selfheal {

class PluginContext final : public sdk::Context {
 public:
  using ProgressFn = std::function<void(std::string_view)>;

  // What the call is for: a fix's processes run at the builds' priority (HostEnv::fix_processes).
  enum class Work { diagnose, fix };

  PluginContext(HostEnv& env, const sdk::CratePaths& crate,
                const sdk::Settings& settings, const sdk::Value& config, std::string plugin_name,
                sdk::CancellationToken cancellation = {}, ProgressFn progress = {},
                Work work = Work::diagnose);

  // sdk::Context
  const sdk::CratePaths& crate() const override { return crate_; }
  const sdk::Settings& settings() const override { return settings_; }
  const sdk::Value& config() const override { return config_; }
  sdk::Logger& logger() const override { return logger_; }
  sdk::ProcessRunner& processes() const override {
    return work_ == Work::fix ? env_.fix_processes() : env_.processes();
  }
  const sdk::Clock& clock() const override { return env_.clock(); }
  const sdk::CancellationToken& cancellation() const override { return cancellation_; }
  std::vector<std::filesystem::path> toolchain_search_path() const override;
  void add_toolchain_dir(const std::filesystem::path& dir) const override;
  void report_progress(std::string_view line) const override;
  std::optional<sdk::ArtifactRecord> last_artifact() const override;
  sdk::ProbeResult probe_library(const std::filesystem::path& library) const override;
  std::uint64_t trim_host_memory() const override;
  std::string build_fingerprint() const override;
  std::string artifact_fingerprint() const override;
  sdk::Result<sdk::ArtifactRecord> restore_cached_artifact() const override;
  std::map<std::string, std::string> build_environment() const override;
  unsigned build_jobs() const override;
  void limit_build_jobs(unsigned jobs) const override;
  std::optional<std::uint64_t> memory_available() const override;
  std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) const override;
  std::optional<std::string> rustc_version(const std::filesystem::path& rustc) const override;

 private:
  HostEnv& env_;
  const sdk::CratePaths& crate_;
  const sdk::Settings& settings_;
  const sdk::Value& config_;
  mutable SourceLogger logger_;
  sdk::CancellationToken cancellation_;
  ProgressFn progress_;
  Work work_;
};

}  // namespace selfheal
