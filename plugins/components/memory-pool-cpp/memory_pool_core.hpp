// The memory pool both implementations share (rust-core/src/pool.rs follows the same rules and
// writes the same state).
//
// Size classes: buffer sizes 64, 128, ... max_class (a power of two in 64 .. 2^30), one free
// list each. allocate(bytes): bytes > max_class -> invalid_argument; otherwise the smallest class
// whose size >= bytes (0 takes the 64-byte class). A free buffer of that class is reused, or a
// new one made (64-byte aligned) if bytes_reserved + size <= memory_limit, else out_of_memory
// (free buffers of other classes are not stolen: trim() gives them back). Every allocation gets a
// new id, next_id++ (ids start at 1, unique per pool instance, also when a buffer is reused).
// release(buffer): refused with invalid_argument (and nothing changes) unless buffer.size is a
// class size and buffer.id is outstanding in that class with the same data pointer, so a double
// release or a foreign buffer never corrupts the pool.
// Stats per class: available (free buffers), capacity (free + in use), high_water (most in use
// at once). bytes_reserved = sum of capacity * size; bytes_in_use = sizes of outstanding buffers.
// outstanding_older_than(age): buffers allocated at least `age` ago (ms, truncated), by id.
// trim(): frees every free buffer, returns the bytes given back.
// Ownership: buffer memory belongs to the pool that made it until released to that pool; the
// pool's destructor frees everything it made, outstanding or not.
//
// State (little-endian, 40 header bytes): u32 magic "SHMP" (0x504D4853), u32 version = 1,
//   u64 memory_limit, u64 max_class, u64 next_id, u32 class_count, u32 reserved = 0, then per
//   class, smallest first: u64 buffer_size, u64 capacity, u64 high_water.
//   Outstanding buffers cannot migrate: their memory stays with the pool that made them, so the
//   state carries only configuration and counters. Import refuses (corrupt_state) a wrong
//   magic/version, non-zero reserved, an invalid max_class or zero limit, next_id 0,
//   class_count != log2(max_class) - 5, a class size other than 64 << k, sum capacity * size >
//   memory_limit, or a size other than 40 + 24 * class_count. A valid blob for another max_class
//   is refused with invalid_argument. Import then sets memory_limit, next_id = max(own, imported),
//   high_water = max(imported, in use here), and pre-warms each class's free list so that its
//   capacity = max(imported capacity, in use here) (out_of_memory, nothing changed, if that
//   total exceeds the imported limit or this pool's current one: a blob can never make a pool
//   reserve more than it was configured for). Buffers outstanding in the importing pool stay valid.
// Threading: MT safe; one lock for the pool (pool_lock.hpp), held for a few dozen instructions.
// Ages: taken from CLOCK_MONOTONIC_COARSE (steady_clock's epoch, read from the vDSO without
// touching the TSC; its tick is 1-4 ms), so an age can be off by up to one tick.
// Bookkeeping: each class keeps one slot per buffer it made (address, id or 0 when free, time of
// allocation), a stack of free slot numbers and an address -> slot index; allocate and release
// never allocate memory on the reuse path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "memory-pool-cpp/pointer_index.hpp"
#include "memory-pool-cpp/pool_lock.hpp"
#include "selfheal/sdk/memory_pool.hpp"

namespace selfheal::components {

inline constexpr std::uint32_t kPoolMagic = 0x504D4853u;  // "SHMP"
inline constexpr std::uint32_t kPoolVersion = 1;
inline constexpr std::size_t kPoolHeader = 40;
inline constexpr std::size_t kPoolClassEntry = 24;
inline constexpr std::uint64_t kPoolMinClass = 64;
inline constexpr std::uint64_t kPoolMaxClassLimit = std::uint64_t{1} << 30;

bool pool_valid_config(std::uint64_t max_class, std::uint64_t memory_limit);

class MemoryPoolCore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Requires pool_valid_config(max_class, memory_limit). `clock` defaults to steady_clock.
  MemoryPoolCore(std::uint64_t max_class, std::uint64_t memory_limit, Clock clock = {});
  ~MemoryPoolCore();
  MemoryPoolCore(const MemoryPoolCore&) = delete;
  MemoryPoolCore& operator=(const MemoryPoolCore&) = delete;

  sdk::Result<sdk::Buffer> allocate(std::size_t bytes);
  sdk::Status release(const sdk::Buffer& buffer);
  sdk::PoolStats stats() const;
  std::vector<sdk::OutstandingBuffer> outstanding_older_than(std::chrono::milliseconds age) const;
  std::size_t trim();
  std::vector<std::uint8_t> export_state() const;
  sdk::Status import_state(std::span<const std::uint8_t> blob);

 private:
  struct Slot {
    void* data;
    std::uint64_t id;  // 0 while the buffer is free
    std::chrono::steady_clock::time_point since;
  };
  struct SizeClass {
    explicit SizeClass(std::size_t s) : size(s) {}
    const std::size_t size;
    std::vector<Slot> slots;         // one per buffer made: capacity = slots.size()
    std::vector<std::size_t> free;   // free slot numbers; capacity >= slots.size()
    PointerIndex index;              // data -> slot number
    std::size_t in_use = 0;
    std::size_t high_water = 0;
  };

  std::chrono::steady_clock::time_point now() const;
  int class_of_size(std::uint64_t size) const;  // -1 when not a class size of this pool
  // A new buffer for class `c` in a new slot (its number); kNone when the limit or memory is
  // short (then nothing changed). Lock held.
  std::size_t make_buffer(SizeClass& c);
  // Frees the free buffers of `c` beyond the first `keep`; returns the bytes given back. Lock held.
  std::uint64_t drop_free(SizeClass& c, std::size_t keep);

  const std::uint64_t max_class_;
  const Clock clock_;
  std::vector<SizeClass> classes_;  // fixed after construction; guarded by lock_
  mutable PoolLock lock_;
  std::uint64_t limit_;             // guarded by lock_
  std::uint64_t reserved_ = 0;      // guarded by lock_
  std::uint64_t in_use_ = 0;        // guarded by lock_
  std::uint64_t next_id_ = 1;       // guarded by lock_
};

}  // namespace selfheal::components
