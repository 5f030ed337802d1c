// Component implementations: a plugin that makes instances of one component interface
// (BloomFilter, SlidingWindow or MemoryPool) in one language. The host picks the active
// implementation per component and migrates state between them through export/import, whose
// byte format each interface header defines (identical for the C++ and Rust implementations).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "selfheal/sdk/plugin.hpp"
#include "selfheal/sdk/result.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::sdk {

// The component names of the built-in interfaces (a block of name constants shaped like
// diagnosis.hpp's issue names: same form, different vocabulary).
namespace component {
inline constexpr const char* bloom_filter = "bloom_filter";
inline constexpr const char* sliding_window = "sliding_window";
inline constexpr const char* memory_pool = "memory_pool";
}  // namespace component

// A native library the host has probed and loaded from its artifact store. The host keeps it
// loaded for the life of the process, so symbols stay valid.
class NativeLibrary {
 public:
  virtual ~NativeLibrary() = default;
  virtual void* symbol(const char* name) const noexcept = 0;  // null when absent
  virtual std::filesystem::path path() const = 0;
};

// The common part of every component instance.
// Threading: an instance is called from many threads at once; implementations synchronise
// internally. export_state/import_state are called by the host while callers are paused.
class Component {
 public:
  virtual ~Component() = default;
  // A quick check of the instance's own correctness, run before it is made active.
  virtual Status self_test() noexcept = 0;
  virtual Result<std::vector<std::uint8_t>> export_state() const noexcept = 0;
  // Replaces this instance's state. A blob that fails validation returns Errc::corrupt_state and
  // leaves the instance unchanged.
  virtual Status import_state(std::span<const std::uint8_t> state) noexcept = 0;
};

struct ComponentArgs {
  Value config;                              // the component's `config:` block in the manifest
  const NativeLibrary* artifact = nullptr;   // set for implementations that need_artifact()
};

class ComponentImplementation : public Plugin {
 public:
  virtual std::string component() const = 0;       // e.g. "bloom_filter"
  virtual std::string implementation() const = 0;  // "rust" or "cpp"
  // True for adapters that bind to a Rust artifact handed over in ComponentArgs::artifact.
  virtual bool needs_artifact() const noexcept { return false; }
  // The returned object implements the interface of the component kind named by component()
  // (BloomFilter, SlidingWindow, MemoryPool, or a kind the host registered); the host checks
  // component() against the manifest before it casts.
  virtual Result<std::unique_ptr<Component>> create(const ComponentArgs& args) noexcept = 0;
};

}  // namespace selfheal::sdk
