#include <stdlib.h>

#include <sstream>

#include "components/component_mapping.hpp"
#include "core/log.hpp"
#include "runtime_impl.hpp"

namespace selfheal {
namespace {

std::string errors_text(const std::vector<ManifestError>& errors) {
  std::string text;
  for (const auto& e : errors) text += (text.empty() ? "" : "\n") + e.to_string();
  return text;
}

std::shared_ptr<LogSink> make_sink(const OpenOptions& o, const Manifest& m) {
  LogSink::Writer writer;
  if (o.log) writer = [log = o.log](std::string_view line) { log(line); };
  return std::make_shared<LogSink>(parse_log_level(m.settings.log_level), std::move(writer));
}

// A private folder for this process's plugin copies: a follower never writes the state folder.
std::filesystem::path make_private_store() {
  const auto base = std::filesystem::temp_directory_path() / "selfheal-runtime-XXXXXX";
  std::string pattern = base.string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Error("cannot create a private folder for the plugins under " +
                base.parent_path().string() + ": " + std::strerror(errno));
  return pattern;
}

void open_heal(Runtime::Impl& impl) {
  Host::Options o;
  o.log_sink = impl.sink;
  o.probe_program = runtime_probe_program();
  try {
    impl.host = std::make_shared<Host>(impl.manifest, o);
  } catch (const std::exception& e) {
    throw Error(std::string("cannot start the healer: ") + e.what());
  }
  if (!impl.host->manifest_errors().empty())
    throw Error(errors_text(impl.host->manifest_errors()), Error::Kind::manifest);
  impl.components = &impl.host->components();
  impl.host->start();
}

void open_follow(Runtime::Impl& impl) {
  impl.private_plugin_store = make_private_store();
  impl.runner = std::make_unique<PosixProcessRunner>();
  impl.plugin_loader = std::make_unique<PluginLoader>(runtime_probe_program(),
                                                      impl.private_plugin_store, *impl.runner, *impl.log);
  std::vector<const PluginSpec*> specs;  // only the components: the daemon diagnoses and fixes
  for (const auto& spec : impl.manifest.component_plugins) specs.push_back(&spec);
  impl.plugins = impl.plugin_loader->load_all(specs);
  for (const auto& r : impl.plugins)
    if (r.status != LoadStatus::loaded)
      impl.log->error("plugin " + r.spec.name + " " + to_string(r.status) + ": " + r.error);
  if (auto errors = check_component_mapping(impl.manifest, impl.plugins); !errors.empty())
    throw Error(errors_text(errors), Error::Kind::manifest);
  auto* loader = impl.plugin_loader.get();
  impl.follow = std::make_unique<FollowSource>(
      impl.manifest,
      [loader](const std::filesystem::path& library, bool before_load) {
        return loader->probe_library(library, {}, !before_load);
      },
      impl.sink);
  impl.own_loader = std::make_unique<ComponentLoader>(impl.manifest, impl.plugins, *impl.follow, impl.sink);
  impl.components = impl.own_loader.get();
  impl.own_loader->check();  // on Rust at once when the daemon's store has it
  impl.own_loader->start();
}

}  // namespace

Runtime::Impl::~Impl() {
  if (http) http->stop();
  if (host) host->stop();
  if (own_loader) own_loader->stop();
  follow.reset();  // its watcher calls the loader
  own_loader.reset();
  std::error_code ec;
  if (!private_plugin_store.empty()) {
    // Mapped copies stay mapped after their files go; read-only folders need write permission back.
    for (auto& e : std::filesystem::recursive_directory_iterator(private_plugin_store, ec))
      if (e.is_directory(ec)) std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(private_plugin_store, ec);
  }
}

Runtime::Runtime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runtime::~Runtime() = default;

std::shared_ptr<Runtime> Runtime::open(const OpenOptions& options) {
  if (options.compiled_major != kRuntimeVersionMajor)
    throw Error("this application was compiled against selfheal runtime " +
                std::to_string(options.compiled_major) + ".x; this libselfheal is " +
                std::to_string(kRuntimeVersionMajor) + "." + std::to_string(kRuntimeVersionMinor));
  auto load = load_manifest(options.manifest);
  if (!load.manifest) throw Error(errors_text(load.errors), Error::Kind::manifest);
  auto impl = std::make_unique<Impl>();
  impl->mode = options.mode;
  impl->manifest = std::move(*load.manifest);
  impl->sink = make_sink(options, impl->manifest);
  impl->log = std::make_unique<SourceLogger>(impl->sink, "runtime");
  if (options.mode == Mode::heal) open_heal(*impl);
  else open_follow(*impl);
  std::shared_ptr<Runtime> rt(new Runtime(std::move(impl)));
  rt->impl_->components->on_change([listeners = rt->impl_->listeners](const ComponentChange& c) {
    std::vector<std::function<void(const Change&)>> callbacks;
    {
      std::lock_guard lock(listeners->mutex);
      for (const auto& [id, f] : listeners->callbacks) callbacks.push_back(f);
    }
    const Change change{c.component, c.change};
    for (const auto& f : callbacks) {
      try {
        f(change);
      } catch (...) {  // an application's callback must not end the loader's thread
      }
    }
  });
  return rt;
}

Mode Runtime::mode() const { return impl_->mode; }
const std::filesystem::path& Runtime::manifest() const { return impl_->manifest.file; }

std::uint64_t Runtime::on_change(std::function<void(const Change&)> callback) {
  auto& l = *impl_->listeners;
  std::lock_guard lock(l.mutex);
  const auto id = l.next++;
  l.callbacks[id] = std::move(callback);
  return id;
}

Status Runtime::status() const {
  Status s;
  s.mode = impl_->mode;
  if (impl_->mode == Mode::heal) {
    s.daemon_running = true;
    s.daemon_pid = static_cast<long>(::getpid());
  } else if (auto pid = impl_->follow->daemon()) {
    s.daemon_running = true;
    s.daemon_pid = *pid;
  }
  const auto loader = impl_->components->status();
  for (const auto& c : loader.components) {
    ComponentInfo cs;
    cs.name = c.name;
    cs.active = c.active;
    cs.switches = c.switches;
    cs.longest_pause = c.longest_pause;
    for (const auto& i : c.implementations) {
      cs.implementations.push_back(ImplementationInfo{i.name, i.available, i.performance_score, i.error_count, i.breaker, i.error});
      if (i.name == "rust" && !i.available && s.reason.empty()) s.reason = i.error;
    }
    s.components.push_back(std::move(cs));
  }
  if (impl_->mode == Mode::follow && !s.daemon_running)
    s.reason = "no `selfheal serve` daemon serves the state folder " +
               impl_->manifest.settings.state_dir.string() + (s.reason.empty() ? "" : " (" + s.reason + ")");
  return s;
}

std::string Runtime::serve_http(const std::string& listen) {
  if (impl_->mode != Mode::heal)
    throw Error("serve_http: a following runtime does not serve the API: the daemon does");
  std::lock_guard lock(impl_->http_mutex);
  if (impl_->http) throw Error("serve_http: already serving");
  const auto colon = listen.rfind(':');
  http::ServeOptions o;
  o.embedded_host = impl_->host;
  if (colon != std::string::npos) {
    o.listen_address = listen.substr(0, colon);
    try {
      const int port = std::stoi(listen.substr(colon + 1));
      if (port < 0 || port > 65535) throw std::out_of_range("port");
      o.listen_port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
      throw Error("serve_http: bad address " + listen + " (want HOST:PORT)");
    }
  } else if (!listen.empty()) {
    throw Error("serve_http: bad address " + listen + " (want HOST:PORT)");
  }
  auto service = std::make_unique<http::Service>(std::move(o));
  if (auto error = service->start(impl_->manifest); !error.empty()) throw Error("serve_http: " + error);
  const auto ep = service->endpoint();
  impl_->http = std::move(service);
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void Runtime::call_failed(const std::string& component, const std::string& what) const {
  impl_->components->record_call_error(component);
  throw Error(component + ": " + what, Error::Kind::component);
}

}  // namespace selfheal
