// The manifest (config/plugins.yaml) as validated data. Produced only by load_manifest(), which
// either returns a complete, valid Manifest or the full list of errors: nothing half-applied.
// The schema is documented in config/README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/plugin.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal {

struct SourceLocation {
  std::filesystem::path file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct HttpSettings {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8787;
  std::string bearer_token;  // empty: mutating endpoints are open (loopback only)
};

// The compiler cache the build strategies run rustc through (sccache as RUSTC_WRAPPER).
struct BuildCacheSettings {
  bool enabled = true;         // `auto`: used when an sccache executable is found; `off`: never
  std::filesystem::path dir;   // absolute; default <state_dir>/sccache
};

struct ManifestSettings {
  std::chrono::seconds check_interval{300};  // RUST_CHECK_INTERVAL
  // false: periodic checks diagnose and report but only an operator's fix request repairs.
  bool auto_fix = true;
  // Quiet period after a file event (artifact, crate sources, toolchain) before the check it
  // triggers; 0: no file watching, periodic and requested checks only.
  std::chrono::milliseconds watch_debounce{300};
  std::uint32_t max_retries = 3;             // RUST_MAX_RETRIES
  std::chrono::seconds build_timeout{600};   // RUST_BUILD_TIMEOUT
  std::chrono::milliseconds backoff_base{2000};
  std::chrono::milliseconds backoff_cap{300000};
  std::chrono::seconds retry_reset_after{600};  // healthy this long: retry counts reset
  std::filesystem::path state_dir;              // absolute
  std::filesystem::path plugin_dir;             // absolute; where relative `library:` paths start
  std::string log_level = "info";               // debug | info | warning | error
  std::string log_format = "text";              // text (key=value fields) | json (one object a line)
  std::uint64_t min_free_memory_bytes = 256ull << 20;
  std::uint64_t min_free_disk_bytes = 512ull << 20;
  unsigned build_jobs = 0;                           // 0: cargo's default
  // Nice levels below the host for the processes fixes start (cargo, rustc, rustup, sccache), so
  // a build never slows the HTTP API or the applications down; 0: the host's priority.
  int build_nice = 10;
  std::vector<std::filesystem::path> toolchain_path;  // searched before ~/.cargo/bin and PATH
  HttpSettings http;
  BuildCacheSettings build_cache;
};

// The optional `fleet:` section: hosts that run the same crates share built artifacts through a
// Redis server, keyed by build fingerprint. Off when the section is absent.
struct FleetSettings {
  bool enabled = false;
  std::string redis_host = "127.0.0.1";
  std::uint16_t redis_port = 6379;
  std::string key_prefix = "selfheal";        // keys are <prefix>:artifact:<fingerprint>
  std::chrono::milliseconds timeout{2000};    // connect and per-command timeout
  std::string password;                       // from password_env; empty: no AUTH
  bool publish = true;                        // offer this host's builds to the fleet
  bool fetch = true;                          // restore from the fleet's builds
  // Ed25519 keys, as files (never in the manifest). Publishing signs with signing_key (none: this
  // host publishes nothing); fetching accepts only entries signed by a trusted key (none: nothing
  // is fetched). Folders named in trusted_keys are expanded to their *.pub files, sorted.
  std::filesystem::path signing_key;                 // absolute; empty: not set
  std::vector<std::filesystem::path> trusted_keys;  // absolute files
};

struct CrateSpec {
  std::string name;                    // e.g. "rust-core"
  std::filesystem::path path;          // absolute folder of Cargo.toml
  std::string library_name;            // cargo's [lib] name, e.g. "selfheal_rust_core"
  std::string profile = "release";
  std::filesystem::path target_dir;    // absolute; default <path>/target
  std::uint32_t abi_version = 1;       // what the component adapters expect
  SourceLocation where;
};

struct PluginSpec {
  sdk::PluginKind kind = sdk::PluginKind::strategy;
  std::string name;                 // must equal the descriptor's name
  std::filesystem::path library;    // absolute
  sdk::Value config;                // the plugin's `config:` block (map or null)
  SourceLocation where;
  SourceLocation name_where;        // the `name:` value, for errors only the plugin reveals
  std::string name_key;             // its dotted key, e.g. "plugins.diagnosers[2].name"
  // Diagnosers only: lower runs first; entries of equal priority keep the manifest's order.
  std::int64_t priority = 0;
};

struct ComponentSpec {
  std::string name;                                   // e.g. "bloom_filter"
  std::map<std::string, std::string> implementations; // "rust"/"cpp" -> component plugin name
  std::map<std::string, SourceLocation> implementation_where;  // each entry's plugin name
  std::string prefer = "auto";                         // auto | an implementation name
  std::string crate;                                   // crate whose artifact rust impls bind to
  sdk::Value config;
  SourceLocation where;
};

struct Manifest {
  std::filesystem::path file;  // absolute
  ManifestSettings settings;
  FleetSettings fleet;
  std::vector<CrateSpec> crates;
  // The order diagnoses run: by `priority` (lower first), ties in manifest order.
  std::vector<PluginSpec> diagnosers;
  std::vector<PluginSpec> strategies;
  std::vector<PluginSpec> component_plugins;
  std::vector<ComponentSpec> components;
  std::map<std::string, std::vector<std::string>> issue_strategies;  // issue -> strategy chain
  std::map<std::string, SourceLocation> issue_where;  // each issues: key's position

  // All plugins of every kind, diagnosers first.
  std::vector<const PluginSpec*> all_plugins() const;
  // The crate a request that names none means: the first crate in the manifest (the one rule
  // the healer, the stores and the HTTP API share). Null when there is none.
  const CrateSpec* default_crate() const { return crates.empty() ? nullptr : &crates.front(); }
  // `name`, or the default crate's name when it is empty (still empty without crates).
  std::string crate_or_default(const std::string& name) const {
    if (!name.empty() || crates.empty()) return name;
    return crates.front().name;
  }
};

struct ManifestError {
  SourceLocation where;
  std::string key;      // dotted path of the offending key, e.g. "settings.http.port"
  std::string message;
  std::string to_string() const;  // "file:line:column: key: message"
};

// Reads the environment (RUST_CHECK_INTERVAL, RUST_MAX_RETRIES, RUST_BUILD_TIMEOUT). Injected so
// tests need not touch the process environment.
using EnvironmentLookup = std::optional<std::string> (*)(const char* name);
std::optional<std::string> process_environment(const char* name);

struct ManifestLoad {
  std::optional<Manifest> manifest;  // set exactly when errors is empty
  std::vector<ManifestError> errors;
};

// The largest manifest read: a bigger one is refused before it is parsed (a real one is a few
// KiB; parsing costs ~30x the text in memory). Like nginx's and sshd's fixed config limits.
inline constexpr std::uint64_t kMaxManifestBytes = 1024 * 1024;

struct ManifestReadOptions {
  // false: a plugin's `library:` file need not exist (`selfheal check --no-load`: a manifest
  // checked on a machine without the built plugins). Whoever loads plugins keeps it true.
  bool require_libraries = true;
};

ManifestLoad load_manifest(const std::filesystem::path& file,
                           EnvironmentLookup env = &process_environment,
                           ManifestReadOptions options = {});
// Same, from text; `file` names the source in messages and anchors relative paths.
ManifestLoad parse_manifest(const std::string& text, const std::filesystem::path& file,
                            EnvironmentLookup env = &process_environment,
                            ManifestReadOptions options = {});

const char* to_string(sdk::PluginKind kind);

}  // namespace selfheal
