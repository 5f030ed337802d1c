// The C++ implementation of the memory-pool component (memory_pool_core.hpp).
// Same shape as its Rust sibling (and the other C++ adapters) on purpose: both implement one SDK
// interface and must stay independent (the host switches between them); the shape is the SDK's.
#pragma once

#include <memory>

#include "memory_pool_core.hpp"
#include "selfheal/sdk/memory_pool.hpp"

namespace selfheal::components {

// MT safe. Buffers belong to this instance until released to it.
class CppMemoryPool final : public sdk::MemoryPool {
 public:
  CppMemoryPool(std::uint64_t max_class, std::uint64_t memory_limit,
                MemoryPoolCore::Clock clock = {})
      : core_(max_class, memory_limit, std::move(clock)) {}

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
  MemoryPoolCore core_;
};

class CppMemoryPoolImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::memory_pool; }
  std::string implementation() const override { return "cpp"; }
  // config: max_class (default 1 MiB), memory_limit_bytes (default 256 MiB).
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
