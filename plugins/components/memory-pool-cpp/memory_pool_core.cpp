#include "memory_pool_core.hpp"

#include <time.h>

#include <algorithm>
#include <bit>
#include <new>
#include <optional>

#include "common/le_bytes.hpp"

namespace selfheal::components {
namespace {

constexpr std::align_val_t kAlign{64};

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

bool pool_valid_config(std::uint64_t max_class, std::uint64_t memory_limit) {
  return (max_class & (max_class - 1)) == 0 && max_class >= kPoolMinClass &&
         max_class <= kPoolMaxClassLimit && memory_limit > 0;
}

MemoryPoolCore::MemoryPoolCore(std::uint64_t max_class, std::uint64_t memory_limit, Clock clock)
    : max_class_(max_class), clock_(std::move(clock)), limit_(memory_limit) {
  classes_.reserve(class_count(max_class));
  for (std::size_t k = 0; k < class_count(max_class); ++k)
    classes_.emplace_back(static_cast<std::size_t>(kPoolMinClass << k));
}

MemoryPoolCore::~MemoryPoolCore() {
  for (auto& c : classes_)
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

std::size_t MemoryPoolCore::make_buffer(SizeClass& c) {
  if (reserved_ > limit_ || limit_ - reserved_ < c.size) return PointerIndex::kNone;
  try {  // room first, so that nothing below can fail half-way
    const std::size_t n = c.slots.size() + 1;
    if (c.slots.capacity() < n) c.slots.reserve(2 * n + 6);
    if (c.free.capacity() < n) c.free.reserve(2 * n + 6);  // release never allocates
    c.index.reserve(n);
  } catch (const std::bad_alloc&) {
    return PointerIndex::kNone;
  }
  void* data = new_buffer(c.size);
  if (data == nullptr) return PointerIndex::kNone;
  reserved_ += c.size;
  c.index.insert(data, c.slots.size());
  c.slots.push_back({data, 0, {}});
  return c.slots.size() - 1;
}

sdk::Result<sdk::Buffer> MemoryPoolCore::allocate(std::size_t bytes) {
  if (bytes > max_class_)
    return error(sdk::Errc::invalid_argument, "larger than the largest class");
  const std::uint64_t size = bytes <= kPoolMinClass ? kPoolMinClass : std::bit_ceil(std::uint64_t{bytes});
  SizeClass& c = classes_[static_cast<std::size_t>(class_of_size(size))];
  const auto since = now();  // outside the lock
  PoolLock::Guard lock(lock_);
  std::size_t i;
  if (!c.free.empty()) {
    i = c.free.back();
    c.free.pop_back();
  } else if (i = make_buffer(c); i == PointerIndex::kNone) {
    return error(sdk::Errc::out_of_memory, reserved_ + c.size > limit_ ? "memory limit reached"
                                                                         : "the system is out of memory");
  }
  Slot& s = c.slots[i];
  s.id = next_id_++;
  s.since = since;
  c.high_water = std::max(c.high_water, ++c.in_use);
  in_use_ += size;
  return sdk::Buffer{s.data, static_cast<std::size_t>(size), s.id};
}

sdk::Status MemoryPoolCore::release(const sdk::Buffer& buffer) {
  const int k = class_of_size(buffer.size);
  if (k < 0) return error(sdk::Errc::invalid_argument, "not a buffer size of this pool");
  SizeClass& c = classes_[static_cast<std::size_t>(k)];
  PoolLock::Guard lock(lock_);
  const std::size_t i = c.index.find(buffer.data);
  if (i == PointerIndex::kNone || buffer.id == 0 || c.slots[i].id != buffer.id)
    return error(sdk::Errc::invalid_argument, "not an outstanding buffer of this pool");
  c.slots[i].id = 0;
  c.free.push_back(i);  // never reallocates: see make_buffer()
  --c.in_use;
  in_use_ -= c.size;
  return {};
}

sdk::PoolStats MemoryPoolCore::stats() const {
  sdk::PoolStats s;
  s.classes.reserve(classes_.size());
  PoolLock::Guard lock(lock_);
  for (const auto& c : classes_)
    s.classes.push_back({c.size, c.free.size(), c.slots.size(), c.high_water});
  s.bytes_in_use = static_cast<std::size_t>(in_use_);
  s.bytes_reserved = static_cast<std::size_t>(reserved_);
  s.memory_limit = static_cast<std::size_t>(limit_);
  return s;
}

std::vector<sdk::OutstandingBuffer> MemoryPoolCore::outstanding_older_than(
    std::chrono::milliseconds age) const {
  const auto t = now();
  std::vector<sdk::OutstandingBuffer> out;
  {
    PoolLock::Guard lock(lock_);
    std::size_t count = 0;
    for (const auto& c : classes_) count += c.in_use;
    out.reserve(count);  // nothing below allocates while the lock is held
    for (const auto& c : classes_)
      for (const Slot& s : c.slots) {
        if (s.id == 0) continue;
        const auto a = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(t - s.since, std::chrono::steady_clock::duration::zero()));
        if (a >= age) out.push_back({s.id, c.size, a});
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
  PoolLock::Guard lock(lock_);
  std::uint64_t freed = 0;
  for (auto& c : classes_) freed += drop_free(c, 0);
  reserved_ -= freed;
  return static_cast<std::size_t>(freed);
}

std::vector<std::uint8_t> MemoryPoolCore::export_state() const {
  const sdk::PoolStats s = stats();
  std::uint64_t next_id = 0;
  {
    PoolLock::Guard lock(lock_);
    next_id = next_id_;
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
  PoolLock::Guard lock(lock_);
  // Target capacity per class: the imported one, never below what is in use here.
  std::vector<std::uint64_t> target(classes_.size());
  std::uint64_t needed = 0;
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    const SizeClass& c = classes_[k];
    target[k] = std::max<std::uint64_t>(st->classes[k].first, c.in_use);
    if (target[k] > (UINT64_MAX - needed) / c.size)
      return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
    needed += target[k] * c.size;
  }
  // Also bounded by this pool's own limit, so a blob can never make it reserve more than it was
  // configured to hold.
  if (needed > st->limit || needed > limit_)
    return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
  std::vector<std::vector<void*>> fresh(classes_.size());
  auto undo = [&] {
    for (auto& list : fresh)
      for (void* p : list) free_buffer(p);
  };
  try {  // every allocation before the first change
    for (std::size_t k = 0; k < classes_.size(); ++k) {
      SizeClass& c = classes_[k];
      const auto want = static_cast<std::size_t>(target[k]);
      const std::size_t want_free = want - c.in_use;
      fresh[k].reserve(want_free > c.free.size() ? want_free - c.free.size() : 0);
      for (std::size_t n = c.free.size(); n < want_free; ++n) {
        void* p = new_buffer(c.size);
        if (p == nullptr) {
          undo();
          return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
        }
        fresh[k].push_back(p);
      }
      if (c.slots.capacity() < want) c.slots.reserve(want);
      if (c.free.capacity() < want) c.free.reserve(want);
      c.index.reserve(want);
    }
  } catch (const std::bad_alloc&) {
    undo();
    return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
  }
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    SizeClass& c = classes_[k];
    drop_free(c, static_cast<std::size_t>(target[k]) - c.in_use);
    for (void* p : fresh[k]) {  // room reserved above
      c.index.insert(p, c.slots.size());
      c.free.push_back(c.slots.size());
      c.slots.push_back({p, 0, {}});
    }
    c.high_water = static_cast<std::size_t>(
        std::max<std::uint64_t>(st->classes[k].second, c.in_use));
  }
  reserved_ = needed;
  limit_ = st->limit;
  next_id_ = std::max(next_id_, st->next_id);
  return {};
}

}  // namespace selfheal::components
