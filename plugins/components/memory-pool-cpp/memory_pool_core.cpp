#include "memory_pool_core.hpp"

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
  return std::has_single_bit(max_class) && max_class >= kPoolMinClass &&
         max_class <= kPoolMaxClassLimit && memory_limit > 0;
}

MemoryPoolCore::MemoryPoolCore(std::uint64_t max_class, std::uint64_t memory_limit, Clock clock)
    : max_class_(max_class), clock_(std::move(clock)), limit_(memory_limit) {
  for (std::size_t k = 0; k < class_count(max_class); ++k)
    classes_.push_back(std::make_unique<SizeClass>(static_cast<std::size_t>(kPoolMinClass << k)));
}

MemoryPoolCore::~MemoryPoolCore() {
  for (auto& c : classes_) {
    for (void* p : c->free) free_buffer(p);
    for (auto& [id, o] : c->outstanding) free_buffer(o.data);
  }
}

std::chrono::steady_clock::time_point MemoryPoolCore::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

int MemoryPoolCore::class_of_size(std::uint64_t size) const {
  if (!std::has_single_bit(size) || size < kPoolMinClass || size > max_class_) return -1;
  return std::countr_zero(size) - std::countr_zero(kPoolMinClass);
}

sdk::Result<sdk::Buffer> MemoryPoolCore::allocate(std::size_t bytes) {
  if (bytes > max_class_)
    return error(sdk::Errc::invalid_argument, "larger than the largest class");
  const std::uint64_t size = std::bit_ceil(std::max<std::uint64_t>(bytes, kPoolMinClass));
  SizeClass& c = *classes_[static_cast<std::size_t>(class_of_size(size))];
  const auto since = now();
  std::lock_guard lock(c.mu);
  void* data = nullptr;
  bool made = false;
  if (!c.free.empty()) {
    data = c.free.back();
    c.free.pop_back();
  } else {
    try {  // the free list can always take back every buffer: release never allocates
      c.free.reserve(c.free.size() + c.outstanding.size() + 1);
    } catch (const std::bad_alloc&) {
      return error(sdk::Errc::out_of_memory, "no memory to track the buffer");
    }
    const std::uint64_t limit = limit_.load(std::memory_order_relaxed);
    std::uint64_t r = reserved_.load(std::memory_order_relaxed);
    do {
      if (r > limit || limit - r < size)
        return error(sdk::Errc::out_of_memory, "memory limit reached");
    } while (!reserved_.compare_exchange_weak(r, r + size, std::memory_order_relaxed));
    data = new_buffer(size);
    if (data == nullptr) {
      reserved_.fetch_sub(size, std::memory_order_relaxed);
      return error(sdk::Errc::out_of_memory, "the system is out of memory");
    }
    made = true;
  }
  const std::uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  try {
    c.outstanding.emplace(id, Outstanding{data, since});
  } catch (const std::bad_alloc&) {
    if (made) {
      free_buffer(data);
      reserved_.fetch_sub(size, std::memory_order_relaxed);
    } else {
      c.free.push_back(data);  // capacity reserved: cannot throw
    }
    return error(sdk::Errc::out_of_memory, "no memory to track the buffer");
  }
  c.high_water = std::max(c.high_water, c.outstanding.size());
  in_use_.fetch_add(size, std::memory_order_relaxed);
  return sdk::Buffer{data, static_cast<std::size_t>(size), id};
}

sdk::Status MemoryPoolCore::release(const sdk::Buffer& buffer) {
  const int k = class_of_size(buffer.size);
  if (k < 0) return error(sdk::Errc::invalid_argument, "not a buffer size of this pool");
  SizeClass& c = *classes_[static_cast<std::size_t>(k)];
  std::lock_guard lock(c.mu);
  auto it = c.outstanding.find(buffer.id);
  if (it == c.outstanding.end() || it->second.data != buffer.data)
    return error(sdk::Errc::invalid_argument, "not an outstanding buffer of this pool");
  c.free.push_back(it->second.data);  // never reallocates: see allocate()
  c.outstanding.erase(it);
  in_use_.fetch_sub(buffer.size, std::memory_order_relaxed);
  return {};
}

sdk::PoolStats MemoryPoolCore::stats() const {
  sdk::PoolStats s;
  for (const auto& c : classes_) {
    std::lock_guard lock(c->mu);
    s.classes.push_back(
        {c->size, c->free.size(), c->free.size() + c->outstanding.size(), c->high_water});
  }
  s.bytes_in_use = static_cast<std::size_t>(in_use_.load(std::memory_order_relaxed));
  s.bytes_reserved = static_cast<std::size_t>(reserved_.load(std::memory_order_relaxed));
  s.memory_limit = static_cast<std::size_t>(limit_.load(std::memory_order_relaxed));
  return s;
}

std::vector<sdk::OutstandingBuffer> MemoryPoolCore::outstanding_older_than(
    std::chrono::milliseconds age) const {
  const auto t = now();
  std::vector<sdk::OutstandingBuffer> out;
  for (const auto& c : classes_) {
    std::lock_guard lock(c->mu);
    for (const auto& [id, o] : c->outstanding) {
      const auto a = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::max(t - o.since, std::chrono::steady_clock::duration::zero()));
      if (a >= age) out.push_back({id, c->size, a});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::size_t MemoryPoolCore::trim() {
  std::uint64_t freed = 0;
  for (auto& c : classes_) {
    std::lock_guard lock(c->mu);
    for (void* p : c->free) free_buffer(p);
    freed += c->free.size() * c->size;
    c->free.clear();
  }
  reserved_.fetch_sub(freed, std::memory_order_relaxed);
  return static_cast<std::size_t>(freed);
}

std::vector<std::uint8_t> MemoryPoolCore::export_state() const {
  const sdk::PoolStats s = stats();
  std::vector<std::uint8_t> out;
  out.reserve(kPoolHeader + kPoolClassEntry * s.classes.size());
  put_u32(out, kPoolMagic);
  put_u32(out, kPoolVersion);
  put_u64(out, limit_.load(std::memory_order_relaxed));
  put_u64(out, max_class_);
  put_u64(out, next_id_.load(std::memory_order_relaxed));
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
  std::vector<std::unique_lock<std::mutex>> locks;
  for (auto& c : classes_) locks.emplace_back(c->mu);
  // Target capacity per class: the imported one, never below what is in use here.
  std::vector<std::uint64_t> target(classes_.size());
  std::uint64_t needed = 0;
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    const SizeClass& c = *classes_[k];
    target[k] = std::max<std::uint64_t>(st->classes[k].first, c.outstanding.size());
    if (target[k] > (UINT64_MAX - needed) / c.size)
      return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
    needed += target[k] * c.size;
  }
  // Also bounded by this pool's own limit, so a blob can never make it reserve more than it was
  // configured to hold.
  if (needed > st->limit || needed > limit_.load(std::memory_order_relaxed))
    return error(sdk::Errc::out_of_memory, "the imported capacity does not fit the limit");
  std::vector<std::vector<void*>> fresh(classes_.size());
  auto undo = [&] {
    for (auto& list : fresh)
      for (void* p : list) free_buffer(p);
  };
  try {
    for (std::size_t k = 0; k < classes_.size(); ++k) {
      SizeClass& c = *classes_[k];
      const std::uint64_t want_free = target[k] - c.outstanding.size();
      for (std::uint64_t n = c.free.size(); n < want_free; ++n) {
        void* p = new_buffer(c.size);
        if (p == nullptr) {
          undo();
          return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
        }
        fresh[k].push_back(p);
      }
      c.free.reserve(static_cast<std::size_t>(want_free) + c.outstanding.size());
    }
  } catch (const std::bad_alloc&) {
    undo();
    return error(sdk::Errc::out_of_memory, "no memory to pre-warm the pool");
  }
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    SizeClass& c = *classes_[k];
    const std::uint64_t keep = target[k] - c.outstanding.size();
    while (c.free.size() > keep) {
      free_buffer(c.free.back());
      c.free.pop_back();
    }
    c.free.insert(c.free.end(), fresh[k].begin(), fresh[k].end());  // reserved above
    c.high_water = static_cast<std::size_t>(
        std::max<std::uint64_t>(st->classes[k].second, c.outstanding.size()));
  }
  reserved_.store(needed, std::memory_order_relaxed);
  limit_.store(st->limit, std::memory_order_relaxed);
  std::uint64_t id = next_id_.load(std::memory_order_relaxed);
  while (id < st->next_id && !next_id_.compare_exchange_weak(id, st->next_id)) {
  }
  return {};
}

}  // namespace selfheal::components
