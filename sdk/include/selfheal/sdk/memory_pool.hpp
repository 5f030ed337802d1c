// The memory-pool component interface: buffers from size classes under a memory limit.
// A buffer stays owned by the pool instance that made it until released to that instance.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "selfheal/sdk/component.hpp"

namespace selfheal::sdk {

struct Buffer {
  void* data = nullptr;
  std::size_t size = 0;        // the size class's buffer size (>= what was asked)
  std::uint64_t id = 0;        // unique per pool instance
};

struct SizeClassStats {
  std::size_t buffer_size = 0;
  std::size_t available = 0;   // free buffers held
  std::size_t capacity = 0;    // buffers made (free + in use)
  std::size_t high_water = 0;  // most buffers in use at once
};

struct PoolStats {
  std::vector<SizeClassStats> classes;
  std::size_t bytes_in_use = 0;
  std::size_t bytes_reserved = 0;
  std::size_t memory_limit = 0;
};

struct OutstandingBuffer {
  std::uint64_t id = 0;
  std::size_t size = 0;
  std::chrono::milliseconds age{0};
};

class MemoryPool : public Component {
 public:
  virtual Result<Buffer> allocate(std::size_t bytes) noexcept = 0;
  virtual Status release(const Buffer& buffer) noexcept = 0;
  virtual PoolStats stats() const noexcept = 0;
  // Buffers allocated longer than `age` ago and not yet released (a leak report).
  virtual std::vector<OutstandingBuffer> outstanding_older_than(
      std::chrono::milliseconds age) const noexcept = 0;
  // Frees the free buffers it holds; returns bytes given back.
  virtual std::size_t trim() noexcept = 0;
};

}  // namespace selfheal::sdk
