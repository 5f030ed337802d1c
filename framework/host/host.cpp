#include "host/host.hpp"

#include "loader/plugin_manifest_checks.hpp"

#include "context/crate_settings.hpp"
#include "components/component_mapping.hpp"

namespace selfheal {
namespace {

// What a check would judge differently after a change: the artifact, the build inputs (as the
// build fingerprint hashes them) and the toolchain's cargo and rustc.
WatchedPaths watched_paths(const Manifest& manifest, const ToolchainSearchPath& toolchain) {
  WatchedPaths w;
  for (const auto& crate : manifest.crates) {
    const auto paths = crate_paths(crate, manifest.settings);
    w.files.push_back(paths.artifact);
    for (const char* input : {"Cargo.toml", "Cargo.lock", "build.rs"}) w.files.push_back(paths.root / input);
    w.trees.push_back(paths.root / "src");
  }
  std::error_code ec;
  for (const auto& dir : toolchain.dirs())
    if (std::filesystem::is_directory(dir, ec))
      for (const char* tool : {"cargo", "rustc"}) w.files.push_back(dir / tool);
  return w;
}

}  // namespace

LogLevel parse_log_level(const std::string& name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "warning") return LogLevel::warning;
  if (name == "error") return LogLevel::error;
  return LogLevel::info;
}

Host::Host(Manifest manifest, Options options)
    : manifest_(std::move(manifest)),
      log_sink_(options.log_sink ? options.log_sink
                                 : std::make_shared<LogSink>(
                                       parse_log_level(manifest_.settings.log_level))),
      log_(log_sink_, "host"),
      toolchain_(ToolchainSearchPath::from_environment(manifest_.settings.toolchain_path)) {
  // Builds a killed predecessor left running would race ours for target/: kill them first.
  if (!options.read_only) {
    auto groups = std::make_shared<process::GroupRegistry>(manifest_.settings.state_dir / "running-groups");
    if (int killed = groups->kill_leftovers(); killed > 0)
      log_.warning("killed " + std::to_string(killed) + " process group(s) a previous host left running");
    runner_.record_groups_in(groups);
    fix_runner_.record_groups_in(groups);
  }
  fix_runner_.lower_child_priority(manifest_.settings.build_nice);
  auto probe = options.probe_program.empty() ? PluginLoader::default_probe_program()
                                             : options.probe_program;
  // Plugins are mapped from the host's own content-addressed copies (plugin_store.hpp).
  loader_ = std::make_unique<PluginLoader>(probe, manifest_.settings.state_dir / "plugins", runner_, log_);
  plugins_ = loader_->load_all(manifest_.all_plugins());
  const ComponentKindRegistry& kinds =
      options.component_kinds ? *options.component_kinds : builtin_component_kinds();
  manifest_errors_ = check_component_mapping(manifest_, plugins_, kinds);
  // An issues: key no loaded diagnoser reports would never be diagnosed, so never fixed.
  for (auto& e : check_issue_types(manifest_, plugins_)) manifest_errors_.push_back(std::move(e));
  for (const auto& e : manifest_errors_) log_.error(e.to_string());
  for (const auto& record : plugins_) {
    if (record.status == LoadStatus::loaded)
      log_.info(std::string("loaded ") + to_string(record.spec.kind) + " " + record.spec.name);
    else
      log_.event(LogLevel::error,
                 std::string("plugin ") + record.spec.name + " " + to_string(record.status) + ": " + record.error,
                 LogFields()
                     .add("plugin", record.spec.name)
                     .add("kind", to_string(record.spec.kind))
                     .add("status", to_string(record.status))
                     .add("file", record.spec.library.string())
                     .add("reason", record.error));
  }
  // A read-only host (selfheal diagnose) writes nothing into the state folder: no remembered file.
  fingerprinter_ = std::make_unique<BuildFingerprinter>(
      runner_, toolchain_,
      options.read_only ? std::filesystem::path() : manifest_.settings.state_dir / "rustc-identity");
  build_cache_ = std::make_unique<BuildCache>(manifest_.settings.build_cache,
                                              manifest_.settings.state_dir, runner_, toolchain_,
                                              log_sink_);
  build_cache_->start_server_with(fix_runner_);  // its compiles are the builds'
  if (manifest_.fleet.enabled) fleet_ = std::make_unique<FleetCache>(manifest_.fleet, log_sink_);
  std::map<std::string, ArtifactStore*> stores;
  for (const auto& crate : manifest_.crates) {
    auto store = std::make_unique<ArtifactStore>(
        crate_paths(crate, manifest_.settings).state_dir,
        [this](const std::filesystem::path& library, bool before_load) {
          return loader_->probe_library(library, {}, !before_load);
        },
        [this](const sdk::CratePaths& paths, const std::string& artifact_rustc) {
          return fingerprinter_->of_artifact(paths, artifact_rustc);
        });
    if (fleet_)
      store->on_accepted([this, name = crate.name](const sdk::ArtifactRecord& record,
                                                   const std::string& fingerprint) {
        fleet_->publish(fingerprint, record, name);
      });
    stores[crate.name] = store.get();
    stores_[crate.name] = std::move(store);
  }
  SystemHostEnv::Parts parts;
  parts.log_sink = log_sink_;
  parts.runner = &runner_;
  parts.fix_runner = &fix_runner_;
  parts.toolchain = &toolchain_;
  parts.loader = loader_.get();
  parts.fingerprinter = fingerprinter_.get();
  parts.build_cache = build_cache_.get();
  parts.fleet = fleet_.get();
  parts.store = [this](const std::string& crate) { return store(crate); };
  system_env_ = std::make_unique<SystemHostEnv>(std::move(parts));
  if (options.wrap_env) wrapped_env_ = options.wrap_env(*system_env_);
  env_ = wrapped_env_ ? wrapped_env_.get() : system_env_.get();
  history_ = std::make_unique<HistoryStore>(
      manifest_.settings.state_dir / "history.db", 10000,
      options.read_only ? HistoryStore::Mode::read_only : HistoryStore::Mode::read_write);
  healer_ = std::make_unique<Healer>(manifest_, PluginSet::from_records(plugins_), *env_,
                                     *history_);
  healing_source_ = std::make_unique<HealingSource>(manifest_, *healer_, stores, SourceLogger(log_sink_, "store"));
  components_ = std::make_unique<ComponentLoader>(manifest_, plugins_, *healing_source_, log_sink_, kinds);
  system_env_->attach_components(components_.get());
  if (manifest_.settings.watch_debounce.count() > 0)
    watcher_ = std::make_unique<FileWatcher>(watched_paths(manifest_, toolchain_),
                                             manifest_.settings.watch_debounce,
                                             [this] {
                                               healer_->request_check();
                                               components_->request_check();
                                             },
                                             log_sink_);
}

Host::~Host() {
  if (watcher_) watcher_->stop();  // its trigger calls the healer and the component loader
  // Stop the threads before the services they use go; a fix still running calls the component
  // loader when it ends, so the healer goes first.
  if (components_) components_->stop();
  healer_.reset();
  components_.reset();
}

void Host::start() {
  daemon_mark_ = DaemonMark::hold(manifest_.settings.state_dir);
  healer_->start();
  components_->start();
  start_watching();
}

void Host::stop() {
  stop_watching();
  healer_->cancel_running();
  components_->stop();
  healer_->stop();
  daemon_mark_.reset();
}

void Host::start_watching() {
  if (watcher_) watcher_->start();
}

void Host::stop_watching() {
  if (watcher_) watcher_->stop();
}

FileWatchStats Host::file_watch() const {
  if (watcher_) return watcher_->stats();
  return FileWatchStats{};
}

ArtifactStore* Host::store(const std::string& crate) {
  auto it = stores_.find(manifest_.crate_or_default(crate));
  return it == stores_.end() ? nullptr : it->second.get();
}

}  // namespace selfheal
