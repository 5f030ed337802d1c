// The real HostEnv: the host's process runner and clock, the kernel's facts (machine_facts.hpp),
// the plugin loader's probe, the artifact stores with the build fingerprinter and the fleet, the
// build cache, the build-jobs caps and the component loader's pools. Host builds one from its
// parts; they must outlive it. MT safe (each part is).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "artifacts/artifact_store.hpp"
#include "artifacts/build_cache.hpp"
#include "artifacts/build_fingerprint.hpp"
#include "artifacts/fleet/fleet_cache.hpp"
#include "context/build_jobs_limits.hpp"
#include "context/host_env.hpp"
#include "context/toolchain_search_path.hpp"
#include "core/system_clock.hpp"
#include "loader/plugin_loader.hpp"

namespace selfheal {

class ComponentLoader;

class SystemHostEnv final : public HostEnv {
 public:
  // What the host hands over; none of it is owned. `fleet` may be null (no fleet section).
  struct Parts {
    std::shared_ptr<LogSink> log_sink;
    sdk::ProcessRunner* runner = nullptr;
    sdk::ProcessRunner* fix_runner = nullptr;  // null: `runner`
    ToolchainSearchPath* toolchain = nullptr;
    PluginLoader* loader = nullptr;
    BuildFingerprinter* fingerprinter = nullptr;
    BuildCache* build_cache = nullptr;
    FleetCache* fleet = nullptr;
    // The crate's artifact store (the manifest's default crate for an empty name), or null.
    std::function<ArtifactStore*(const std::string& crate)> store;
  };

  explicit SystemHostEnv(Parts parts);

  // The component loader is made after the healer, which needs this Env first: until it is
  // attached, trim_memory() frees nothing. Call before any thread starts.
  void attach_components(ComponentLoader* components) { components_ = components; }

  // HostEnv
  sdk::ProcessRunner& processes() override { return *parts_.runner; }
  sdk::ProcessRunner& fix_processes() override {
    return parts_.fix_runner ? *parts_.fix_runner : *parts_.runner;
  }
  const sdk::Clock& clock() override { return clock_; }
  std::shared_ptr<LogSink> log_sink() override { return parts_.log_sink; }
  std::optional<std::uint64_t> memory_available() override;
  std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) override;
  sdk::ProbeResult probe_library(const std::filesystem::path& library) override;
  std::vector<std::filesystem::path> toolchain_search_path() override;
  void add_toolchain_dir(const std::filesystem::path& dir) override;
  std::optional<std::string> rustc_version(const std::filesystem::path& rustc) override;
  std::optional<sdk::ArtifactRecord> last_artifact(const std::string& crate) override;
  std::optional<std::string> build_fingerprint(const sdk::CratePaths& crate) override;
  std::string artifact_fingerprint(const sdk::CratePaths& crate) override;
  sdk::Result<sdk::ArtifactRecord> restore_cached_artifact(const sdk::CratePaths& crate) override;
  void artifact_rebuilt(const sdk::CratePaths& crate) override;
  std::map<std::string, std::string> build_environment() override;
  unsigned build_jobs(const std::string& crate, unsigned configured) override;
  void limit_build_jobs(const std::string& crate, unsigned jobs) override;
  std::uint64_t trim_memory() override;

 private:
  Parts parts_;
  SourceLogger log_;
  SystemClock clock_;
  BuildJobsLimits build_jobs_;  // free_memory's caps, for this host's life
  ComponentLoader* components_ = nullptr;
};

}  // namespace selfheal
