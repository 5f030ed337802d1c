#include "memory_pool_core.hpp"

#include <time.h>

#include <algorithm>
#include <bit>
#include <array>
#include <new>
#include <optional>
#include <thread>

#include "common/le_bytes.hpp"

namespace selfheal::components {
namespace {

constexpr std::align_val_t kAlign{64};
constexpr std::uint64_t kIdBlock = 64;  // ids an arena takes from the pool's counter at a time
constexpr std::size_t kMaxArenas = 16;

// Twice the CPUs, as a power of two (so that a thread's arena is a mask, not a division).
std::size_t arena_count() {
  const std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::min(std::bit_ceil(2 * cpus), kMaxArenas);
}

// Threads are numbered in the order they first call a pool (any pool): a thread keeps its
// arena for good, so a single thread always sees one arena, as the shared vectors require.
// initial-exec: one load from the thread pointer in the plugin too (the default model calls
// __tls_get_addr in a shared object); 8 bytes of glibc's static TLS reserve, as libselfheal's
// read slot takes.
constinit thread_local std::size_t this_thread_number_or_none
    __attribute__((tls_model("initial-exec"))) = ~std::size_t{0};

std::size_t this_thread_number() {
  static std::atomic<std::size_t> next{0};
  std::size_t& number = this_thread_number_or_none;
  if (number == ~std::size_t{0}) [[unlikely]]
    number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

void* new_buffer(std::size_t size) noexcept { return ::operator new(size, kAlign, std::nothrow); }
void free_buffer(void* p) noexcept { ::operator delete(p, kAlign); }

std::size_t class_count(std::uint64_t max_class) {
  return static_cast<std::size_t>(std::countr_zero(max_class) - std::countr_zero(kPoolMinClass) +
                                  1);
}

sdk::Status error(sdk::Errc code, const char* what) { return sdk::Status::error(code, what); }

struct ParsedState {
  std::uint64_t limit = 0, max_class = 0, next_id = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> classes;  // (capacity, high_water)
};

std::optional<ParsedState> parse(std::span<const std::uint8_t> blob) {
  LeReader r(blob);
  auto magic = r.u32(), version = r.u32();
  auto limit = r.u64(), max_class = r.u64(), next_id = r.u64();
  auto count = r.u32(), reserved = r.u32();
  if (!magic || !version || !limit || !max_class || !next_id || !count || !reserved ||
      *magic != kPoolMagic || *version != kPoolVersion || *reserved != 0 ||
      !pool_valid_config(*max_class, *limit) || *next_id == 0 ||
      *count != class_count(*max_class) || r.remaining() != std::size_t{*count} * kPoolClassEntry)
    return std::nullopt;
  ParsedState s{*limit, *max_class, *next_id, {}};
  std::uint64_t total = 0;
  for (std::uint32_t k = 0; k < *count; ++k) {
    const std::uint64_t size = *r.u64(), capacity = *r.u64(), high_water = *r.u64();
    if (size != kPoolMinClass << k || capacity > (UINT64_MAX - total) / size) return std::nullopt;
    total += capacity * size;
    s.classes.emplace_back(capacity, high_water);
  }
  if (total > s.limit) return std::nullopt;
  return s;
}

}  // namespace

// Every arena's lock, taken in arena order (the only order two locks are ever held in), for a
// view of the whole pool at one instant.
class MemoryPoolCore::AllArenas {
 public:
  explicit AllArenas(const MemoryPoolCore& pool) {
    for (std::size_t a = 0; a < pool.arenas_.size(); ++a) guards_[a].emplace(pool.arenas_[a]->lock);
  }

 private:
  std::array<std::optional<PoolLock::Guard>, kMaxArenas> guards_;
};

bool pool_valid_config(std::uint64_t max_class, std::uint64_t memory_limit) {
  return (max_class & (max_class - 1)) == 0 && max_class >= kPoolMinClass &&
         max_class <= kPoolMaxClassLimit && memory_limit > 0;
}

MemoryPoolCore::MemoryPoolCore(std::uint64_t max_class, std::uint64_t memory_limit, Clock clock)
    : max_class_(max_class), clock_(std::move(clock)), limit_(memory_limit) {
  const std::size_t classes = class_count(max_class);
  const std::size_t arenas = arena_count();
  for (std::size_t a = 0; a < arenas; ++a) {
    auto& arena = arenas_.emplace_back(std::make_unique<Arena>());
    arena->classes.reserve(classes);
    for (std::size_t k = 0; k < classes; ++k)
      arena->classes.emplace_back(static_cast<std::size_t>(kPoolMinClass << k));
  }
  imported_high_water_.assign(classes, 0);
}

MemoryPoolCore::~MemoryPoolCore() {
  for (auto& a : arenas_)
    for (auto& c : a->classes)
      for (const Slot& s : c.slots) free_buffer(s.data);
}

std::chrono::steady_clock::time_point MemoryPoolCore::now() const {
  if (clock_) return clock_();
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);  // steady_clock's epoch on Linux
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

int MemoryPoolCore::class_of_size(std::uint64_t size) const {
  if ((size & (size - 1)) != 0 || size < kPoolMinClass || size > max_class_) return -1;
  return std::countr_zero(size) - std::countr_zero(kPoolMinClass);
}

MemoryPoolCore::Arena& MemoryPoolCore::own_arena() const {
  return *arenas_[this_thread_number() & (arenas_.size() - 1)];
}

bool MemoryPoolCore::reserve(std::uint64_t bytes) {
  const std::uint64_t limit = limit_.load(std::memory_order_relaxed);
  std::uint64_t r = reserved_.load(std::memory_order_relaxed);
  do {
    if (r > limit || limit - r < bytes) return false;
  } while (!reserved_.compare_exchange_weak(r, r + bytes, std::memory_order_relaxed));
  return true;
}

std::size_t MemoryPoolCore::make_buffer(SizeClass& c) {
  try {  // room first, so that nothing below can fail half-way
    const std::size_t n = c.slots.size() + 1;
    if (c.slots.capacity() < n) c.slots.reserve(2 * n + 6);
    if (c.free.capacity() < n) c.free.reserve(2 * n + 6);  // release never allocates
    c.index.reserve(n);
  } catch (const std::bad_alloc&) {
    return PointerIndex::kNone;
  }
  if (!reserve(c.size)) return PointerIndex::kNone;
  void* data = new_buffer(c.size);
  if (data == nullptr) {
    reserved_.fetch_sub(c.size, std::memory_order_relaxed);
    return PointerIndex::kNone;
  }
  c.index.insert(data, c.slots.size());
  c.slots.push_back({data, 0, {}});
  return c.slots.size() - 1;
}

sdk::Buffer MemoryPoolCore::hand_out(Arena& a, SizeClass& c, std::size_t i,
                                     std::chrono::steady_clock::time_point since) {
  if (a.next_id == a.id_end) {  // one atomic per kIdBlock allocations
    a.next_id = id_source_.fetch_add(kIdBlock, std::memory_order_relaxed);
    a.id_end = a.next_id + kIdBlock;
  }
  Slot& s = c.slots[i];
  s.id = a.last_id = a.next_id++;
  s.since = since;
  c.high_water = std::max(c.high_water, ++c.in_use);
  a.in_use += c.size;
  return sdk::Buffer{s.data, c.size, s.id};
}

sdk::Result<sdk::Buffer> MemoryPoolCore::allocate(std::size_t bytes) {
  if (bytes > max_class_)
    return error(sdk::Errc::invalid_argument, "larger than the largest class");
  const std::uint64_t size = bytes <= kPoolMinClass ? kPoolMinClass : std::bit_ceil(std::uint64_t{bytes});
  const auto k = static_cast<std::size_t>(class_of_size(size));
  const auto since = now();  // outside the lock
  Arena& own = own_arena();
  {
    PoolLock::Guard lock(own.lock);
    SizeClass& c = own.classes[k];
    if (const std::size_t i = take_or_make(c); i != PointerIndex::kNone) return hand_out(own, c, i, since);
  }
  // The limit (or the system) is short. Again with every arena's lock, the whole pool at one
  // instant as with a single lock: a buffer freed or room given back meanwhile anywhere, else a
  // free buffer of another arena, before failing.
  AllArenas all(*this);
  if (const std::size_t i = take_or_make(own.classes[k]); i != PointerIndex::kNone)
    return hand_out(own, own.classes[k], i, since);
  for (auto& a : arenas_)
    if (const std::size_t i = take_free(a->classes[k]); i != PointerIndex::kNone)
      return hand_out(*a, a->classes[k], i, since);
  return error(sdk::Errc::out_of_memory,
               reserved_.load(std::memory_order_relaxed) + size > limit_.load(std::memory_order_relaxed)
                   ? "memory limit reached"
                   : "the system is out of memory");
}

std::size_t MemoryPoolCore::take_free(SizeClass& c) {
  if (c.free.empty()) return PointerIndex::kNone;
  const std::size_t i = c.free.back();
  c.free.pop_back();
  return i;
}

std::size_t MemoryPoolCore::take_or_make(SizeClass& c) {
  const std::size_t i = take_free(c);
  return i != PointerIndex::kNone ? i : make_buffer(c);
}

MemoryPoolCore::Release MemoryPoolCore::release_in(Arena& a, std::size_t k,
                                                   const sdk::Buffer& buffer) {
  PoolLock::Guard lock(a.lock);
  SizeClass& c = a.classes[k];
  const std::size_t i = c.index.find(buffer.data);
  if (i == PointerIndex::kNone) return Release::not_here;
  if (c.slots[i].id != buffer.id) return Release::refused;  // a buffer lives in one arena only
  c.slots[i].id = 0;
  c.free.push_back(i);  // never reallocates: see make_buffer()
  --c.in_use;
  a.in_use -= c.size;
  return Release::done;
}

sdk::Status MemoryPoolCore::release(const sdk::Buffer& buffer) {
  const int k = class_of_size(buffer.size);
  if (k < 0) return error(sdk::Errc::invalid_argument, "not a buffer size of this pool");
  Release r = Release::refused;
  if (buffer.id != 0) {
    Arena& own = own_arena();
    r = release_in(own, static_cast<std::size_t>(k), buffer);
    for (std::size_t a = 0; r == Release::not_here && a < arenas_.size(); ++a)
      if (arenas_[a].get() != &own) r = release_in(*arenas_[a], static_cast<std::size_t>(k), buffer);
  }
  if (r != Release::done)
    return error(sdk::Errc::invalid_argument, "not an outstanding buffer of this pool");
  return {};
}

sdk::PoolStats MemoryPoolCore::stats() const {
  AllArenas lock(*this);
  return stats_locked();
}

sdk::PoolStats MemoryPoolCore::stats_locked() const {
  sdk::PoolStats s;
  s.classes.reserve(imported_high_water_.size());
  for (std::size_t k = 0; k < imported_high_water_.size(); ++k) {
    sdk::SizeClassStats c{arenas_[0]->classes[k].size, 0, 0, 0};
    std::size_t high_water = 0;
    for (const auto& a : arenas_) {
      c.available += a->classes[k].free.size();
      c.capacity += a->classes[k].slots.size();
      high_water += a->classes[k].high_water;
    }
    c.high_water = std::max(high_water, imported_high_water_[k]);
    s.classes.push_back(c);
  }
  for (const auto& a : arenas_) s.bytes_in_use += static_cast<std::size_t>(a->in_use);
  s.bytes_reserved = static_cast<std::size_t>(reserved_.load(std::memory_order_relaxed));
  s.memory_limit = static_cast<std::size_t>(limit_.load(std::memory_order_relaxed));
  return s;
}

std::vector<sdk::OutstandingBuffer> MemoryPoolCore::outstanding_older_than(
    std::chrono::milliseconds age) const {
  const auto t = now();
  std::vector<sdk::OutstandingBuffer> out;
  {
    AllArenas lock(*this);
    std::size_t count = 0;
    for (const auto& a : arenas_)
      for (const auto& c : a->classes) count += c.in_use;
    out.reserve(count);  // nothing below allocates while the locks are held
    for (const auto& a : arenas_)
      for (const auto& c : a->classes)
        for (const Slot& s : c.slots) {
          if (s.id == 0) continue;
          const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::max(t - s.since, std::chrono::steady_clock::duration::zero()));
          if (d >= age) out.push_back({s.id, c.size, d});
        }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::uint64_t MemoryPoolCore::drop_free(SizeClass& c, std::size_t keep) {
  if (c.free.size() <= keep) return 0;
  std::uint64_t freed = 0;
  while (c.free.size() > keep) {
    Slot& s = c.slots[c.free.back()];
    c.free.pop_back();
    free_buffer(s.data);
    s.data = nullptr;
    freed += c.size;
  }
  // Compact the slots and rebuild the free stack and the index (their room is kept: no
  // allocation).
  std::size_t n = 0;
  for (const Slot& s : c.slots)
    if (s.data != nullptr) c.slots[n++] = s;
  c.slots.resize(n);
  c.free.clear();
  c.index.clear();
  for (std::size_t i = 0; i < n; ++i) {
    c.index.insert(c.slots[i].data, i);
    if (c.slots[i].id == 0) c.free.push_back(i);
  }
  return freed;
}

std::size_t MemoryPoolCore::trim() {
  std::uint64_t freed = 0;
  for (auto& a : arenas_) {
    PoolLock::Guard lock(a->lock);
    std::uint64_t here = 0;
    for (auto& c : a->classes) here += drop_free(c, 0);
    reserved_.fetch_sub(here, std::memory_order_relaxed);
    freed += here;
  }
  return static_cast<std::size_t>(freed);
}

std::uint64_t MemoryPoolCore::next_id_locked() const {
  std::uint64_t next = id_floor_;
  for (const auto& a : arenas_)
    if (a->last_id != 0) next = std::max(next, a->last_id + 1);
  return next;
}

std::vector<std::uint8_t> MemoryPoolCore::export_state() const {
  sdk::PoolStats s;
  std::uint64_t next_id = 0;
  {
    AllArenas lock(*this);
    s = stats_locked();
    next_id = next_id_locked();
  }
  std::vector<std::uint8_t> out;
  out.reserve(kPoolHeader + kPoolClassEntry * s.classes.size());
  put_u32(out, kPoolMagic);
  put_u32(out, kPoolVersion);
  put_u64(out, s.memory_limit);
  put_u64(out, max_class_);
  put_u64(out, next_id);
  put_u32(out, static_cast<std::uint32_t>(s.classes.size()));
  put_u32(out, 0);
  for (const auto& c : s.classes) {
    put_u64(out, c.buffer_size);
    put_u64(out, c.capacity);
    put_u64(out, c.high_water);
  }
  return out;
}

sdk::Status MemoryPoolCore::import_state(std::span<const std::uint8_t> blob) {
  auto st = parse(blob);
  if (!st) return error(sdk::Errc::corrupt_state, "not a valid memory pool state");
  if (st->max_class != max_class_)
    return error(sdk::Errc::invalid_argument, "the state has another size-class layout");
  const std::size_t classes = imported_high_water_.size();
  Arena& own = own_arena();
  AllArenas lock(*this);
  // Per class, over every arena: in use, free, and the target capacity (the imported one, never
  // below what is in use here).
  std::vector<std::uint64_t> in_use(classes), free(classes), target(classes);
  std::uint64_t needed = 0;
  for (std::size_t k = 0; k < classes; ++k) {
    for (const auto& a : arenas_) {
      in_use[k] += a->classes[k].in_use;
      free[k] += a->classes[k].free.size();
    }
    const std::uint64_t size = own.classes[k].size;
    target[k] = std::max<std::uint64_t>(st->classes[k].first, in_use[k]);
    if (target[k] > (UINT64_MAX - needed) / size)
      return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
    needed += target[k] * size;
  }
  // Also bounded by this pool's own limit, so a blob can never make it reserve more than it was
  // configured to hold.
  if (needed > st->limit || needed > limit_.load(std::memory_order_relaxed))
    return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
  // New free buffers go to the importing thread's arena.
  std::vector<std::vector<void*>> fresh(classes);
  auto undo = [&] {
    for (auto& list : fresh)
      for (void* p : list) free_buffer(p);
  };
  try {  // every allocation before the first change
    for (std::size_t k = 0; k < classes; ++k) {
      SizeClass& c = own.classes[k];
      const std::uint64_t want_free = target[k] - in_use[k];
      const std::size_t add = static_cast<std::size_t>(want_free > free[k] ? want_free - free[k] : 0);
      fresh[k].reserve(add);
      for (std::size_t n = 0; n < add; ++n) {
        void* p = new_buffer(c.size);
        if (p == nullptr) {
          undo();
          return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
        }
        fresh[k].push_back(p);
      }
      const std::size_t room = c.slots.size() + add;
      if (c.slots.capacity() < room) c.slots.reserve(room);
      if (c.free.capacity() < room) c.free.reserve(room);
      c.index.reserve(room);
    }
  } catch (const std::bad_alloc&) {
    undo();
    return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
  }
  for (std::size_t k = 0; k < classes; ++k) {
    // Free buffers beyond the target go, from the first arenas on.
    std::uint64_t excess = free[k] > target[k] - in_use[k] ? free[k] - (target[k] - in_use[k]) : 0;
    for (auto& a : arenas_) {
      SizeClass& c = a->classes[k];
      const std::size_t drop = static_cast<std::size_t>(std::min<std::uint64_t>(excess, c.free.size()));
      excess -= drop;
      drop_free(c, c.free.size() - drop);
      c.high_water = c.in_use;
    }
    SizeClass& c = own.classes[k];
    for (void* p : fresh[k]) {  // room reserved above
      c.index.insert(p, c.slots.size());
      c.free.push_back(c.slots.size());
      c.slots.push_back({p, 0, {}});
    }
    imported_high_water_[k] =
        static_cast<std::size_t>(std::max<std::uint64_t>(st->classes[k].second, in_use[k]));
  }
  reserved_.store(needed, std::memory_order_relaxed);  // every arena's lock is held
  limit_.store(st->limit, std::memory_order_relaxed);
  const std::uint64_t next = std::max(next_id_locked(), st->next_id);
  id_floor_ = next;
  id_source_.store(next, std::memory_order_relaxed);
  for (auto& a : arenas_) a->next_id = a->id_end = a->last_id = 0;
  return {};
}

}  // namespace selfheal::components
