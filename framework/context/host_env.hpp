// HostEnv: everything the host's parts and its plugins reach outside their own objects, behind one
// interface (as LevelDB's Env): running programs, the clock, logging, facts about the machine,
// probing a library, the artifact store, the build environment and parallelism, trimming memory.
// SystemHostEnv (framework/host/) is the real one; tests wrap it (HostEnvWrapper) to fake a fact
// such as a full disk without touching the machine. The healer and every PluginContext call it;
// plugins see it only through sdk::Context.
// Owned by the Host and outlives every Healer and PluginContext made with it. Implementations are
// MT safe: the healer's threads, the component loader and HTTP handlers call them at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "selfheal/sdk/clock.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/process.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal {

class HostEnv {
 public:
  virtual ~HostEnv() = default;

  // Running programs, time, logging. processes(): at the host's priority (diagnoses, checks);
  // fix_processes(): what a fix starts (builds), settings.build_nice lower; the same runner
  // unless the environment lowers builds.
  virtual sdk::ProcessRunner& processes() = 0;
  virtual sdk::ProcessRunner& fix_processes() { return processes(); }
  virtual const sdk::Clock& clock() = 0;
  virtual std::shared_ptr<LogSink> log_sink() = 0;

  // Facts about the machine; nullopt when they cannot be read.
  // MemAvailable (/proc/meminfo), in bytes.
  virtual std::optional<std::uint64_t> memory_available() = 0;
  // Bytes an unprivileged writer may still use on the device holding `path` (or, when it does not
  // exist yet, its nearest existing ancestor).
  virtual std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) = 0;

  // Opens `library` in a child process and checks it; never crashes the host.
  virtual sdk::ProbeResult probe_library(const std::filesystem::path& library) = 0;

  // Where cargo and rustc are looked up (manifest's path, ~/.cargo/bin, PATH); install_rust adds
  // its toolchain's bin folder at the front, for every later build.
  virtual std::vector<std::filesystem::path> toolchain_search_path() = 0;
  virtual void add_toolchain_dir(const std::filesystem::path& dir) = 0;
  // `<rustc> --version` when it ran successfully with the toolchain as it is now (remembered:
  // sdk::Context::rustc_version); nullopt when it does not run or prints no version.
  virtual std::optional<std::string> rustc_version(const std::filesystem::path& rustc) = 0;

  // The artifact store, per crate. The accepted artifact (none before one is accepted).
  virtual std::optional<sdk::ArtifactRecord> last_artifact(const std::string& crate) = 0;
  // What a build would use now; nullopt without rustc (sdk::Context::build_fingerprint).
  virtual std::optional<std::string> build_fingerprint(const sdk::CratePaths& crate) = 0;
  // The fingerprint the store recorded for the bytes now at crate.artifact; empty when unknown.
  virtual std::string artifact_fingerprint(const sdk::CratePaths& crate) = 0;
  // Puts the stored artifact built from the current fingerprint back (local store, then fleet).
  virtual sdk::Result<sdk::ArtifactRecord> restore_cached_artifact(const sdk::CratePaths& crate) = 0;
  // After a strategy ran, before the fresh diagnosis: a build whose output equals a stored
  // artifact records what those bytes were now built from (ArtifactStore::record_rebuild).
  virtual void artifact_rebuilt(const sdk::CratePaths& crate) = 0;

  // Builds. What every build's environment gets (the build cache's RUSTC_WRAPPER, ...).
  virtual std::map<std::string, std::string> build_environment() = 0;
  // `configured` (the manifest's build_jobs; 0: cargo's default) capped by the crate's limit.
  virtual unsigned build_jobs(const std::string& crate, unsigned configured) = 0;
  // Caps the crate's later builds at `jobs` (> 0) for the life of the host.
  virtual void limit_build_jobs(const std::string& crate, unsigned jobs) = 0;

  // Gives back memory the host holds (component pools); returns the bytes freed.
  virtual std::uint64_t trim_memory() = 0;
};

}  // namespace selfheal
