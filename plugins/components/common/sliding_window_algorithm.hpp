// The sliding-window duplicate detector both implementations share (rust-core/src/window.rs is
// the same, bit for bit). Integer arithmetic only, so both languages agree exactly.
//
// Frame: width W, height H, channels C in 1..4, pixels row-major with C bytes per pixel.
//   Invalid (Errc::invalid_argument): W == 0, H == 0, C outside 1..4, or pixels != W*H*C bytes.
// Exact hash: XXH64 (seed 0) of the 12 bytes W, H, C (u32 little-endian each) followed by the
//   pixel bytes.
// Luma of a pixel: C = 1 or 2: the first byte (a second channel is alpha, ignored);
//   C = 3 or 4: (77 R + 150 G + 29 B) >> 8 of the first three bytes (alpha ignored).
// Block signature (64 bits): an 8x8 grid of blocks. Block (bx, by), bx, by in 0..7, covers
//   columns [x0, x1) with x0 = bx*W/8, x1 = max((bx+1)*W/8, x0+1), and rows [y0, y1) likewise
//   with H (integer division; every block is non-empty, and blocks overlap only when W or H < 8).
//   m_i = floor(sum of luma over block i / pixel count of block i), i = by*8 + bx.
//   S = sum of the 64 m_i. Bit i of the signature is set when 64 * m_i > S (the block is
//   brighter than the mean block). A flat frame has signature 0.
// Similarity of two signatures: (64 - popcount(a ^ b)) / 64.0 (exact in binary floating point).
// add_frame, with the window holding the last `capacity` frames, oldest first:
//   if an entry has the same exact hash: is_duplicate = true, confidence = 1.0;
//   else if the window is empty: is_duplicate = false, confidence = 0.0;
//   else: confidence = the best similarity against the entries, is_duplicate = confidence >=
//   threshold.
//   Then the frame is appended (timestamp, hash, signature), the oldest entry evicted past
//   capacity, frames_seen += 1, duplicates += is_duplicate; window_size = entries after that.
// clear() empties the window and zeroes frames_seen and duplicates (capacity and threshold stay).
// Config: capacity (window_size) 1..65536, default 30; threshold (similarity_threshold) in [0, 1],
//   default 0.95.
// Limitation: the signature is an average hash: flat frames of different brightness all have
//   signature 0 and so look similar (only their exact hashes differ).
//
// State (little-endian, 40 header bytes):
//   u32 magic "SHSW" (0x57534853), u32 version = 1, u32 capacity, u64 threshold (f64 bits),
//   u64 frames_seen, u64 duplicates, u32 count, then count entries of
//   (i64 timestamp_us, u64 exact hash, u64 signature), oldest first.
//   Import refuses: wrong magic or version, capacity outside 1..65536, threshold not in [0, 1]
//   (NaN included), duplicates > frames_seen, count > capacity, count > frames_seen, or a size
//   other than 40 + 24 * count.
// Speed: one pass over the pixels computes the hash and the signature together (window_digest,
//   a block row at a time; luma sums with AVX2 when the CPU has it, common/window_luma.hpp).
// Threading: SlidingWindowCore is MT safe (one mutex; hashing runs outside it).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "common/le_bytes.hpp"
#include "common/window_luma.hpp"
#include "common/xxhash64.hpp"

namespace selfheal::components {

// The state format's constants: shaped like memory_pool_core.hpp's (magic, version, header and
// entry sizes, limits) but a different format; each component owns its own.
inline constexpr std::uint32_t kWindowMagic = 0x57534853u;  // "SHSW"
inline constexpr std::uint32_t kWindowVersion = 1;
inline constexpr std::size_t kWindowHeader = 40;
inline constexpr std::size_t kWindowEntry = 24;
inline constexpr std::uint32_t kWindowMaxCapacity = 65536;
inline constexpr std::uint32_t kWindowMaxChannels = 4;

inline bool window_valid_frame(std::size_t len, std::uint32_t w, std::uint32_t h, std::uint32_t c) {
  if (w == 0 || h == 0 || c == 0 || c > kWindowMaxChannels) return false;
  const std::uint64_t pixels = std::uint64_t{w} * h;  // < 2^64
  if (pixels > UINT64_MAX / c) return false;
  return pixels * c == len;
}

inline bool window_valid_config(std::uint32_t capacity, double threshold) {
  return capacity >= 1 && capacity <= kWindowMaxCapacity && threshold >= 0.0 && threshold <= 1.0;
}

struct WindowDigest {
  std::uint64_t hash;
  std::uint64_t signature;
};

namespace window_detail {
// One pass over the pixels, one block row at a time: its rows (contiguous, about 29 KB for
// 320x240 RGB) are fed to the hash, then, while they are still in L1/L2, the luma of each of its
// eight blocks is summed. Every row is hashed once, in order; when H < 8 a row can belong to two
// block rows and is summed into both (blocks overlap, as defined above).
template <std::uint32_t C>
WindowDigest digest(const std::uint8_t* px, std::uint64_t w, std::uint64_t h, bool avx2,
                    Xxh64Stream& hash) {
  std::uint64_t means[64];
  std::uint64_t total = 0;
  std::uint64_t hashed_rows = 0;
  const std::uint64_t stride = w * C;
  for (std::uint64_t by = 0; by < 8; ++by) {
    const std::uint64_t y0 = by * h / 8, y1 = std::max((by + 1) * h / 8, y0 + 1);
    if (y1 > hashed_rows) {
      hash.update(px + hashed_rows * stride, (y1 - hashed_rows) * stride);
      hashed_rows = y1;
    }
    for (std::uint64_t bx = 0; bx < 8; ++bx) {
      const std::uint64_t x0 = bx * w / 8, x1 = std::max((bx + 1) * w / 8, x0 + 1);
      const std::uint64_t sum =
          window_luma::rect<C>(avx2, px + y0 * stride + x0 * C, stride, x1 - x0, y1 - y0);
      means[by * 8 + bx] = sum / ((x1 - x0) * (y1 - y0));
      total += means[by * 8 + bx];
    }
  }
  std::uint64_t sig = 0;
  for (int i = 0; i < 64; ++i)
    if (64 * means[i] > total) sig |= std::uint64_t{1} << i;
  return {hash.digest(), sig};
}
}  // namespace window_detail

// The exact hash and the block signature of a valid frame, in one pass.
inline WindowDigest window_digest(std::span<const std::uint8_t> px, std::uint32_t w,
                                  std::uint32_t h, std::uint32_t c,
                                  bool avx2 = window_luma::cpu_has_avx2()) {
  std::uint8_t head[12];
  const std::uint32_t fields[3] = {w, h, c};
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 4; ++i) head[4 * f + i] = static_cast<std::uint8_t>(fields[f] >> (8 * i));
  Xxh64Stream s(0);
  s.update(head, sizeof head);
  switch (c) {
    case 1:
      return window_detail::digest<1>(px.data(), w, h, avx2, s);
    case 2:
      return window_detail::digest<2>(px.data(), w, h, avx2, s);
    case 3:
      return window_detail::digest<3>(px.data(), w, h, avx2, s);
    default:
      return window_detail::digest<4>(px.data(), w, h, avx2, s);
  }
}

inline std::uint64_t window_frame_hash(std::span<const std::uint8_t> px, std::uint32_t w,
                                       std::uint32_t h, std::uint32_t c) {
  return window_digest(px, w, h, c).hash;
}

// The block signature of a valid frame.
inline std::uint64_t window_block_signature(std::span<const std::uint8_t> px, std::uint32_t w,
                                            std::uint32_t h, std::uint32_t c) {
  return window_digest(px, w, h, c).signature;
}

inline double window_similarity(std::uint64_t a, std::uint64_t b) {
  return static_cast<double>(64 - std::popcount(a ^ b)) / 64.0;
}

struct WindowAnalysis {
  bool is_duplicate = false;
  double confidence = 0.0;
  std::uint64_t frame_hash = 0;
  std::uint32_t window_size = 0;
};

struct WindowCounters {
  std::uint64_t frames_seen = 0;
  std::uint64_t duplicates = 0;
  std::uint32_t window_size = 0;
  std::uint32_t capacity = 0;
};

class SlidingWindowCore {
 public:
  // Requires window_valid_config(capacity, threshold).
  SlidingWindowCore(std::uint32_t capacity, double threshold) {
    state_.capacity = capacity;
    state_.threshold = threshold;
  }

  // nullopt for an invalid frame.
  std::optional<WindowAnalysis> add_frame(std::span<const std::uint8_t> px, std::uint32_t w,
                                          std::uint32_t h, std::uint32_t c, std::int64_t ts) {
    if (!window_valid_frame(px.size(), w, h, c)) return std::nullopt;
    // Named members, not a structured binding: clang 14 (the fuzz tree) cannot capture those.
    const WindowDigest digest = window_digest(px, w, h, c, avx2_);
    const auto hash = digest.hash;
    const auto sig = digest.signature;
    std::lock_guard lock(mu_);
    WindowAnalysis a;
    a.frame_hash = hash;
    auto& e = state_.entries;
    if (std::any_of(e.begin(), e.end(), [&](const Entry& x) { return x.hash == hash; })) {
      a.is_duplicate = true;
      a.confidence = 1.0;
    } else if (!e.empty()) {
      int best = 64;
      for (const Entry& x : e) best = std::min(best, std::popcount(x.signature ^ sig));
      a.confidence = static_cast<double>(64 - best) / 64.0;
      a.is_duplicate = a.confidence >= state_.threshold;
    }
    e.push_back({ts, hash, sig});
    if (e.size() > state_.capacity) e.pop_front();
    ++state_.frames_seen;
    if (a.is_duplicate) ++state_.duplicates;
    a.window_size = static_cast<std::uint32_t>(e.size());
    return a;
  }

  WindowCounters stats() const {
    std::lock_guard lock(mu_);
    return {state_.frames_seen, state_.duplicates,
            static_cast<std::uint32_t>(state_.entries.size()), state_.capacity};
  }

  void clear() {
    std::lock_guard lock(mu_);
    state_.entries.clear();
    state_.frames_seen = 0;
    state_.duplicates = 0;
  }

  std::vector<std::uint8_t> export_state() const {
    std::lock_guard lock(mu_);
    std::vector<std::uint8_t> out;
    out.reserve(kWindowHeader + kWindowEntry * state_.entries.size());
    put_u32(out, kWindowMagic);
    put_u32(out, kWindowVersion);
    put_u32(out, state_.capacity);
    put_u64(out, std::bit_cast<std::uint64_t>(state_.threshold));
    put_u64(out, state_.frames_seen);
    put_u64(out, state_.duplicates);
    put_u32(out, static_cast<std::uint32_t>(state_.entries.size()));
    for (const Entry& x : state_.entries) {
      put_u64(out, static_cast<std::uint64_t>(x.timestamp));
      put_u64(out, x.hash);
      put_u64(out, x.signature);
    }
    return out;
  }

  // False (and nothing changed) when the blob fails validation.
  bool import_state(std::span<const std::uint8_t> blob) {
    auto parsed = parse(blob);
    if (!parsed) return false;
    std::lock_guard lock(mu_);
    state_ = std::move(*parsed);
    return true;
  }

 private:
  struct Entry {
    std::int64_t timestamp;
    std::uint64_t hash;
    std::uint64_t signature;
  };
  struct State {
    std::uint32_t capacity = 1;
    double threshold = 1.0;
    std::uint64_t frames_seen = 0;
    std::uint64_t duplicates = 0;
    std::deque<Entry> entries;
  };

  static std::optional<State> parse(std::span<const std::uint8_t> blob) {
    LeReader r(blob);
    auto magic = r.u32(), version = r.u32(), capacity = r.u32();
    auto threshold = r.u64(), seen = r.u64(), dups = r.u64();
    auto count = r.u32();
    if (!magic || !version || !capacity || !threshold || !seen || !dups || !count ||
        *magic != kWindowMagic || *version != kWindowVersion)
      return std::nullopt;
    State s;
    s.capacity = *capacity;
    s.threshold = std::bit_cast<double>(*threshold);
    s.frames_seen = *seen;
    s.duplicates = *dups;
    if (!window_valid_config(s.capacity, s.threshold) || s.duplicates > s.frames_seen ||
        *count > s.capacity || *count > s.frames_seen ||
        r.remaining() != std::size_t{*count} * kWindowEntry)
      return std::nullopt;
    for (std::uint32_t i = 0; i < *count; ++i)
      s.entries.push_back({static_cast<std::int64_t>(*r.u64()), *r.u64(), *r.u64()});
    return s;
  }

  const bool avx2_ = window_luma::cpu_has_avx2();
  mutable std::mutex mu_;
  State state_;
};

}  // namespace selfheal::components
