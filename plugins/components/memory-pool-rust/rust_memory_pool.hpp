// The Rust-backed memory pool: forwards every call to rust-core's selfheal_pool_* functions,
// resolved through the artifact the host loaded (the adapter never links rust-core). Buffer
// memory is allocated by Rust and owned by the Rust pool until released to it.
// Same shape as its C++ sibling (the SDK interface) and the other Rust adapters (an Api table of
// rust-core functions, a class owning a handle) on purpose: one adapter per C ABI, kept separate;
// what they share is in common/rust_core_binding.hpp.
#pragma once

#include <memory>

#include "common/rust_core_binding.hpp"
#include "selfheal/sdk/memory_pool.hpp"

namespace selfheal::components {

struct RustPoolApi {
  decltype(&selfheal_self_test) self_test = nullptr;
  decltype(&selfheal_pool_new) create = nullptr;
  decltype(&selfheal_pool_allocate) allocate = nullptr;
  decltype(&selfheal_pool_release) release = nullptr;
  decltype(&selfheal_pool_stats) stats = nullptr;
  decltype(&selfheal_pool_outstanding) outstanding = nullptr;
  decltype(&selfheal_pool_trim) trim = nullptr;
  decltype(&selfheal_pool_export) export_state = nullptr;
  decltype(&selfheal_pool_import) import_state = nullptr;
  decltype(&selfheal_pool_free) destroy = nullptr;

  // Unavailable when the artifact is missing, has another ABI version or lacks a symbol.
  static sdk::Result<RustPoolApi> resolve(const sdk::NativeLibrary* artifact);
};

// MT safe (the Rust pool locks per class). Owns its Rust handle; destroying it frees every
// buffer the pool made.
class RustMemoryPool final : public sdk::MemoryPool {
 public:
  RustMemoryPool(const RustPoolApi& api, selfheal_pool_t* handle) : api_(api), h_(handle) {}
  ~RustMemoryPool() override { api_.destroy(h_); }
  RustMemoryPool(const RustMemoryPool&) = delete;
  RustMemoryPool& operator=(const RustMemoryPool&) = delete;

  // sdk::MemoryPool
  sdk::Result<sdk::Buffer> allocate(std::size_t bytes) noexcept override;
  sdk::Status release(const sdk::Buffer& buffer) noexcept override;
  sdk::PoolStats stats() const noexcept override;
  std::vector<sdk::OutstandingBuffer> outstanding_older_than(
      std::chrono::milliseconds age) const noexcept override;
  std::size_t trim() noexcept override;
  // sdk::Component
  sdk::Status self_test() noexcept override;
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override;
  sdk::Status import_state(std::span<const std::uint8_t> state) noexcept override;

 private:
  RustPoolApi api_;
  selfheal_pool_t* h_;
};

class RustMemoryPoolImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::memory_pool; }
  std::string implementation() const override { return "rust"; }
  bool needs_artifact() const noexcept override { return true; }
  // config: max_class, memory_limit_bytes (as the C++ implementation).
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
