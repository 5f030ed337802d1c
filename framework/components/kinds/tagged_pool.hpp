// Memory-pool buffers stay owned by the pool that made them until released, across switches.
// Every pool implementation is wrapped in a TaggedPool that stamps its generation into the high
// 16 bits of each buffer id; a release of another generation's buffer is routed to that pool,
// which the PoolGenerations registry keeps alive until its last buffer comes back. MT safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "selfheal/sdk/memory_pool.hpp"

namespace selfheal {

class PoolGenerations {
 public:
  void add(std::uint16_t generation, std::shared_ptr<sdk::MemoryPool> pool);
  sdk::Status release(const sdk::Buffer& buffer);  // routes by generation
  // Drops retired pools (not `active`) that have no buffer outstanding.
  void collect(std::uint16_t active);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::uint16_t, std::shared_ptr<sdk::MemoryPool>> pools_;
};

class TaggedPool final : public sdk::MemoryPool {
 public:
  static constexpr int kShift = 48;
  TaggedPool(std::shared_ptr<sdk::MemoryPool> impl, std::uint16_t generation,
             std::shared_ptr<PoolGenerations> generations)
      : impl_(std::move(impl)), generation_(generation), generations_(std::move(generations)) {
    generations_->add(generation_, impl_);
  }
  static std::uint16_t generation_of(std::uint64_t id) { return static_cast<std::uint16_t>(id >> kShift); }
  static std::uint64_t untagged(std::uint64_t id) { return id & ((std::uint64_t{1} << kShift) - 1); }
  std::uint16_t generation() const { return generation_; }
  sdk::MemoryPool& impl() { return *impl_; }

  // sdk::MemoryPool
  sdk::Result<sdk::Buffer> allocate(std::size_t bytes) noexcept override {
    auto r = impl_->allocate(bytes);
    if (r.ok()) r.value().id |= std::uint64_t{generation_} << kShift;
    return r;
  }
  sdk::Status release(const sdk::Buffer& b) noexcept override {
    if (generation_of(b.id) != generation_) return generations_->release(b);
    sdk::Buffer inner = b;
    inner.id = untagged(b.id);
    return impl_->release(inner);
  }
  sdk::PoolStats stats() const noexcept override { return impl_->stats(); }
  std::vector<sdk::OutstandingBuffer> outstanding_older_than(std::chrono::milliseconds age) const noexcept override {
    auto list = impl_->outstanding_older_than(age);
    for (auto& o : list) o.id |= std::uint64_t{generation_} << kShift;
    return list;
  }
  std::size_t trim() noexcept override { return impl_->trim(); }
  sdk::Status self_test() noexcept override { return impl_->self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override { return impl_->export_state(); }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override { return impl_->import_state(s); }

 private:
  std::shared_ptr<sdk::MemoryPool> impl_;
  std::uint16_t generation_;
  std::shared_ptr<PoolGenerations> generations_;
};

}  // namespace selfheal
