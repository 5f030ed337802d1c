// What a Runtime holds (runtime.hpp): in heal mode a started Host; in follow mode the component
// plugins, a FollowSource and a ComponentLoader of its own. Either way the handles point into one
// ComponentLoader that lives as long as the Runtime.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "api/service.hpp"
#include "components/component_loader.hpp"
#include "follow_source.hpp"
#include "host/host.hpp"
#include "process/process_runner.hpp"
#include "selfheal/runtime.hpp"

namespace selfheal {

struct Runtime::Impl {
  Mode mode = Mode::follow;
  Manifest manifest;
  std::shared_ptr<LogSink> sink;
  std::unique_ptr<SourceLogger> log;

  // heal
  std::shared_ptr<Host> host;
  std::unique_ptr<http::Service> http;
  std::mutex http_mutex;

  // follow (declaration order is destruction order, reversed: the loader stops first)
  std::filesystem::path private_plugin_store;  // this process's copies of the plugins
  std::unique_ptr<PosixProcessRunner> runner;
  std::unique_ptr<PluginLoader> plugin_loader;
  std::vector<PluginRecord> plugins;
  std::unique_ptr<FollowSource> follow;
  std::unique_ptr<ComponentLoader> own_loader;

  ComponentLoader* components = nullptr;  // host->components() or own_loader

  // The application's change callbacks. Shared with the loader's listener, which must not hold
  // the Runtime: the last reference dropped on the loader's thread would join that thread.
  struct Listeners {
    std::mutex mutex;
    std::map<std::uint64_t, std::function<void(const Change&)>> callbacks;
    std::uint64_t next = 1;
  };
  std::shared_ptr<Listeners> listeners = std::make_shared<Listeners>();

  ~Impl();
};

// selfheal-probe for this library: beside the installed `selfheal` (the library's relative
// path to the bin folder is fixed at build time), or $SELFHEAL_PROBE.
std::filesystem::path runtime_probe_program();

}  // namespace selfheal
