// What the host gives a plugin on every call. The host keeps a Context alive for the duration of
// the call only: do not store references to it or to what it returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/cancellation.hpp"
#include "selfheal/sdk/clock.hpp"
#include "selfheal/sdk/logger.hpp"
#include "selfheal/sdk/process.hpp"
#include "selfheal/sdk/result.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::sdk {

// Where the managed crate and its host-side state live. All paths are absolute.
struct CratePaths {
  std::string name;                       // the manifest's crate name, e.g. "rust-core"
  std::string library_name;               // cargo's lib name, e.g. "selfheal_rust_core"
  std::filesystem::path root;             // folder of Cargo.toml
  std::filesystem::path manifest;         // root / "Cargo.toml"
  std::filesystem::path target_dir;       // cargo's --target-dir
  std::string profile = "release";        // cargo profile
  std::filesystem::path artifact;         // the .so cargo produces, inside target_dir
  std::filesystem::path state_dir;        // the host's state for this crate (store, history, lock)
  std::filesystem::path build_log;        // <state_dir>/build.log, appended by every build
  std::uint32_t expected_abi_version = 0;  // what the component adapters expect
};

// What the host's artifact store recorded when it accepted the crate's last artifact: the
// probed, content-addressed copy that components load (README "Components").
struct ArtifactRecord {
  std::string sha256;
  std::filesystem::path path;  // the content-addressed copy the host loads
  std::uint32_t abi_version = 0;
  std::string crate_version;
  std::string rustc_version;
  std::chrono::system_clock::time_point built_at;
};

// The outcome of opening a shared library in a throw-away child process.
struct ProbeResult {
  bool ok = false;
  bool crashed = false;  // the child died of a signal (e.g. SIGBUS on a truncated ELF)
  int signal = 0;
  std::string error;     // dlopen's message, a missing symbol, ...
  // For Rust artifacts: what selfheal_abi_version() and selfheal_build_info() returned, when the
  // library exports them ("key=value" lines for build_info).
  std::optional<std::uint32_t> abi_version;
  std::string build_info;
};

struct Settings {
  std::chrono::seconds check_interval{300};
  std::uint32_t max_retries = 3;
  std::chrono::seconds build_timeout{600};
  std::uint64_t min_free_memory_bytes = 0;  // out_of_memory below this
  std::uint64_t min_free_disk_bytes = 0;    // disk_full below this
  unsigned build_jobs = 0;                  // cargo -j; 0: cargo's default
};

class Context {
 public:
  virtual ~Context() = default;

  virtual const CratePaths& crate() const = 0;
  virtual const Settings& settings() const = 0;
  // This plugin's `config:` block from the manifest (a map; null when absent).
  virtual const Value& config() const = 0;
  virtual Logger& logger() const = 0;
  virtual ProcessRunner& processes() const = 0;
  virtual const Clock& clock() const = 0;
  virtual const CancellationToken& cancellation() const = 0;

  // Where cargo and rustc are looked up: the manifest's toolchain path, then ~/.cargo/bin, then
  // the host's PATH. A strategy that installs a toolchain adds its bin folder with
  // add_toolchain_dir(); the next build sees it.
  virtual std::vector<std::filesystem::path> toolchain_search_path() const = 0;
  virtual void add_toolchain_dir(const std::filesystem::path& dir) const = 0;

  // Progress for operators (the running fix's last lines). Cheap; call it per output line.
  virtual void report_progress(std::string_view line) const = 0;

  // The artifact record of the last accepted artifact, if any.
  virtual std::optional<ArtifactRecord> last_artifact() const = 0;
  // Opens `library` in a child process and checks it; never crashes the host.
  virtual ProbeResult probe_library(const std::filesystem::path& library) const = 0;
  // Asks the host to give back memory it holds (component pools, caches); returns bytes freed.
  virtual std::uint64_t trim_host_memory() const = 0;

  // Since SDK 1.1 (the defaults keep older Context implementations compiling).
  // The fingerprint of what a build of the crate would use now: its sources and Cargo.lock, the
  // rustc version and target, the profile. Empty when it cannot be computed (no rustc).
  virtual std::string build_fingerprint() const { return {}; }
  // The fingerprint the store recorded for the bytes now at crate().artifact; empty when the
  // store has not seen them (or the artifact is missing or unreadable).
  virtual std::string artifact_fingerprint() const { return {}; }
  // Puts the stored artifact built from build_fingerprint() back at crate().artifact, its
  // checksum verified before and after the copy; no cargo runs. Errc::not_found when the store
  // holds no artifact with the current fingerprint.
  virtual Result<ArtifactRecord> restore_cached_artifact() const {
    return Status::error(Errc::not_found, "this host has no artifact cache");
  }
  // Environment the host adds to every build (the build cache: RUSTC_WRAPPER=<sccache>,
  // SCCACHE_DIR, SCCACHE_SERVER_PORT, ...); empty when it adds nothing. A build strategy merges it
  // into cargo's environment under its own `env:` config.
  virtual std::map<std::string, std::string> build_environment() const { return {}; }

  // Since SDK 1.2. Parallelism for the crate's builds (cargo -j): the manifest's
  // settings.build_jobs, lowered by limit_build_jobs(); 0: cargo's default.
  virtual unsigned build_jobs() const { return settings().build_jobs; }
  // Caps the crate's later builds at `jobs` (> 0) for the life of the host (free_memory after an
  // out-of-memory build). A cap never raises parallelism above the manifest's setting.
  virtual void limit_build_jobs(unsigned /*jobs*/) const {}

  // Since SDK 1.3. Facts about the machine, asked of the host rather than read from /proc or
  // statvfs by the plugin, so that a test (the testing kit's FakeContext, the host's test Env)
  // can state them. nullopt: the host cannot tell.
  // Memory the kernel can hand out without swapping (MemAvailable), in bytes.
  virtual std::optional<std::uint64_t> memory_available() const { return std::nullopt; }
  // Bytes an unprivileged writer may still use on the device holding `path` (or its nearest
  // existing ancestor: a target folder may not exist yet).
  virtual std::optional<std::uint64_t> free_bytes(const std::filesystem::path& /*path*/) const {
    return std::nullopt;
  }

  // Since SDK 1.4. What `<rustc> --version` prints (its first line), for the rustc at `rustc`
  // (found on toolchain_search_path()), when the host has seen that rustc run successfully with
  // the toolchain as it is now: a rustup proxy costs tens of milliseconds per run, and a
  // recovery asks several times. nullopt: run it yourself (the host does not know, or the run
  // failed: failures are never remembered, so the plugin sees them first-hand).
  virtual std::optional<std::string> rustc_version(const std::filesystem::path& /*rustc*/) const {
    return std::nullopt;
  }
};

}  // namespace selfheal::sdk
