// The dynamic component loader: keeps every component of the manifest served, C++ from the
// first moment, Rust when its artifact source offers an artifact (artifact_source.hpp: the
// healer's verdict and the store in a healing host, the daemon's store in a following runtime),
// and switches between them with the state migrated. MT safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "components/artifact_source.hpp"
#include "components/component_kind_registry.hpp"
#include "components/kinds/bloom_filter_kind.hpp"
#include "components/kinds/memory_pool_kind.hpp"
#include "components/kinds/sliding_window_kind.hpp"
#include "components/managed_component.hpp"
#include "core/log.hpp"
#include "core/periodic_worker.hpp"
#include "loader/plugin_loader.hpp"

namespace selfheal {

struct ComponentChange {
  std::string component;
  std::string change;  // "upgraded_to_rust", "fell_back_to_cpp", or "switched_to_<impl>"
};

struct ImplementationStatus {
  std::string name;
  bool available = false;
  double performance_score = 0.0;
  std::uint64_t error_count = 0;
  std::string breaker;
  std::string error;
};

struct ComponentStatus {
  std::string name;
  std::string active;
  std::vector<ImplementationStatus> implementations;
  std::string choice;  // what the loader's rule picks among the usable ones now ("": none)
  std::optional<std::chrono::system_clock::time_point> last_switch;
  std::uint64_t switches = 0;
  std::chrono::nanoseconds longest_pause{0};
};

struct LoaderStatus {
  bool running = false;
  bool idle = true;  // the loop's thread neither runs a check nor has one requested
  std::chrono::seconds check_interval{0};
  std::vector<ComponentStatus> components;
};

class ComponentLoader {
 public:
  using ChangeListener = std::function<void(const ComponentChange&)>;

  // `records` are the loader's results (component plugins are taken from them). The source
  // must outlive this object. Each manifest component is served by the kind of its name
  // in `kinds` (copied: the loader shares the kinds); without one, none of its implementations.
  ComponentLoader(const Manifest& manifest, const std::vector<PluginRecord>& records,
                  ArtifactSource& source, std::shared_ptr<LogSink> log,
                  const ComponentKindRegistry& kinds = builtin_component_kinds());
  ~ComponentLoader();

  // Checks every component once: upgrades, falls back, reports the changes.
  std::vector<ComponentChange> check();
  // Runs check() every check interval, on the source's news, and on request_check(), until stop().
  void start();
  void stop();
  void request_check();

  // A call error seen by a caller: feeds the implementation's error count and breaker.
  void record_call_error(const std::string& component);
  void on_change(ChangeListener listener);
  // Called after each move of version() (each check, a breaker tripped), on the thread that moved
  // it, with no lock held: for views of status() kept between changes (/health).
  void on_version_change(std::function<void()> listener);
  LoaderStatus status() const;
  // Moves with each change of what status() reports (a check, a breaker tripped), in the same
  // locked step: a view of status() read after loading it is at least that new. What only time
  // changes (a breaker's cooldown ending) does not move it.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // The handle of component `name` when it is served through `Interface` (its kind's interface);
  // else null. The handle lives as long as this loader.
  template <class Interface>
  ComponentHandle<Interface>* handle(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto it = components_.find(name);
    if (it == components_.end() || !it->second.handle) return nullptr;
    auto* typed = dynamic_cast<TypedHandle<Interface>*>(it->second.handle.get());
    return typed ? &typed->handle : nullptr;
  }
  BloomFilterHandle* bloom_filter(const std::string& name = sdk::component::bloom_filter) {
    return handle<sdk::BloomFilter>(name);
  }
  SlidingWindowHandle* sliding_window(const std::string& name = sdk::component::sliding_window) {
    return handle<sdk::SlidingWindow>(name);
  }
  MemoryPoolHandle* memory_pool(const std::string& name = sdk::component::memory_pool) {
    return handle<sdk::MemoryPool>(name);
  }
  // Frees what the components hold, for kinds that can (ComponentKind::trim_memory: the pools);
  // free_memory's trim_host_memory. Returns bytes freed.
  std::uint64_t trim_memory();

 private:
  std::unique_ptr<sdk::Component> create(ManagedComponent& c, Implementation& impl,
                                         const sdk::NativeLibrary* artifact, std::string& error);
  // Scores the component's usable implementations together (calibration.hpp); an artifact-backed
  // one whose artifact cannot make the component becomes unavailable.
  void calibrate(ManagedComponent& c, const sdk::NativeLibrary* artifact, const std::string& sha);
  std::optional<std::string> choose(const ManagedComponent& c) const;
  bool switch_component(ManagedComponent& c, const std::string& impl_name,
                        const sdk::NativeLibrary* artifact, const std::string& artifact_sha,
                        std::vector<ComponentChange>& changes);

  Manifest manifest_;
  ArtifactSource& source_;
  SourceLogger log_;
  std::map<std::string, std::shared_ptr<sdk::NativeLibrary>> libraries_;  // by crate

  mutable std::mutex mutex_;  // guards components_' bookkeeping and the listeners
  std::mutex check_mutex_;    // one check at a time
  std::map<std::string, ManagedComponent> components_;
  std::vector<ChangeListener> listeners_;
  std::vector<std::function<void()>> version_listeners_;
  std::atomic<std::uint64_t> version_{0};
  void version_changed();  // calls version_listeners_; no lock held
  // Runs check() in its loop; last, so that it stops before the rest goes.
  PeriodicWorker worker_{[this] { check(); },
                         [this] { return std::chrono::nanoseconds(manifest_.settings.check_interval); }};
};

}  // namespace selfheal
