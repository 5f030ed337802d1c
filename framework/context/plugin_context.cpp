#include "context/plugin_context.hpp"

namespace selfheal {

PluginContext::PluginContext(const HostServices& services, const sdk::CratePaths& crate,
                             const sdk::Settings& settings, const sdk::Value& config,
                             std::string plugin_name, sdk::CancellationToken cancellation,
                             ProgressFn progress)
    : services_(services),
      crate_(crate),
      settings_(settings),
      config_(config),
      logger_(services.log_sink, std::move(plugin_name)),
      cancellation_(std::move(cancellation)),
      progress_(std::move(progress)) {}

std::vector<std::filesystem::path> PluginContext::toolchain_search_path() const {
  return services_.toolchain->dirs();
}

void PluginContext::add_toolchain_dir(const std::filesystem::path& dir) const {
  services_.toolchain->add_front(dir);
}

void PluginContext::report_progress(std::string_view line) const {
  if (progress_) progress_(line);
}

std::optional<sdk::ArtifactRecord> PluginContext::last_artifact() const {
  return services_.last_artifact ? services_.last_artifact(crate_.name) : std::nullopt;
}

sdk::ProbeResult PluginContext::probe_library(const std::filesystem::path& library) const {
  if (!services_.probe_library) {
    sdk::ProbeResult r;
    r.error = "the host has no library probe";
    return r;
  }
  return services_.probe_library(library);
}

std::uint64_t PluginContext::trim_host_memory() const {
  return services_.trim_memory ? services_.trim_memory() : 0;
}

std::string PluginContext::build_fingerprint() const {
  return services_.build_fingerprint ? services_.build_fingerprint(crate_).value_or("") : std::string();
}

std::string PluginContext::artifact_fingerprint() const {
  return services_.artifact_fingerprint ? services_.artifact_fingerprint(crate_) : std::string();
}

sdk::Result<sdk::ArtifactRecord> PluginContext::restore_cached_artifact() const {
  if (!services_.restore_cached_artifact)
    return sdk::Status::error(sdk::Errc::not_found, "this host has no artifact store");
  return services_.restore_cached_artifact(crate_);
}

std::map<std::string, std::string> PluginContext::build_environment() const {
  return services_.build_environment ? services_.build_environment()
                                     : std::map<std::string, std::string>();
}

unsigned PluginContext::build_jobs() const {
  return services_.build_jobs ? services_.build_jobs->effective(crate_.name, settings_.build_jobs)
                              : settings_.build_jobs;
}

void PluginContext::limit_build_jobs(unsigned jobs) const {
  if (services_.build_jobs) services_.build_jobs->limit(crate_.name, jobs);
}

}  // namespace selfheal
