// The dynamic component loader: keeps every component of the manifest served, C++ from the
// first moment, Rust when its artifact is healthy (probed, stored, loaded from the store), and
// switches between them with the state migrated. While Rust is unavailable it asks the healer to
// repair and upgrades after a successful fix. MT safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "components/artifact_store.hpp"
#include "components/managed_component.hpp"
#include "core/log.hpp"
#include "healer/healer.hpp"
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

  // `records` are the loader's results (component plugins are taken from them). The healer and
  // stores must outlive this object.
  ComponentLoader(const Manifest& manifest, const std::vector<PluginRecord>& records,
                  Healer& healer, std::map<std::string, ArtifactStore*> stores,
                  std::shared_ptr<LogSink> log);
  ~ComponentLoader();

  // Checks every component once: upgrades, falls back, reports the changes.
  std::vector<ComponentChange> check();
  // Runs check() every check interval, after every fix, and on request_check(), until stop().
  void start();
  void stop();
  void request_check();

  // A call error seen by a caller: feeds the implementation's error count and breaker.
  void record_call_error(const std::string& component);
  void on_change(ChangeListener listener);
  LoaderStatus status() const;

  BloomFilterHandle* bloom_filter(const std::string& name = sdk::component::bloom_filter);
  SlidingWindowHandle* sliding_window(const std::string& name = sdk::component::sliding_window);
  MemoryPoolHandle* memory_pool(const std::string& name = sdk::component::memory_pool);
  // Frees what the pools hold (free_memory's trim_host_memory); returns bytes freed.
  std::uint64_t trim_memory();

 private:
  std::unique_ptr<sdk::Component> create(ManagedComponent& c, Implementation& impl,
                                         const sdk::NativeLibrary* artifact, std::string& error);
  std::unique_ptr<AnyHandle> make_handle(ManagedComponent& c, std::unique_ptr<sdk::Component> initial);
  std::unique_ptr<sdk::Component> wrap_pool(ManagedComponent& c, std::unique_ptr<sdk::Component> pool);
  // Scores the component's usable implementations together (calibration.hpp); an artifact-backed
  // one whose artifact cannot make the component becomes unavailable.
  void calibrate(ManagedComponent& c, const sdk::NativeLibrary* artifact, const std::string& sha);
  std::optional<std::string> choose(const ManagedComponent& c) const;
  bool switch_component(ManagedComponent& c, const std::string& impl_name,
                        const sdk::NativeLibrary* artifact, const std::string& artifact_sha,
                        std::vector<ComponentChange>& changes);
  void loop();

  Manifest manifest_;
  Healer& healer_;
  std::map<std::string, ArtifactStore*> stores_;
  SourceLogger log_;
  std::map<std::string, std::shared_ptr<sdk::NativeLibrary>> libraries_;  // by crate

  mutable std::mutex mutex_;  // guards components_' bookkeeping and the listeners
  std::mutex check_mutex_;    // one check at a time
  std::map<std::string, ManagedComponent> components_;
  std::vector<ChangeListener> listeners_;
  bool running_ = false;
  bool check_requested_ = false;
  bool loop_checking_ = false;  // the loop's thread is in check(), or about to be
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace selfheal
