#include "components/kinds/tagged_pool.hpp"

namespace selfheal {

void PoolGenerations::add(std::uint16_t generation, std::shared_ptr<sdk::MemoryPool> pool) {
  std::lock_guard lock(mutex_);
  pools_[generation] = std::move(pool);
}

sdk::Status PoolGenerations::release(const sdk::Buffer& buffer) {
  std::shared_ptr<sdk::MemoryPool> pool;
  {
    std::lock_guard lock(mutex_);
    auto it = pools_.find(TaggedPool::generation_of(buffer.id));
    if (it == pools_.end())
      return sdk::Status::error(sdk::Errc::invalid_argument, "buffer of an unknown pool");
    pool = it->second;
  }
  sdk::Buffer inner = buffer;
  inner.id = TaggedPool::untagged(buffer.id);
  return pool->release(inner);
}

void PoolGenerations::collect(std::uint16_t active) {
  std::lock_guard lock(mutex_);
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (it->first != active && it->second->stats().bytes_in_use == 0) it = pools_.erase(it);
    else ++it;
  }
}

std::size_t PoolGenerations::size() const {
  std::lock_guard lock(mutex_);
  return pools_.size();
}

}  // namespace selfheal
