#include "components/component_loader.hpp"

#include <algorithm>

#include "components/calibration.hpp"
#include "components/implementation_choice.hpp"
#include "components/component_mapping.hpp"
#include "context/crate_settings.hpp"

namespace selfheal {
namespace {

constexpr std::uint32_t kBreakerThreshold = 5;
constexpr auto kBreakerCooldown = std::chrono::seconds(30);
// Rounds of a calibration that decides between implementations (implementation_choice.hpp); a
// single pass when there is nothing to decide (one candidate, or a pinned `prefer`).
constexpr int kDecidingRounds = 5;

bool needs_artifact(const Implementation& impl) { return impl.factory && impl.factory->needs_artifact(); }

bool breaker_lets_through(const Implementation& i, std::chrono::steady_clock::time_point now) {
  return i.breaker.state != CircuitBreaker::State::open || now >= i.breaker.retry_at;
}

// `prefer: auto` keeps the artifact-backed (Rust) implementation unless another is clearly
// faster; without one, the first usable in name order. Fixed per manifest, never the active one:
// the choice must not depend on which implementation happened to serve first.
std::string default_implementation(const ManagedComponent& c, const std::vector<std::string>& usable) {
  for (const auto& name : usable)
    if (needs_artifact(c.implementations.at(name))) return name;
  return usable.empty() ? std::string() : usable.front();
}

}  // namespace

ComponentLoader::ComponentLoader(const Manifest& manifest, const std::vector<PluginRecord>& records,
                                 ArtifactSource& source, std::shared_ptr<LogSink> log,
                                 const ComponentKindRegistry& kinds)
    : manifest_(manifest), source_(source), log_(std::move(log), "components") {
  std::map<std::string, const PluginRecord*> plugins;
  for (const auto& r : records)
    if (r.spec.kind == sdk::PluginKind::component) plugins[r.spec.name] = &r;

  for (const auto& spec : manifest_.components) {
    ManagedComponent c;
    c.spec = spec;
    c.kind = kinds.find(spec.name);
    if (!c.kind) log_.error(spec.name + ": no component kind of this name is registered");
    if (c.kind && c.kind->make_wrapper) c.wrapper = c.kind->make_wrapper();
    for (const auto& [impl_name, plugin_name] : spec.implementations) {
      Implementation impl;
      impl.name = impl_name;
      impl.plugin = plugin_name;
      auto it = plugins.find(plugin_name);
      const bool loaded =
          it != plugins.end() && it->second->status == LoadStatus::loaded && it->second->object;
      // Its objects would be cast to the kind's interface: refuse a mis-mapped one before any cast.
      const std::string refused =
          !loaded                         ? std::string()
          : it->second->component.empty() ? "plugin " + plugin_name + " creates an unknown component"
                                          : component_mapping_error(kinds, spec.name, impl_name, *it->second);
      if (!refused.empty()) {
        impl.error = refused;
        log_.error(spec.name + ": " + impl_name + ": " + impl.error);
      } else if (loaded) {
        impl.factory = std::shared_ptr<sdk::ComponentImplementation>(
            it->second->object, static_cast<sdk::ComponentImplementation*>(it->second->object.get()));
        impl.available = !impl.factory->needs_artifact();
        if (!impl.available) impl.error = "no artifact loaded yet";
      } else {
        impl.error = "plugin " + plugin_name + " is not loaded" +
                     (it != plugins.end() ? ": " + it->second->error : std::string());
      }
      c.implementations[impl_name] = std::move(impl);
    }
    // The implementations that need no artifact serve from the first moment.
    for (auto& [name, impl] : c.implementations) {
      if (!impl.factory || needs_artifact(impl)) continue;
      std::string error;
      auto instance = create(c, impl, nullptr, error);
      if (!instance || !instance->self_test().ok()) {
        impl.available = false;
        impl.error = instance ? "self-test failed" : error;
        continue;
      }
      if (!c.handle) {
        c.handle = c.kind->make_handle(std::move(instance));
        c.active = name;
        log_.info(spec.name + ": serving with " + name);
      }
    }
    if (!c.handle) log_.error(spec.name + ": no implementation works");
    calibrate(c, nullptr, "");
    components_.emplace(spec.name, std::move(c));
  }
  source_.on_news([this] { check(); });
}

ComponentLoader::~ComponentLoader() { stop(); }

std::unique_ptr<sdk::Component> ComponentLoader::create(ManagedComponent& c, Implementation& impl,
                                                        const sdk::NativeLibrary* artifact,
                                                        std::string& error) {
  if (!impl.factory) {
    error = impl.error;
    return nullptr;
  }
  sdk::ComponentArgs args;
  args.config = c.spec.config;
  args.artifact = artifact;
  try {
    auto made = impl.factory->create(args);
    if (!made.ok()) {
      error = made.status().message;
      return nullptr;
    }
    auto instance = std::move(made).value();
    return c.wrapper ? c.wrapper->wrap(std::move(instance)) : std::move(instance);
  } catch (const std::exception& e) {
    error = std::string("create threw: ") + e.what();
    return nullptr;
  }
}

void ComponentLoader::calibrate(ManagedComponent& c, const sdk::NativeLibrary* artifact,
                                const std::string& sha) {
  if (!c.kind) return;
  std::map<std::string, std::unique_ptr<sdk::Component>> scratch;
  std::map<std::string, sdk::Component*> instances;
  for (auto& [name, impl] : c.implementations) {
    if (!impl.factory || !impl.available) continue;
    sdk::ComponentArgs args;
    args.config = c.spec.config;
    args.artifact = needs_artifact(impl) ? artifact : nullptr;
    auto made = impl.factory->create(args);
    if (!made.ok()) {
      impl.performance_score = 0.0;
      impl.rounds.clear();
      if (needs_artifact(impl)) {  // an artifact the adapter cannot use (missing symbols, other ABI)
        impl.available = false;
        impl.error = "the artifact does not provide this component";
      }
      continue;
    }
    scratch[name] = std::move(made).value();
    instances[name] = scratch[name].get();
  }
  const bool deciding = c.spec.prefer == "auto" && instances.size() > 1;
  auto scores = calibrate_together(*c.kind, instances, deciding ? kDecidingRounds : 1);
  for (auto& [name, rounds] : scores) {
    auto& impl = c.implementations.at(name);
    impl.rounds = std::move(rounds);
    impl.performance_score = median(impl.rounds);
    if (needs_artifact(impl)) impl.scored_sha = sha;
  }
}

std::optional<std::string> ComponentLoader::choose(const ManagedComponent& c) const {
  const auto now = std::chrono::steady_clock::now();
  auto usable = [&](const Implementation& i) { return i.available && i.factory && breaker_lets_through(i, now); };
  if (c.spec.prefer != "auto") {
    auto it = c.implementations.find(c.spec.prefer);
    if (it != c.implementations.end() && usable(it->second)) return it->first;
  }
  std::vector<std::string> names;
  RoundScores scores;
  for (const auto& [name, i] : c.implementations) {
    if (!usable(i)) continue;
    names.push_back(name);
    scores[name] = i.rounds;
  }
  if (names.empty()) return std::nullopt;
  return choose_by_scores(default_implementation(c, names), scores);
}

bool ComponentLoader::switch_component(ManagedComponent& c, const std::string& impl_name,
                                       const sdk::NativeLibrary* artifact,
                                       const std::string& artifact_sha,
                                       std::vector<ComponentChange>& changes) {
  auto& impl = c.implementations.at(impl_name);
  std::string error;
  auto instance = create(c, impl, artifact, error);
  if (instance) {
    if (auto st = instance->self_test(); !st.ok()) error = "self-test failed: " + st.message;
  }
  if (!instance || !error.empty()) {
    impl.error = error;
    impl.breaker.state = CircuitBreaker::State::open;
    impl.breaker.retry_at = std::chrono::steady_clock::now() + kBreakerCooldown;
    log_.warning(c.spec.name + ": " + impl_name + " unusable: " + error);
    return false;
  }
  const std::string old = c.active;
  const bool old_artifact = c.implementations.count(old) && needs_artifact(c.implementations.at(old));
  std::unique_ptr<sdk::Component> retired;
  auto result = c.handle ? c.handle->switch_to(std::move(instance)) : AnyHandle::Switch{};
  if (!c.handle) {
    c.handle = c.kind->make_handle(std::move(instance));
    result.switched = true;
  }
  if (!result.switched) {
    impl.error = "state migration failed: " + result.status.message;
    log_.warning(c.spec.name + ": switch to " + impl_name + " refused: " + result.status.message);
    return false;
  }
  impl.breaker.state = CircuitBreaker::State::closed;
  impl.breaker.consecutive_errors = 0;
  impl.error.clear();
  impl.artifact_sha = artifact_sha;
  c.active = impl_name;
  c.last_switch = std::chrono::system_clock::now();
  ++c.switches;
  c.longest_pause = std::max(c.longest_pause, result.pause);
  if (c.wrapper) c.wrapper->after_switch(c.handle->current());
  ComponentChange change{c.spec.name, ""};
  if (needs_artifact(impl)) change.change = "upgraded_to_rust";
  else if (old_artifact) change.change = "fell_back_to_cpp";
  else change.change = "switched_to_" + impl_name;
  LogFields fields;
  fields.add("component", c.spec.name).add("change", change.change).add("from", old).add("to", impl_name)
      .add("pause_us", static_cast<std::int64_t>(result.pause.count() / 1000));
  if (!artifact_sha.empty()) fields.add("artifact", artifact_sha.substr(0, 12));
  log_.event(LogLevel::info, c.spec.name + ": " + change.change + " (" + old + " -> " + impl_name +
                                 ", callers paused " + std::to_string(result.pause.count() / 1000) + " us)",
             fields);
  changes.push_back(change);
  return true;
}

std::vector<ComponentChange> ComponentLoader::check() {
  std::lock_guard serial(check_mutex_);
  std::vector<ComponentChange> changes;
  for (const auto& crate : manifest_.crates) {
    auto offer = source_.offer(crate);
    if (offer.library) libraries_[crate.name] = offer.library;
    const sdk::NativeLibrary* library = offer.library.get();
    const std::string& sha = offer.sha256;
    const std::string& why = offer.why;
    std::lock_guard lock(mutex_);
    for (auto& [name, c] : components_) {
      const std::string crate_of = manifest_.crate_or_default(c.spec.crate);
      if (crate_of != crate.name) continue;
      bool rescore = false;
      for (auto& [impl_name, impl] : c.implementations) {
        if (!needs_artifact(impl)) continue;
        impl.available = library != nullptr;
        impl.error = library ? std::string() : why;
        rescore = rescore || (library && (impl.rounds.empty() || impl.scored_sha != sha));
      }
      // A new artifact: measured with the others, at the same time, for a fair comparison.
      if (rescore) calibrate(c, library, sha);
      auto active = c.implementations.find(c.active);
      const bool active_from_artifact =
          active != c.implementations.end() && needs_artifact(active->second) && c.handle;
      if (active_from_artifact) {
        // The active Rust instance runs from the store, whatever happens in target/: it falls
        // back only when it fails, and moves on only to a newer healthy artifact.
        const auto st = c.handle->current().self_test();
        if (!st.ok()) {
          active->second.breaker.state = CircuitBreaker::State::open;
          active->second.breaker.retry_at = std::chrono::steady_clock::now() + kBreakerCooldown;
          active->second.error = "self-test failed: " + st.message;
        }
        if (active->second.breaker.state != CircuitBreaker::State::open) {
          if (library && active->second.available && active->second.artifact_sha != sha)
            switch_component(c, c.active, library, sha, changes);
          continue;
        }
      }
      auto target = choose(c);
      if (!target) continue;
      const bool active_failed = active != c.implementations.end() &&
                                 active->second.breaker.state == CircuitBreaker::State::open;
      if (*target != c.active || active_failed) {
        const auto& chosen = c.implementations.at(*target);
        switch_component(c, *target, needs_artifact(chosen) ? library : nullptr, sha, changes);
      }
    }
    version_.fetch_add(1, std::memory_order_release);
  }
  source_.checked();
  std::vector<ChangeListener> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = listeners_;
  }
  for (const auto& change : changes)
    for (const auto& l : listeners) l(change);
  version_changed();
  return changes;
}

void ComponentLoader::record_call_error(const std::string& component) {
  bool trip = false;
  {
    std::lock_guard lock(mutex_);
    auto it = components_.find(component);
    if (it == components_.end()) return;
    auto impl = it->second.implementations.find(it->second.active);
    if (impl == it->second.implementations.end()) return;
    ++impl->second.error_count;
    if (++impl->second.breaker.consecutive_errors >= kBreakerThreshold &&
        impl->second.breaker.state != CircuitBreaker::State::open) {
      impl->second.breaker.state = CircuitBreaker::State::open;
      impl->second.breaker.retry_at = std::chrono::steady_clock::now() + kBreakerCooldown;
      trip = true;
      version_.fetch_add(1, std::memory_order_release);
    }
  }
  if (trip) {
    version_changed();
    request_check();
  }
}

void ComponentLoader::version_changed() {
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = version_listeners_;
  }
  for (const auto& l : listeners) l();
}

void ComponentLoader::on_version_change(std::function<void()> listener) {
  std::lock_guard lock(mutex_);
  version_listeners_.push_back(std::move(listener));
}

void ComponentLoader::start() { worker_.start(); }
void ComponentLoader::stop() { worker_.stop(); }
void ComponentLoader::request_check() { worker_.request(); }

void ComponentLoader::on_change(ChangeListener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

LoaderStatus ComponentLoader::status() const {
  std::lock_guard lock(mutex_);
  LoaderStatus s;
  s.running = worker_.running();
  s.idle = worker_.idle();
  s.check_interval = manifest_.settings.check_interval;
  for (const auto& [name, c] : components_) {
    ComponentStatus cs;
    cs.name = name;
    cs.active = c.handle ? c.active : std::string();
    cs.last_switch = c.last_switch;
    cs.switches = c.switches;
    cs.longest_pause = c.longest_pause;
    cs.choice = choose(c).value_or(std::string());
    for (const auto& [impl_name, impl] : c.implementations)
      cs.implementations.push_back({impl_name, impl.available, impl.performance_score,
                                    impl.error_count, CircuitBreaker::name(impl.breaker.state),
                                    impl.error});
    s.components.push_back(std::move(cs));
  }
  return s;
}

std::uint64_t ComponentLoader::trim_memory() {
  std::vector<std::pair<const AnyHandle*, std::shared_ptr<const ComponentKind>>> trimmable;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, c] : components_)
      if (c.handle && c.kind->trim_memory) trimmable.emplace_back(c.handle.get(), c.kind);
  }
  // Outside the lock, like any caller: handles live as long as the loader.
  std::uint64_t freed = 0;
  for (const auto& [handle, kind] : trimmable) freed += handle->call(kind->trim_memory);
  return freed;
}

}  // namespace selfheal
