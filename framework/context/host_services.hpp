// What the host lends every plugin call: the shared services behind sdk::Context. Owned by the
// Host; outlives every PluginContext made from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/log.hpp"
#include "context/build_jobs_limits.hpp"
#include "context/toolchain_search_path.hpp"
#include "selfheal/sdk/clock.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal {

struct HostServices {
  std::shared_ptr<LogSink> log_sink;
  sdk::ProcessRunner* runner = nullptr;
  const sdk::Clock* clock = nullptr;
  ToolchainSearchPath* toolchain = nullptr;
  std::function<sdk::ProbeResult(const std::filesystem::path&)> probe_library;
  // The artifact store's record of the crate's accepted artifact (none before one is accepted).
  std::function<std::optional<sdk::ArtifactRecord>(const std::string& crate)> last_artifact;
  std::function<std::uint64_t()> trim_memory;
  // What a build would use now (sdk::Context::build_fingerprint) and the restore of the stored
  // artifact built from it (sdk::Context::restore_cached_artifact).
  std::function<std::optional<std::string>(const sdk::CratePaths&)> build_fingerprint;
  std::function<std::string(const sdk::CratePaths&)> artifact_fingerprint;
  std::function<sdk::Result<sdk::ArtifactRecord>(const sdk::CratePaths&)> restore_cached_artifact;
  // After a strategy ran, before the fresh diagnosis: a build whose output equals a stored
  // artifact records what those bytes were now built from (ArtifactStore::record_rebuild).
  std::function<void(const sdk::CratePaths&)> artifact_rebuilt;
  // What every build's environment gets (sdk::Context::build_environment): the build cache's.
  std::function<std::map<std::string, std::string>()> build_environment;
  // Caps on build parallelism (sdk::Context::build_jobs / limit_build_jobs); null: none kept.
  BuildJobsLimits* build_jobs = nullptr;
};

}  // namespace selfheal
