// The assembled host: logging, process runner, plugin loader and loaded plugins, history,
// healer, artifact stores and component loader for one manifest. The CLI and the HTTP server both work through a Host.
// Not copyable; MT safe as far as its parts are (the healer and the history are).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "artifacts/artifact_store.hpp"
#include "components/component_loader.hpp"
#include "components/healing_source.hpp"
#include "components/file_watcher.hpp"
#include "core/log.hpp"
#include "artifacts/fleet/fleet_cache.hpp"
#include "healer/healer.hpp"
#include "healer/history_store.hpp"
#include "artifacts/build_cache.hpp"
#include "artifacts/build_fingerprint.hpp"
#include "host/daemon_mark.hpp"
#include "host/system_host_env.hpp"
#include "context/host_env.hpp"
#include "context/toolchain_search_path.hpp"
#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"
#include "process/process_runner.hpp"

namespace selfheal {

class Host {
 public:
  struct Options {
    std::shared_ptr<LogSink> log_sink;       // default: stderr at the manifest's log level
    std::filesystem::path probe_program;     // default: selfheal-probe beside the executable
    // For commands that only look (diagnose): the history is opened read-only, so a read-only
    // state folder is no error, and leftovers of a previous host are left to the next serve.
    bool read_only = false;
    // The component kinds this host serves; null: the built-in ones (builtin_component_kinds()).
    std::shared_ptr<const ComponentKindRegistry> component_kinds;
    // Wraps the host's real Env before any part uses it (a HostEnvWrapper that fakes a fact such
    // as a full disk, for tests); null: the real one.
    std::function<std::unique_ptr<HostEnv>(HostEnv& system)> wrap_env;
  };

  // Loads every plugin (failures are recorded, not fatal) and opens the history.
  // Throws std::runtime_error when the history database cannot be opened.
  Host(Manifest manifest, Options options);
  ~Host();

  const Manifest& manifest() const { return manifest_; }
  const std::vector<PluginRecord>& plugins() const { return plugins_; }
  // Manifest errors only the loaded plugins could reveal (a component implementation whose
  // plugin creates another component; an issues: key no loaded diagnoser reports). A serving host refuses to start or reload with any.
  const std::vector<ManifestError>& manifest_errors() const { return manifest_errors_; }
  Healer& healer() { return *healer_; }
  ComponentLoader& components() { return *components_; }
  ArtifactStore* store(const std::string& crate);
  BuildCache& build_cache() { return *build_cache_; }  // sccache for the builds (may be off)
  FleetCache* fleet() { return fleet_.get(); }  // null unless the manifest has a fleet section
  HistoryStore& history() { return *history_; }
  HostEnv& env() { return *env_; }  // what the healer and every plugin call reach
  PluginLoader& loader() { return *loader_; }
  const std::shared_ptr<LogSink>& log_sink() const { return log_sink_; }
  // The serving life of this host: start() runs the healer's loop, the component loader's loop
  // and file watching; stop() ends watching, cancels the running fix (killing its build's process
  // group), then stops the component loader before the healer, whose finishing fix calls it.
  // While started, the host holds the state folder's daemon mark (daemon_mark.hpp).
  // The CLI's one-shot commands never start a host. Call from one thread.
  void start();
  void stop();
  // Watches each crate's artifact, Cargo.toml, Cargo.lock, build.rs and src/, and cargo and rustc
  // in the toolchain's folders; a change asks the healer and the component loader for one check.
  // The serving host runs it beside their loops; off when settings.watch_debounce_ms is 0.
  void start_watching();
  void stop_watching();
  FileWatchStats file_watch() const;
  SourceLogger& log() { return log_; }

 private:
  Manifest manifest_;
  std::shared_ptr<LogSink> log_sink_;
  SourceLogger log_;
  PosixProcessRunner runner_;      // diagnoses and the host's own checks (probes, the toolchain)
  PosixProcessRunner fix_runner_;  // what fixes start (builds, sccache's server): build_nice lower
  ToolchainSearchPath toolchain_;
  std::unique_ptr<BuildFingerprinter> fingerprinter_;
  std::unique_ptr<BuildCache> build_cache_;  // outlives the healer, whose builds use its server
  std::unique_ptr<PluginLoader> loader_;
  std::vector<PluginRecord> plugins_;
  std::vector<ManifestError> manifest_errors_;
  std::unique_ptr<SystemHostEnv> system_env_;
  std::unique_ptr<HostEnv> wrapped_env_;  // Options::wrap_env's, around system_env_
  HostEnv* env_ = nullptr;                // wrapped_env_ or system_env_
  std::unique_ptr<HistoryStore> history_;
  std::unique_ptr<Healer> healer_;
  std::unique_ptr<FleetCache> fleet_;  // before stores_: their accept hooks publish through it
  std::map<std::string, std::unique_ptr<ArtifactStore>> stores_;
  std::unique_ptr<HealingSource> healing_source_;  // the component loader's artifacts
  std::unique_ptr<ComponentLoader> components_;
  std::unique_ptr<FileWatcher> watcher_;  // null when watching is off; calls healer_ and components_
  std::shared_ptr<DaemonMark> daemon_mark_;  // held while serving: following applications look for it
};

LogLevel parse_log_level(const std::string& name);

}  // namespace selfheal
