// Same shape as the other kinds' files on purpose: each kind is one registry entry (its name,
// gate, workload); what differs is the interface and the workload's calls, so they stay separate.
#include "components/kinds/memory_pool_kind.hpp"

#include "components/kinds/tagged_pool.hpp"

namespace selfheal {
namespace {

// Allocates and releases small buffers: the pool's hot path.
std::uint64_t memory_pool_workload(sdk::Component& instance) {
  auto& p = static_cast<sdk::MemoryPool&>(instance);
  std::uint64_t ops = 0;
  for (int i = 0; i < 20000; ++i) {
    auto b = p.allocate(256);
    if (b.ok()) (void)p.release(b.value());
    ++ops;
  }
  return ops;
}

// Buffers stay owned by the pool that made them across switches: every instance is a TaggedPool
// of its own generation, and a retired pool is dropped once its last buffer came back.
class PoolTagging final : public InstanceWrapper {
 public:
  std::unique_ptr<sdk::Component> wrap(std::unique_ptr<sdk::Component> made) override {
    if (!made) return made;
    std::shared_ptr<sdk::MemoryPool> pool(static_cast<sdk::MemoryPool*>(made.release()));
    return std::make_unique<TaggedPool>(std::move(pool), next_generation_++, generations_);
  }
  void after_switch(sdk::Component& active) override {
    generations_->collect(static_cast<TaggedPool&>(active).generation());
  }

 private:
  std::shared_ptr<PoolGenerations> generations_ = std::make_shared<PoolGenerations>();
  std::uint16_t next_generation_ = 1;
};

}  // namespace

ComponentKind memory_pool_kind() {
  ComponentKind k;
  k.name = sdk::component::memory_pool;
  k.make_handle = make_gated_handle<sdk::MemoryPool, MemoryPoolGate>;
  k.workload = memory_pool_workload;
  k.make_wrapper = [] { return std::make_unique<PoolTagging>(); };
  k.trim_memory = [](sdk::Component& active) -> std::uint64_t {
    return static_cast<sdk::MemoryPool&>(active).trim();
  };
  return k;
}

}  // namespace selfheal
