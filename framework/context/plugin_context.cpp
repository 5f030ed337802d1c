#include "context/plugin_context.hpp"

namespace selfheal {

PluginContext::PluginContext(HostEnv& env, const sdk::CratePaths& crate,
                             const sdk::Settings& settings, const sdk::Value& config,
                             std::string plugin_name, sdk::CancellationToken cancellation,
                             ProgressFn progress, Work work)
    : env_(env),
      crate_(crate),
      settings_(settings),
      config_(config),
      logger_(env.log_sink(), std::move(plugin_name)),
      cancellation_(std::move(cancellation)),
      progress_(std::move(progress)),
      work_(work) {}

std::vector<std::filesystem::path> PluginContext::toolchain_search_path() const {
  return env_.toolchain_search_path();
}

void PluginContext::add_toolchain_dir(const std::filesystem::path& dir) const {
  env_.add_toolchain_dir(dir);
}

void PluginContext::report_progress(std::string_view line) const {
  if (progress_) progress_(line);
}

std::optional<sdk::ArtifactRecord> PluginContext::last_artifact() const {
  return env_.last_artifact(crate_.name);
}

sdk::ProbeResult PluginContext::probe_library(const std::filesystem::path& library) const {
  return env_.probe_library(library);
}

std::uint64_t PluginContext::trim_host_memory() const { return env_.trim_memory(); }

std::string PluginContext::build_fingerprint() const {
  return env_.build_fingerprint(crate_).value_or("");
}

std::string PluginContext::artifact_fingerprint() const { return env_.artifact_fingerprint(crate_); }

sdk::Result<sdk::ArtifactRecord> PluginContext::restore_cached_artifact() const {
  return env_.restore_cached_artifact(crate_);
}

std::map<std::string, std::string> PluginContext::build_environment() const {
  return env_.build_environment();
}

unsigned PluginContext::build_jobs() const {
  return env_.build_jobs(crate_.name, settings_.build_jobs);
}

void PluginContext::limit_build_jobs(unsigned jobs) const { env_.limit_build_jobs(crate_.name, jobs); }

std::optional<std::uint64_t> PluginContext::memory_available() const {
  return env_.memory_available();
}

std::optional<std::uint64_t> PluginContext::free_bytes(const std::filesystem::path& path) const {
  return env_.free_bytes(path);
}

std::optional<std::string> PluginContext::rustc_version(const std::filesystem::path& rustc) const {
  return env_.rustc_version(rustc);
}

}  // namespace selfheal
