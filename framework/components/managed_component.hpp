// One component as the loader manages it: its stable handle, its implementations with their
// availability, measured performance score, error count and circuit breaker, and its switches.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "components/component_kind.hpp"
#include "components/typed_handle.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

// closed: calls flow; open: the implementation is not used until `retry_at`; half_open: the next
// self-test decides.
struct CircuitBreaker {
  enum class State { closed, open, half_open };
  State state = State::closed;
  std::uint32_t consecutive_errors = 0;
  std::chrono::steady_clock::time_point retry_at{};
  static const char* name(State s) {
    return s == State::closed ? "closed" : s == State::open ? "open" : "half_open";
  }
};

struct Implementation {
  std::string name;    // "rust", "cpp", ...
  std::string plugin;  // the component plugin providing it
  std::shared_ptr<sdk::ComponentImplementation> factory;  // null: the plugin is not loaded
  std::string error;   // why it is unavailable
  bool available = false;
  double performance_score = 0.0;  // operations per microsecond: median of the rounds
  std::vector<double> rounds;      // the last calibration's score in each round
  std::uint64_t error_count = 0;
  CircuitBreaker breaker;
  std::string artifact_sha;  // for needs_artifact implementations: the artifact of the instance
  std::string scored_sha;    // the artifact performance_score was measured on
};

struct ManagedComponent {
  ComponentSpec spec;
  std::map<std::string, Implementation> implementations;
  std::string active;  // name of the active implementation
  std::shared_ptr<const ComponentKind> kind;  // null: no kind of this name is registered
  std::unique_ptr<InstanceWrapper> wrapper;    // null unless the kind wraps its instances
  std::unique_ptr<AnyHandle> handle;
  std::optional<std::chrono::system_clock::time_point> last_switch;
  std::uint64_t switches = 0;
  std::chrono::nanoseconds longest_pause{0};
};

}  // namespace selfheal
