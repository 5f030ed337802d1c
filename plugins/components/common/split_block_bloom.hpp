// The split-block Bloom filter both implementations share (as in Apache Parquet's SBBF).
//
// Algorithm (rust-core/src/bloom.rs is the same, bit for bit):
//   h      = XXH3_64bits(key) (state format 2; format 1 used XXH64(key, seed 0))
//   block  = ((h >> 32) * num_blocks) >> 32         one 32-byte block = 8 u32 words, aligned
//   for i in 0..8: bit = (u32(h) * SALT[i]) >> 27;  word[block][i] |= 1 << bit
//   contains: all eight bits set (common/bloom_probe.hpp: branch-free, AVX2 when the CPU has it).
// One insert or query touches one 32-byte block: one cache line.
//   insert returns true (and item_count grows by one) when at least one of the eight bits was new.
// Sizing: the smallest num_blocks (1 .. 2^32) whose theoretical false-positive rate for
// `expected_items` is at most the target: FPR = sum_j Poisson(j; n/B) * (1 - (31/32)^j)^8,
// computed as sbbf_false_positive_rate below (same operation order in Rust).
// State (little-endian, 32 header bytes): u32 magic "SHBF" (0x46424853), u32 version = 2,
// u32 reserved[2] = 0, u64 num_blocks, u64 item_count, then num_blocks * 8 u32 words (block
// by block). Import refuses a wrong magic/version, non-zero reserved words, num_blocks outside
// 1 .. 2^32, or a size other than 32 + 32 * num_blocks.
// Threading: insert and contains are lock-free (bloom_probe.hpp); clear and state import need
// callers paused.
#pragma once

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/bloom_probe.hpp"
#include "common/xxhash64.hpp"

namespace selfheal::components {

inline constexpr std::uint32_t kBloomMagic = 0x46424853u;  // "SHBF"
inline constexpr std::uint32_t kBloomVersion = 2;          // XXH3; written by every new filter
inline constexpr std::uint32_t kBloomVersionXxh64 = 1;     // XXH64; still imported and kept
inline constexpr std::size_t kBloomHeader = 32;

inline constexpr std::uint64_t kBloomMaxBlocks = std::uint64_t{1} << 32;

// x^n by binary exponentiation (the Rust side multiplies in the same order: identical bits).
inline double sbbf_powi(double base, std::uint64_t n) {
  double r = 1.0;
  while (n > 0) {
    if (n & 1) r *= base;
    base *= base;
    n >>= 1;
  }
  return r;
}

// Theoretical false-positive rate of `blocks` blocks holding `items` keys. The Poisson weights are
// built by ratios from the mode (w_mode = 1) over mode +- (12 sqrt(lambda) + 20) and normalised,
// so nothing underflows for an overfull filter and only + * / sqrt are used (bit-identical in
// both languages; no exp/pow from libm).
inline double sbbf_false_positive_rate(double items, double blocks) {
  if (blocks <= 0) return 1.0;
  const double lambda = items / blocks;
  if (lambda <= 0) return 0.0;
  // Past ~10^4 items per block every bit is set: the sum below is 1.0 in double precision, and
  // its loop would run ~24 sqrt(lambda) times (a crafted state can claim 2^64 items).
  if (lambda >= 10000.0) return 1.0;
  const double spread = 12.0 * std::sqrt(lambda) + 20.0;
  const auto mode = static_cast<std::uint64_t>(lambda);
  const double lo_f = lambda - spread;
  const std::uint64_t lo = lo_f <= 0.0 ? 0 : static_cast<std::uint64_t>(lo_f);
  const auto hi = static_cast<std::uint64_t>(lambda + spread);
  double w = 1.0;
  for (std::uint64_t j = mode; j > lo; --j) w = w * static_cast<double>(j) / lambda;
  const double q = 31.0 / 32.0;
  double num = 0.0, den = 0.0;
  for (std::uint64_t k = lo; k <= hi; ++k) {
    const double miss = 1.0 - sbbf_powi(q, k);
    const double m2 = miss * miss;
    const double m4 = m2 * m2;
    num += w * (m4 * m4);
    den += w;
    w = w * lambda / static_cast<double>(k + 1);
  }
  return num / den;
}

// The smallest block count whose theoretical false-positive rate is at most the target.
inline std::uint64_t sbbf_blocks_for(std::uint64_t expected_items, double target_fpr) {
  if (expected_items == 0) expected_items = 1;
  if (!(target_fpr > 0.0 && target_fpr < 1.0)) target_fpr = 0.01;
  const auto items = static_cast<double>(expected_items);
  std::uint64_t lo = 1, hi = 1;
  while (hi < kBloomMaxBlocks &&
         sbbf_false_positive_rate(items, static_cast<double>(hi)) > target_fpr)
    hi *= 2;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (sbbf_false_positive_rate(items, static_cast<double>(mid)) > target_fpr)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

class SplitBlockBloom {
 public:
  // A new, empty filter of state format 2 (XXH3).
  explicit SplitBlockBloom(std::uint64_t num_blocks)
      : num_blocks_(num_blocks == 0                ? 1
                    : num_blocks > kBloomMaxBlocks ? kBloomMaxBlocks
                                                   : num_blocks),
        words_(static_cast<std::uint64_t*>(::operator new[](kLead + num_blocks_ * 32,
                                                            std::align_val_t{64})) +
               kLead / 8),
        avx2_(bloom_probe::cpu_has_avx2()) {
    clear();
  }

  std::uint64_t num_blocks() const { return num_blocks_; }
  // 2 (XXH3) for a new filter; 1 (XXH64) when it holds an imported format-1 state.
  std::uint32_t version() const { return version_; }
  std::uint64_t item_count() const {
    std::uint64_t n = 0;
    for (const auto& s : items_) n += s.n.load(std::memory_order_relaxed);
    return n;
  }

  // True when at least one bit was newly set (the key was not there before).
  bool insert(std::string_view key) {
    const std::uint64_t h = hash(key);
    const std::uint64_t block = block_of(h);
    if (!bloom_probe::insert(avx2_, words_.get() + block * 4, static_cast<std::uint32_t>(h)))
      return false;
    // The count is striped by block (as Java's LongAdder stripes by thread): concurrent inserts
    // rarely share a counter line.
    items_[block % kCountStripes].n.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  bool contains(std::string_view key) const {
    const std::uint64_t h = hash(key);
    return bloom_probe::contains(avx2_, words_.get() + block_of(h) * 4,
                                 static_cast<std::uint32_t>(h));
  }

  void clear() {
    for (std::uint64_t i = 0; i < num_blocks_ * 4; ++i) word(i).store(0, std::memory_order_relaxed);
    for (auto& s : items_) s.n.store(0, std::memory_order_relaxed);
  }

  double saturation() const {
    std::uint64_t set = 0;
    for (std::uint64_t i = 0; i < num_blocks_ * 4; ++i)
      set += static_cast<std::uint64_t>(std::popcount(word(i).load(std::memory_order_relaxed)));
    return static_cast<double>(set) / static_cast<double>(num_blocks_ * 256);
  }

  double estimated_false_positive_rate() const {
    return sbbf_false_positive_rate(static_cast<double>(item_count()),
                                    static_cast<double>(num_blocks_));
  }

  std::vector<std::uint8_t> export_state() const {
    std::vector<std::uint8_t> out;
    // Callers are paused during export (see the threading note above): a bulk copy is safe.
    if constexpr (std::endian::native == std::endian::little) {
      // Reserve and append rather than size the vector: no zero-fill of 1 MiB before the copy
      // (this runs while callers wait at the gate).
      std::uint8_t header[kBloomHeader];
      write_header(header);
      out.reserve(kBloomHeader + num_blocks_ * 32);
      out.insert(out.end(), header, header + kBloomHeader);
      const auto* words = reinterpret_cast<const std::uint8_t*>(words_.get());
      out.insert(out.end(), words, words + num_blocks_ * 32);
    } else {
      out.resize(kBloomHeader + num_blocks_ * 32);
      write_header(out.data());
      for (std::uint64_t i = 0; i < num_blocks_ * 4; ++i) {
        const std::uint64_t w = word(i).load(std::memory_order_relaxed);
        put32(out.data() + kBloomHeader + 8 * i, static_cast<std::uint32_t>(w));
        put32(out.data() + kBloomHeader + 8 * i + 4, static_cast<std::uint32_t>(w >> 32));
      }
    }
    return out;
  }

  // export_state()'s bytes without a copy: the header is written into the room kept in front of
  // the blocks. Empty on a big-endian machine (the blocks are not in the state's byte order).
  // Callers must be paused, as for export_state().
  std::span<const std::uint8_t> state_view() const {
    if constexpr (std::endian::native != std::endian::little) return {};
    auto* const header = reinterpret_cast<std::uint8_t*>(words_.get()) - kBloomHeader;
    write_header(header);
    return {header, kBloomHeader + num_blocks_ * 32};
  }

  // Replaces this filter's contents (and format) with exported state of the same size, reusing
  // its memory (no allocation, no page faults while callers are paused). False when the blob is
  // malformed or of another size; the filter is then unchanged.
  bool assign_state(std::span<const std::uint8_t> s) {
    if (!valid_header(s) || get64(s.data() + 16) != num_blocks_) return false;
    if constexpr (std::endian::native == std::endian::little) {
      // memmove: its own state_view() overlaps the blocks exactly (an import of itself).
      std::memmove(words_.get(), s.data() + kBloomHeader, num_blocks_ * 32);
    } else {
      for (std::uint64_t i = 0; i < num_blocks_ * 4; ++i) {
        const std::uint8_t* p = s.data() + kBloomHeader + 8 * i;
        word(i).store(get32(p) | (std::uint64_t{get32(p + 4)} << 32), std::memory_order_relaxed);
      }
    }
    version_ = get32(s.data() + 4);
    for (auto& c : items_) c.n.store(0, std::memory_order_relaxed);
    items_[0].n.store(get64(s.data() + 24), std::memory_order_relaxed);
    return true;
  }

  // A filter from exported state, or null when the blob is malformed.
  static std::unique_ptr<SplitBlockBloom> from_state(std::span<const std::uint8_t> s) {
    if (!valid_header(s)) return nullptr;
    auto filter = std::make_unique<SplitBlockBloom>(get64(s.data() + 16));
    filter->assign_state(s);
    return filter;
  }

  // The header is well formed (format 1 or 2) and the size matches its block count.
  static bool valid_header(std::span<const std::uint8_t> s) {
    if (s.size() < kBloomHeader || get32(s.data()) != kBloomMagic ||
        (get32(s.data() + 4) != kBloomVersion && get32(s.data() + 4) != kBloomVersionXxh64) ||
        get32(s.data() + 8) != 0 || get32(s.data() + 12) != 0)
      return false;
    const std::uint64_t blocks = get64(s.data() + 16);
    return blocks != 0 && blocks <= kBloomMaxBlocks && (s.size() - kBloomHeader) / 32 == blocks &&
           (s.size() - kBloomHeader) % 32 == 0;
  }

 private:
  static constexpr std::size_t kCountStripes = 8;

  // Format 2 hashes with XXH3 (twice as fast as XXH64 on short keys); a format-1 filter keeps
  // XXH64, since its bits cannot be rehashed without the keys (a predictable branch).
  std::uint64_t hash(std::string_view key) const {
    if (version_ == kBloomVersion) return XXH3_64bits(key.data(), key.size());
    return XXH64(key.data(), key.size(), 0);
  }
  void write_header(std::uint8_t* p) const {
    put32(p, kBloomMagic);
    put32(p + 4, version_);
    put32(p + 8, 0);
    put32(p + 12, 0);
    put64(p + 16, num_blocks_);
    put64(p + 24, item_count());
  }
  std::uint64_t block_of(std::uint64_t h) const { return ((h >> 32) * num_blocks_) >> 32; }
  std::atomic_ref<std::uint64_t> word(std::uint64_t i) const { return std::atomic_ref(words_[i]); }
  static void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static void put64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static std::uint32_t get32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
    return v;
  }
  static std::uint64_t get64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return v;
  }

  // Room before the blocks for the state's header (state_view()), a cache line so that the blocks
  // stay 64-byte aligned.
  static constexpr std::size_t kLead = 64;
  static_assert(kBloomHeader <= kLead);

  std::uint64_t num_blocks_;
  struct AlignedDelete {
    void operator()(std::uint64_t* p) const {
      ::operator delete[](p - kLead / 8, std::align_val_t{64});
    }
  };
  // Blocks start at 64-byte boundaries, so a 32-byte block never straddles two cache lines.
  std::unique_ptr<std::uint64_t[], AlignedDelete> words_;
  bool avx2_;
  std::uint32_t version_ = kBloomVersion;
  struct alignas(64) CountStripe {
    std::atomic<std::uint64_t> n{0};
  };
  CountStripe items_[kCountStripes];
};

}  // namespace selfheal::components
