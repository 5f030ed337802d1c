#include "host/system_host_env.hpp"

#include "artifacts/fleet/fleet_restore.hpp"
#include "components/component_loader.hpp"
#include "core/machine_facts.hpp"
#include "core/sha256.hpp"

namespace selfheal {

SystemHostEnv::SystemHostEnv(Parts parts) : parts_(std::move(parts)), log_(parts_.log_sink, "host") {}

std::optional<std::uint64_t> SystemHostEnv::memory_available() { return mem_available_bytes(); }

std::optional<std::uint64_t> SystemHostEnv::free_bytes(const std::filesystem::path& path) {
  return free_bytes_on(path);
}

sdk::ProbeResult SystemHostEnv::probe_library(const std::filesystem::path& library) {
  return parts_.loader->probe_library(library);
}

std::vector<std::filesystem::path> SystemHostEnv::toolchain_search_path() {
  return parts_.toolchain->dirs();
}

void SystemHostEnv::add_toolchain_dir(const std::filesystem::path& dir) {
  parts_.toolchain->add_front(dir);
}

std::optional<std::string> SystemHostEnv::rustc_version(const std::filesystem::path& rustc) {
  auto id = parts_.fingerprinter->known(rustc);  // never runs it: the plugin's own run has its limits
  return id ? std::optional<std::string>(id->version) : std::nullopt;
}

std::optional<sdk::ArtifactRecord> SystemHostEnv::last_artifact(const std::string& crate) {
  auto* s = parts_.store(crate);
  return s ? s->current() : std::nullopt;
}

std::optional<std::string> SystemHostEnv::build_fingerprint(const sdk::CratePaths& crate) {
  return parts_.fingerprinter->current(crate);
}

std::string SystemHostEnv::artifact_fingerprint(const sdk::CratePaths& crate) {
  auto* s = parts_.store(crate.name);
  auto sha = s ? sha256_file(crate.artifact) : std::nullopt;
  return sha ? s->fingerprint_of(*sha) : std::string();
}

sdk::Result<sdk::ArtifactRecord> SystemHostEnv::restore_cached_artifact(const sdk::CratePaths& crate) {
  auto* s = parts_.store(crate.name);
  if (!s) return sdk::Status::error(sdk::Errc::not_found, "no artifact store for " + crate.name);
  auto fingerprint = parts_.fingerprinter->current(crate);
  if (!fingerprint)
    return sdk::Status::error(sdk::Errc::not_found,
                              "no build fingerprint (is rustc on the toolchain path?)");
  // The local store first, then the fleet's (verified, imported into the local store).
  auto restored = s->restore(*fingerprint, crate.artifact);
  if (restored.ok() || restored.status().code != sdk::Errc::not_found || !parts_.fleet) return restored;
  auto from_fleet = restore_from_fleet(*parts_.fleet, *s, *fingerprint, crate, log_);
  if (from_fleet.ok() || from_fleet.status().code != sdk::Errc::not_found) return from_fleet;
  return sdk::Status::error(sdk::Errc::not_found,
                            restored.status().message + "; " + from_fleet.status().message);
}

void SystemHostEnv::artifact_rebuilt(const sdk::CratePaths& crate) {
  if (auto* s = parts_.store(crate.name); s && s->record_rebuild(crate))
    log_.info(crate.name + ": the rebuilt artifact is byte-identical to the stored one; recorded "
              "what it was built from");
}

std::map<std::string, std::string> SystemHostEnv::build_environment() {
  return parts_.build_cache->build_environment();
}

unsigned SystemHostEnv::build_jobs(const std::string& crate, unsigned configured) {
  return build_jobs_.effective(crate, configured);
}

void SystemHostEnv::limit_build_jobs(const std::string& crate, unsigned jobs) {
  build_jobs_.limit(crate, jobs);
}

std::uint64_t SystemHostEnv::trim_memory() { return components_ ? components_->trim_memory() : 0; }

}  // namespace selfheal
