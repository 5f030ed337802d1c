#include "runtime/host.hpp"

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
  history_ = std::make_unique<HistoryStore>(manifest_.settings.state_dir / "history.db");
  healer_ = std::make_unique<Healer>(manifest_, PluginSet::from_records(plugins_), services_,
                                     *history_);
}

Host::~Host() {
  healer_.reset();  // stops and joins its threads before the services go
}

}  // namespace selfheal
