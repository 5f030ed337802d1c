// The gates of the three built-in component interfaces: every call waits for the running switch
// to end and then goes to the new implementation.
#pragma once

#include "components/component_handle.hpp"
#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"

namespace selfheal {

class BloomFilterGate final : public sdk::BloomFilter, GateBase<sdk::BloomFilter> {
 public:
  using GateBase::GateBase;
  sdk::Result<bool> insert(std::string_view key) noexcept override { return after_switch().insert(key); }
  sdk::Result<bool> contains(std::string_view key) const noexcept override {
    return after_switch().contains(key);
  }
  sdk::Status clear() noexcept override { return after_switch().clear(); }
  std::uint64_t item_count() const noexcept override { return after_switch().item_count(); }
  double saturation() const noexcept override { return after_switch().saturation(); }
  double estimated_false_positive_rate() const noexcept override {
    return after_switch().estimated_false_positive_rate();
  }
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

class SlidingWindowGate final : public sdk::SlidingWindow, GateBase<sdk::SlidingWindow> {
 public:
  using GateBase::GateBase;
  sdk::Result<sdk::FrameAnalysis> add_frame(const sdk::Frame& f) noexcept override {
    return after_switch().add_frame(f);
  }
  sdk::WindowStats stats() const noexcept override { return after_switch().stats(); }
  sdk::Status clear() noexcept override { return after_switch().clear(); }
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

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

}  // namespace selfheal
