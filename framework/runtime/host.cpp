#include "runtime/host.hpp"

#include "core/sha256.hpp"
#include "host/crate_settings.hpp"

namespace selfheal {

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
  auto groups = std::make_shared<process::GroupRegistry>(manifest_.settings.state_dir / "running-groups");
  if (int killed = groups->kill_leftovers(); killed > 0)
    log_.warning("killed " + std::to_string(killed) + " process group(s) a previous host left running");
  runner_.record_groups_in(groups);
  auto probe = options.probe_program.empty() ? PluginLoader::default_probe_program()
                                             : options.probe_program;
  loader_ = std::make_unique<PluginLoader>(probe, runner_, log_);
  plugins_ = loader_->load_all(manifest_.all_plugins());
  for (const auto& record : plugins_) {
    if (record.status == LoadStatus::loaded)
      log_.info(std::string("loaded ") + to_string(record.spec.kind) + " " + record.spec.name);
    else
      log_.error(std::string("plugin ") + record.spec.name + " " + to_string(record.status) +
                 ": " + record.error);
  }
  services_.log_sink = log_sink_;
  services_.runner = &runner_;
  services_.clock = &clock_;
  services_.toolchain = &toolchain_;
  services_.probe_library = [this](const std::filesystem::path& library) {
    return loader_->probe_library(library);
  };
  fingerprinter_ = std::make_unique<BuildFingerprinter>(runner_, toolchain_);
  std::map<std::string, ArtifactStore*> stores;
  for (const auto& crate : manifest_.crates) {
    auto store = std::make_unique<ArtifactStore>(
        crate_paths(crate, manifest_.settings).state_dir,
        [this](const std::filesystem::path& library) { return loader_->probe_library(library); },
        [this](const sdk::CratePaths& paths, const std::string& artifact_rustc) {
          return fingerprinter_->of_artifact(paths, artifact_rustc);
        });
    stores[crate.name] = store.get();
    stores_[crate.name] = std::move(store);
  }
  services_.last_artifact = [this](const std::string& crate) -> std::optional<sdk::ArtifactRecord> {
    auto* s = store(crate);
    return s ? s->current() : std::nullopt;
  };
  services_.build_fingerprint = [this](const sdk::CratePaths& paths) {
    return fingerprinter_->current(paths);
  };
  services_.artifact_fingerprint = [this](const sdk::CratePaths& paths) -> std::string {
    auto* s = store(paths.name);
    auto sha = s ? sha256_file(paths.artifact) : std::nullopt;
    return sha ? s->fingerprint_of(*sha) : std::string();
  };
  services_.restore_cached_artifact =
      [this](const sdk::CratePaths& paths) -> sdk::Result<sdk::ArtifactRecord> {
    auto* s = store(paths.name);
    if (!s) return sdk::Status::error(sdk::Errc::not_found, "no artifact store for " + paths.name);
    auto fingerprint = fingerprinter_->current(paths);
    if (!fingerprint)
      return sdk::Status::error(sdk::Errc::not_found,
                                "no build fingerprint (is rustc on the toolchain path?)");
    return s->restore(*fingerprint, paths.artifact);
  };
  services_.trim_memory = [this]() -> std::uint64_t {
    return components_ ? components_->trim_memory() : 0;
  };
  history_ = std::make_unique<HistoryStore>(manifest_.settings.state_dir / "history.db");
  healer_ = std::make_unique<Healer>(manifest_, PluginSet::from_records(plugins_), services_,
                                     *history_);
  components_ = std::make_unique<ComponentLoader>(manifest_, plugins_, *healer_, stores, log_sink_);
}

Host::~Host() {
  // Stop the threads before the services they use go.
  // Stop the threads before the services they use go; a fix still running calls the component
  // loader when it ends, so the healer goes first.
  if (components_) components_->stop();
  healer_.reset();
  components_.reset();
}

ArtifactStore* Host::store(const std::string& crate) {
  auto it = stores_.find(crate.empty() && !stores_.empty() ? stores_.begin()->first : crate);
  return it == stores_.end() ? nullptr : it->second.get();
}

}  // namespace selfheal
