// The memory_pool kind: sdk::MemoryPool behind its gate (every call waits for a running switch to
// end, then goes to the new implementation), its calibration workload, the generation tagging
// that keeps buffers with the pool that made them (tagged_pool.hpp), and its trim.
// Same shape as the other kinds' gates on purpose: a gate forwards each method of its own SDK
// interface (a different one per kind) through after_switch(); GateBase holds what they share.
#pragma once

#include "components/component_handle.hpp"
#include "components/component_kind.hpp"
#include "selfheal/sdk/memory_pool.hpp"

namespace selfheal {

class MemoryPoolGate final : public sdk::MemoryPool, GateBase<sdk::MemoryPool> {
 public:
  using GateBase::GateBase;
  sdk::Result<sdk::Buffer> allocate(std::size_t bytes) noexcept override {
    return after_switch().allocate(bytes);
  }
  sdk::Status release(const sdk::Buffer& b) noexcept override { return after_switch().release(b); }
  sdk::PoolStats stats() const noexcept override { return after_switch().stats(); }
  std::vector<sdk::OutstandingBuffer> outstanding_older_than(
      std::chrono::milliseconds age) const noexcept override {
    return after_switch().outstanding_older_than(age);
  }
  std::size_t trim() noexcept override { return after_switch().trim(); }
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

using MemoryPoolHandle = ComponentHandle<sdk::MemoryPool>;

ComponentKind memory_pool_kind();

}  // namespace selfheal
