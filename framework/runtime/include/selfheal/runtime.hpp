// The selfheal runtime for applications: libselfheal.so, find_package(SelfHeal), SelfHeal::runtime.
//
//   auto rt = selfheal::Runtime::open({.manifest = "/etc/selfheal/plugins.yaml",
//                                      .mode = selfheal::Mode::follow});
//   selfheal::BloomFilter seen = rt->bloom_filter();
//   if (seen.insert(url)) ...
//
// A runtime serves the components its manifest names, each through a stable handle: C++ from the
// first call, Rust when the Rust artifact is usable, switched at run time with the state carried
// across. Two modes:
// - heal: the runtime heals in this process (diagnoses, fixes with cargo, switches), as a
//   `selfheal serve` does, and can serve the same HTTP API (serve_http).
// - follow: a `selfheal serve` daemon on the same state folder heals; this process only loads
//   the artifacts the daemon accepted into its store, read-only, as the store changes (inotify).
//   It never runs cargo, never takes the fix lock and never writes the state folder. With no
//   daemon, it serves C++ and status() says why.
// Handles are cheap to copy, keep the runtime alive, and stay valid across every switch; a call
// is one atomic load and one indirect call, and never fails because of a switch, a fault or a
// heal. MT safe: every call may come from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "selfheal/detail/read_slot.hpp"
#include "selfheal/sdk/bloom_filter.hpp"

#define SELFHEAL_RUNTIME_API __attribute__((visibility("default")))

namespace selfheal {

template <class Interface>
class ComponentHandle;  // the framework's switchable handle (opaque here)
namespace sdk {
class SlidingWindow;
class MemoryPool;
}  // namespace sdk

// The runtime's interface version: its major changes when this header changes incompatibly.
inline constexpr int kRuntimeVersionMajor = 2;
inline constexpr int kRuntimeVersionMinor = 0;

enum class Mode { heal, follow };

struct OpenOptions {
  std::filesystem::path manifest{};  // a selfheal manifest (config/plugins.yaml's format)
  Mode mode = Mode::follow;
  // Where the runtime's log lines go, one per call; empty: stderr at the manifest's log_level.
  std::function<void(std::string_view line)> log{};
  // The runtime major this application was compiled against: leave it. open() refuses a
  // library of another major (the SONAME normally prevents that; a copied .so does not).
  int compiled_major = kRuntimeVersionMajor;
};

// What open() and the handles throw: a manifest error (file:line:column: ...), an unknown
// component, an implementation's own error (a pool out of memory). Never a switch or a heal.
class SELFHEAL_RUNTIME_API Error : public std::runtime_error {
 public:
  enum class Kind {
    other,
    manifest,          // open(): the manifest is unreadable or invalid
    not_found,         // no component of that name and kind
    component,         // the implementation failed the call (counted against it)
    out_of_memory,     // a pool's memory limit
    invalid_argument,  // the caller's mistake (a buffer the pool does not know)
  };
  explicit Error(const std::string& what, Kind kind = Kind::other) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct ImplementationInfo {
  std::string name;  // "rust", "cpp", ...
  bool available = false;
  double performance_score = 0.0;
  std::uint64_t error_count = 0;
  std::string breaker;  // closed, open, half_open
  std::string error;    // why it is not available
};

struct ComponentInfo {
  std::string name;
  std::string active;  // the implementation callers reach now
  std::vector<ImplementationInfo> implementations;
  std::uint64_t switches = 0;
  std::chrono::nanoseconds longest_pause{0};  // the longest time callers waited for a switch
};

struct SELFHEAL_RUNTIME_API Status {
  Mode mode = Mode::follow;
  // follow: a daemon serves the state folder now (its pid; 0 when unknown). heal: this process.
  bool daemon_running = false;
  long daemon_pid = 0;
  // Why Rust is not served ("" when it is): no daemon, no artifact accepted yet, a load error.
  std::string reason;
  std::vector<ComponentInfo> components;
  // The original's component-status shape: {mode, daemon_running, reason, components: {name:
  // {active_implementation, available_implementations: {impl: {available, performance_score,
  // error_count, breaker, error}}, switches, longest_pause_us}}}.
  std::string to_json() const;
};

struct Change {
  std::string component;
  std::string change;  // "upgraded_to_rust", "fell_back_to_cpp", "switched_to_<impl>"
};

class Runtime;

class SELFHEAL_RUNTIME_API BloomFilter {
 public:
  BloomFilter() = default;  // empty: get one from Runtime
  // insert and contains are inline: the read section (detail/read_slot.hpp), the load of the
  // active implementation and the indirect call happen in the caller, with no call into
  // libselfheal on the way (a Bloom query is ~10 ns: a call through the PLT was 10% of it).
  bool insert(std::string_view key) {  // true when the key was (probably) new
    return answer(call([key](sdk::BloomFilter& f) { return f.insert(key); }));
  }
  bool contains(std::string_view key) const {
    return answer(call([key](sdk::BloomFilter& f) { return f.contains(key); }));
  }
  std::uint64_t item_count() const;
  void clear();

 private:
  friend class Runtime;
  BloomFilter(ComponentHandle<sdk::BloomFilter>* handle, const std::atomic<sdk::BloomFilter*>* active,
              std::shared_ptr<const void> keep, std::string name)
      : handle_(handle), active_(active), keep_(std::move(keep)), name_(std::move(name)) {}
  // The implementations' calls are noexcept: nothing leaves the section but through its end.
  template <class F>
  sdk::Result<bool> call(F&& f) const {
    auto& slot = detail::this_thread_read_slot();
    const std::uint64_t before = detail::enter_read_section(slot);
    sdk::Result<bool> r = f(*active_->load(std::memory_order_acquire));
    detail::leave_read_section(slot, before);
    return r;
  }
  bool answer(const sdk::Result<bool>& r) const {
    if (!r.ok()) [[unlikely]] failed(r.status());
    return r.value();
  }
  // Counts the error against the implementation and throws Error (Runtime::call_failed).
  [[noreturn]] void failed(const sdk::Status& status) const;

  ComponentHandle<sdk::BloomFilter>* handle_ = nullptr;
  const std::atomic<sdk::BloomFilter*>* active_ = nullptr;  // the handle's active implementation
  std::shared_ptr<const void> keep_;  // the runtime
  std::string name_;
};

struct Frame {
  std::span<const std::uint8_t> pixels;  // row-major, `channels` bytes per pixel; not copied
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 1;
  std::int64_t timestamp_us = 0;
};

struct FrameResult {
  bool is_duplicate = false;
  double confidence = 0.0;  // similarity to the closest frame in the window, 0..1
  std::uint64_t frame_hash = 0;
  std::uint32_t window_size = 0;
};

class SELFHEAL_RUNTIME_API SlidingWindow {
 public:
  SlidingWindow() = default;  // empty: get one from Runtime
  FrameResult add_frame(const Frame& frame);
  bool is_duplicate(const Frame& frame) { return add_frame(frame).is_duplicate; }
  void clear();

 private:
  friend class Runtime;
  SlidingWindow(ComponentHandle<sdk::SlidingWindow>* handle, std::shared_ptr<const void> keep, std::string name)
      : handle_(handle), keep_(std::move(keep)), name_(std::move(name)) {}
  ComponentHandle<sdk::SlidingWindow>* handle_ = nullptr;
  std::shared_ptr<const void> keep_;
  std::string name_;
};

struct PoolBuffer {
  void* data = nullptr;
  std::size_t size = 0;  // >= what was asked
  std::uint64_t id = 0;
};

class SELFHEAL_RUNTIME_API MemoryPool {
 public:
  MemoryPool() = default;  // empty: get one from Runtime
  // Throws Error when the pool cannot give one (its memory limit).
  PoolBuffer allocate(std::size_t bytes);
  // To the pool that made it, even after a switch. Throws Error for a buffer it does not know.
  void release(const PoolBuffer& buffer);

 private:
  friend class Runtime;
  MemoryPool(ComponentHandle<sdk::MemoryPool>* handle, std::shared_ptr<const void> keep, std::string name)
      : handle_(handle), keep_(std::move(keep)), name_(std::move(name)) {}
  ComponentHandle<sdk::MemoryPool>* handle_ = nullptr;
  std::shared_ptr<const void> keep_;
  std::string name_;
};

class SELFHEAL_RUNTIME_API Runtime : public std::enable_shared_from_this<Runtime> {
 public:
  // Reads and checks the manifest, loads its component plugins (each probed in a child first),
  // and starts serving; heal mode also starts healing. Throws Error with every manifest error.
  static std::shared_ptr<Runtime> open(const OpenOptions& options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The handle of a manifest component; throws Error when there is none of that name and kind.
  BloomFilter bloom_filter(std::string_view name = "bloom_filter");
  SlidingWindow sliding_window(std::string_view name = "sliding_window");
  MemoryPool memory_pool(std::string_view name = "memory_pool");

  Mode mode() const;
  Status status() const;
  // Called on the runtime's own thread after each switch; keep it short. Returns an id.
  std::uint64_t on_change(std::function<void(const Change&)> callback);
  // Heal mode: serves the HTTP API of `selfheal serve` from this process on `listen`
  // ("127.0.0.1:0": any free port), and returns the address it listens on ("127.0.0.1:41234").
  // Throws Error in follow mode (the daemon serves it) or when it cannot listen.
  std::string serve_http(const std::string& listen = "127.0.0.1:0");
  // Which file the manifest was read from.
  const std::filesystem::path& manifest() const;

  // The failing call of a handle: counts the error against the implementation (its breaker
  // falls back after repeated errors) and throws Error. For the handles' use.
  [[noreturn]] void call_failed(const std::string& component, const std::string& what) const;

  struct Impl;

 private:
  explicit Runtime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace selfheal
