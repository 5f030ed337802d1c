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
// Threading: MT safe. The pool is split into arenas, as jemalloc and glibc's malloc split their
//   heaps: each thread uses one (threads are numbered in the order they first call a pool, and
//   thread n takes arena n mod the arena count: twice the CPUs rounded up to a power of two, at
//   most 16), so threads on different arenas never share a lock or a cache line. Each arena has
//   its own lock (pool_lock.hpp), free lists, slots and id block (64 ids at a time from the
//   pool's counter); what the rules above say of the pool holds for the sum of its arenas:
//   - allocate takes a free buffer of the caller's arena, or makes one while the pool's limit
//     allows (reserved bytes are one atomic counter, changed only when buffers are made or
//     freed); at the limit it looks again with every arena's lock held and reuses a free buffer
//     of any arena before failing with out_of_memory, as the single-lock pool did;
//   - release finds the buffer in the caller's arena first, then in the others;
//   - ids stay unique per pool and ascend per arena; the exported next_id is one past the highest
//     id handed out (or the imported one), as with one arena;
//   - each arena makes its own buffers (up to the limit) and keeps its own high water: a class's
//     capacity and high_water are the arenas' sums. With one thread that is the single-lock
//     pool's exact figure (the shared vectors); with threads on several arenas, even one after
//     another, high_water is an upper bound of the true peak and capacity can be larger;
//   - import pre-warms the importing thread's arena; stats, export, import and
//     outstanding_older_than see every arena at one instant (all locks, in arena order).
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
  // Own cache lines too: one arena's classes never share a line with another's.
  struct alignas(64) SizeClass {
    explicit SizeClass(std::size_t s) : size(s) {}
    const std::size_t size;
    std::vector<Slot> slots;         // one per buffer made: capacity = slots.size()
    std::vector<std::size_t> free;   // free slot numbers; capacity >= slots.size()
    PointerIndex index;              // data -> slot number
    std::size_t in_use = 0;
    std::size_t high_water = 0;      // this arena's, since the last import
  };
  // Own cache lines: the arenas of two threads share nothing they write.
  struct alignas(64) Arena {
    mutable PoolLock lock;
    std::vector<SizeClass> classes;  // fixed after construction
    std::uint64_t in_use = 0;        // bytes
    std::uint64_t next_id = 0;       // this arena's block of ids: [next_id, id_end)
    std::uint64_t id_end = 0;
    std::uint64_t last_id = 0;       // the highest id it handed out since the last import
  };
  class AllArenas;  // every arena's lock, in arena order
  enum class Release { done, not_here, refused };

  std::chrono::steady_clock::time_point now() const;
  int class_of_size(std::uint64_t size) const;  // -1 when not a class size of this pool
  Arena& own_arena() const;
  // Hands out free slot `i` of `c` in `a` as a new allocation. Arena lock held.
  sdk::Buffer hand_out(Arena& a, SizeClass& c, std::size_t i,
                       std::chrono::steady_clock::time_point since);
  // Releases `buffer` (class `k`) if `a` holds it. Takes the arena's lock.
  Release release_in(Arena& a, std::size_t k, const sdk::Buffer& buffer);
  // A free slot of `c` (its number), kNone when there is none. Arena lock held.
  std::size_t take_free(SizeClass& c);
  // A free slot of `c`, else a new buffer's (make_buffer). Arena lock held.
  std::size_t take_or_make(SizeClass& c);
  // stats() with every arena's lock held. Allocates (its vector) under the locks.
  sdk::PoolStats stats_locked() const;
  // Takes `bytes` of the limit: false (and nothing taken) when they do not fit.
  bool reserve(std::uint64_t bytes);
  // A new buffer for class `c` in a new slot (its number); kNone when the limit or memory is
  // short (then nothing changed). Arena lock held.
  std::size_t make_buffer(SizeClass& c);
  // Frees the free buffers of `c` beyond the first `keep`; returns the bytes given back. Arena
  // lock held.
  std::uint64_t drop_free(SizeClass& c, std::size_t keep);
  // One past the highest id handed out, or the floor. All arena locks held.
  std::uint64_t next_id_locked() const;

  const std::uint64_t max_class_;
  const Clock clock_;
  std::vector<std::unique_ptr<Arena>> arenas_;  // fixed after construction
  std::atomic<std::uint64_t> limit_;            // written under every arena lock
  std::atomic<std::uint64_t> reserved_{0};
  std::atomic<std::uint64_t> id_source_{1};     // the next id no arena has taken
  std::uint64_t id_floor_ = 1;                  // guarded by every arena lock
  std::vector<std::size_t> imported_high_water_;  // per class; guarded by every arena lock
};

}  // namespace selfheal::components
