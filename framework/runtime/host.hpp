// The assembled host: logging, process runner, plugin loader and loaded plugins, history,
// healer, artifact stores and component loader for one manifest. The CLI and the HTTP server both work through a Host.
// Not copyable; MT safe as far as its parts are (the healer and the history are).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "components/artifact_store.hpp"
#include "components/component_loader.hpp"
#include "core/log.hpp"
#include "core/system_clock.hpp"
#include "healer/healer.hpp"
#include "healer/history_store.hpp"
#include "host/build_fingerprint.hpp"
#include "host/host_services.hpp"
#include "host/toolchain_search_path.hpp"
#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"
#include "process/process_runner.hpp"

namespace selfheal {

class Host {
 public:
  struct Options {
    std::shared_ptr<LogSink> log_sink;       // default: stderr at the manifest's log level
    std::filesystem::path probe_program;     // default: selfheal-probe beside the executable
  };

  // Loads every plugin (failures are recorded, not fatal) and opens the history.
  // Throws std::runtime_error when the history database cannot be opened.
  Host(Manifest manifest, Options options);
  ~Host();

  const Manifest& manifest() const { return manifest_; }
  const std::vector<PluginRecord>& plugins() const { return plugins_; }
  Healer& healer() { return *healer_; }
  ComponentLoader& components() { return *components_; }
  ArtifactStore* store(const std::string& crate);
  HistoryStore& history() { return *history_; }
  PluginLoader& loader() { return *loader_; }
  const std::shared_ptr<LogSink>& log_sink() const { return log_sink_; }
  SourceLogger& log() { return log_; }

 private:
  Manifest manifest_;
  std::shared_ptr<LogSink> log_sink_;
  SourceLogger log_;
  SystemClock clock_;
  PosixProcessRunner runner_;
  ToolchainSearchPath toolchain_;
  std::unique_ptr<BuildFingerprinter> fingerprinter_;
  std::unique_ptr<PluginLoader> loader_;
  std::vector<PluginRecord> plugins_;
  HostServices services_;
  std::unique_ptr<HistoryStore> history_;
  std::unique_ptr<Healer> healer_;
  std::map<std::string, std::unique_ptr<ArtifactStore>> stores_;
  std::unique_ptr<ComponentLoader> components_;
};

LogLevel parse_log_level(const std::string& name);

}  // namespace selfheal
