// Buffer address -> slot number, for the memory pool's release check: open addressing with
// linear probing, at most half full. Entries are only added (when the pool makes a buffer) or
// rebuilt from scratch (trim, import), so there are no tombstones; lookups never allocate.
// Not thread-safe: its arena's lock guards it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace selfheal::components {

class PointerIndex {
 public:
  static constexpr std::size_t kNone = ~std::size_t{0};

  // Room for `entries` entries in all, so that the next insert()s cannot allocate. Throws
  // std::bad_alloc, leaving the index unchanged.
  void reserve(std::size_t entries) {
    if (entries * 2 <= table_.size()) return;
    std::vector<Entry> bigger(std::bit_ceil(entries * 2 < 16 ? std::size_t{16} : entries * 2));
    table_.swap(bigger);
    mask_ = table_.size() - 1;
    shift_ = 64 - std::countr_zero(table_.size());
    for (const Entry& e : bigger)
      if (e.key != nullptr) insert(e.key, e.slot);
  }

  // Requires reserve() room and `key` (not null) absent.
  void insert(const void* key, std::size_t slot) noexcept {
    std::size_t i = home(key);
    while (table_[i].key != nullptr) i = (i + 1) & mask_;
    table_[i] = {key, slot};
  }

  std::size_t find(const void* key) const noexcept {
    if (table_.empty() || key == nullptr) return kNone;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (table_[i].key == key) return table_[i].slot;
      if (table_[i].key == nullptr) return kNone;
    }
  }

  // Empties the index, keeping its room.
  void clear() noexcept {
    for (Entry& e : table_) e = {};
  }

 private:
  struct Entry {
    const void* key = nullptr;
    std::size_t slot = 0;
  };
  // Buffers are 64-byte aligned: drop those bits, then a Fibonacci hash onto the table.
  std::size_t home(const void* key) const noexcept {
    const auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(key)) >> 6;
    return static_cast<std::size_t>((x * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  std::vector<Entry> table_;  // size 0 or a power of two >= 16
  std::size_t mask_ = 0;
  int shift_ = 63;
};

}  // namespace selfheal::components
