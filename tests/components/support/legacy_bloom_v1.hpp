// The Bloom filter as it was before state format 2, kept verbatim in its hot paths for two
// uses: tests make format-1 states with it (which the components must still import), and
// bench/ times it beside the current filter on the same keys (the "old" in new/old ratios).
// Format 1: XXH64 (seed 0); contains is an 8-step loop with an early exit; insert is eight
// fetch_or plus one shared counter. Not thread-safe beyond what the original was; tests only.
#pragma once

#include <xxhash.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/bloom_probe.hpp"

namespace selfheal::components::testing {

class LegacyBloomV1 {
 public:
  explicit LegacyBloomV1(std::uint64_t num_blocks)
      : num_blocks_(num_blocks),
        words_(
            static_cast<std::uint32_t*>(::operator new[](num_blocks * 32, std::align_val_t{64}))) {
    clear();
  }

  bool insert(std::string_view key) {
    const std::uint64_t h = XXH64(key.data(), key.size(), 0);
    const std::uint64_t base = block_of(h);
    bool fresh = false;
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t mask = bloom_probe::bit_mask(static_cast<std::uint32_t>(h), i);
      const std::uint32_t old = word(base + i).fetch_or(mask, std::memory_order_relaxed);
      fresh |= (old & mask) == 0;
    }
    if (fresh) items_.fetch_add(1, std::memory_order_relaxed);
    return fresh;
  }

  bool contains(std::string_view key) const {
    const std::uint64_t h = XXH64(key.data(), key.size(), 0);
    const std::uint64_t base = block_of(h);
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t mask = bloom_probe::bit_mask(static_cast<std::uint32_t>(h), i);
      if ((word(base + i).load(std::memory_order_relaxed) & mask) != mask) return false;
    }
    return true;
  }

  void clear() {
    for (std::uint64_t i = 0; i < num_blocks_ * 8; ++i) word(i).store(0, std::memory_order_relaxed);
    items_.store(0, std::memory_order_relaxed);
  }

  // Format-1 state: "SHBF", version 1, two zero words, num_blocks, item_count, the words.
  std::vector<std::uint8_t> export_state() const {
    std::vector<std::uint8_t> out;
    auto put = [&](std::uint64_t v, int bytes) {
      for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    put(0x46424853u, 4);
    put(1, 4);
    put(0, 4);
    put(0, 4);
    put(num_blocks_, 8);
    put(items_.load(), 8);
    for (std::uint64_t i = 0; i < num_blocks_ * 8; ++i) put(word(i).load(), 4);
    return out;
  }

 private:
  std::uint64_t block_of(std::uint64_t h) const { return (((h >> 32) * num_blocks_) >> 32) * 8; }
  std::atomic_ref<std::uint32_t> word(std::uint64_t i) const { return std::atomic_ref(words_[i]); }

  std::uint64_t num_blocks_;
  struct AlignedDelete {
    void operator()(std::uint32_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::unique_ptr<std::uint32_t[], AlignedDelete> words_;
  std::atomic<std::uint64_t> items_{0};
};

}  // namespace selfheal::components::testing
