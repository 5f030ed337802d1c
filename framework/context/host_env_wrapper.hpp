// A HostEnv that forwards every call to another one (as LevelDB's EnvWrapper): derive from it and
// override only what differs, e.g. a test double that reports a full disk but runs real builds.
// `target` must outlive the wrapper. MT safe as far as the target and the overrides are.
#pragma once

#include "context/host_env.hpp"

namespace selfheal {

class HostEnvWrapper : public HostEnv {
 public:
  explicit HostEnvWrapper(HostEnv& target) : target_(target) {}
  HostEnv& target() const { return target_; }

  // HostEnv
  sdk::ProcessRunner& processes() override { return target_.processes(); }
  sdk::ProcessRunner& fix_processes() override { return target_.fix_processes(); }
  const sdk::Clock& clock() override { return target_.clock(); }
  std::shared_ptr<LogSink> log_sink() override { return target_.log_sink(); }
  std::optional<std::uint64_t> memory_available() override { return target_.memory_available(); }
  std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) override {
    return target_.free_bytes(path);
  }
  sdk::ProbeResult probe_library(const std::filesystem::path& library) override {
    return target_.probe_library(library);
  }
  std::vector<std::filesystem::path> toolchain_search_path() override {
    return target_.toolchain_search_path();
  }
  void add_toolchain_dir(const std::filesystem::path& dir) override { target_.add_toolchain_dir(dir); }
  std::optional<std::string> rustc_version(const std::filesystem::path& rustc) override {
    return target_.rustc_version(rustc);
  }
  std::optional<sdk::ArtifactRecord> last_artifact(const std::string& crate) override {
    return target_.last_artifact(crate);
  }
  std::optional<std::string> build_fingerprint(const sdk::CratePaths& crate) override {
    return target_.build_fingerprint(crate);
  }
  std::string artifact_fingerprint(const sdk::CratePaths& crate) override {
    return target_.artifact_fingerprint(crate);
  }
  sdk::Result<sdk::ArtifactRecord> restore_cached_artifact(const sdk::CratePaths& crate) override {
    return target_.restore_cached_artifact(crate);
  }
  void artifact_rebuilt(const sdk::CratePaths& crate) override { target_.artifact_rebuilt(crate); }
  std::map<std::string, std::string> build_environment() override {
    return target_.build_environment();
  }
  unsigned build_jobs(const std::string& crate, unsigned configured) override {
    return target_.build_jobs(crate, configured);
  }
  void limit_build_jobs(const std::string& crate, unsigned jobs) override {
    target_.limit_build_jobs(crate, jobs);
  }
  std::uint64_t trim_memory() override { return target_.trim_memory(); }

 private:
  HostEnv& target_;
};

}  // namespace selfheal
