// Shared test vectors: inputs, operation sequences and their expected results, checked against
// the C++ implementations and the Rust ones (through the adapters). The expected digests are
// XXH64 (seed 0) of the exported state; they pin the algorithms and state formats: a change to
// either must change these on purpose (and bump the state version).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::components::testing {

struct HashVector {
  std::string_view input;
  std::uint64_t xxh64;
};
inline constexpr HashVector kXxh64Vectors[] = {
    {"", 0xEF46DB3751D8E999ull},
    {"a", 0xD24EC4F1A98C6E5Bull},
    {"Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1ull},
};
// XXH3_64bits (seed 0), the hash of Bloom state format 2 (field named as above: 64-bit digest).
inline constexpr HashVector kXxh3Vectors[] = {
    {"", 0x2D06800538D394C2ull},
    {"a", 0xE6C632B61E964E1Full},
    {"Nobody inspects the spammish repetition", 0x6CB00603B5CC47E9ull},
};

// A frame whose 8x8 blocks are bright (bit set in `pattern`) or dark, with a little texture and,
// with `noise` > 0, a deterministic per-byte jitter in [-noise, noise] seeded by `seed`.
inline std::vector<std::uint8_t> make_frame(std::uint32_t w, std::uint32_t h, std::uint32_t c,
                                            std::uint64_t pattern, std::uint32_t seed = 0,
                                            int noise = 0) {
  std::vector<std::uint8_t> px(std::size_t{w} * h * c);
  std::uint32_t state = seed * 2654435761u + 12345u;
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      const std::uint32_t block = (y * 8 / h) * 8 + (x * 8 / w);
      const int base = ((pattern >> block) & 1) ? 180 : 60;
      for (std::uint32_t ch = 0; ch < c; ++ch) {
        int v = base + static_cast<int>((x + 2 * y + 5 * ch) % 16);
        if (noise > 0) {
          state = state * 1664525u + 1013904223u;
          v += static_cast<int>((state >> 16) % static_cast<std::uint32_t>(2 * noise + 1)) - noise;
        }
        px[(std::size_t{y} * w + x) * c + ch] = static_cast<std::uint8_t>(v < 0     ? 0
                                                                          : v > 255 ? 255
                                                                                    : v);
      }
    }
  return px;
}

// --- Bloom filter scenario -------------------------------------------------------------------
inline sdk::Value bloom_scenario_config() {
  sdk::Value v;
  v.set("expected_items", 1000);
  v.set("false_positive_rate", 0.01);
  return v;
}
struct BloomScenarioResult {
  std::uint64_t fresh_inserts = 0;
  std::uint64_t false_positives = 0;  // of 1000 absent keys
  std::vector<std::uint8_t> state;
};
// Inserts vector-key-0..1499 (over capacity on purpose), probes absent-key-0..999.
inline BloomScenarioResult run_bloom_scenario(sdk::BloomFilter& f) {
  BloomScenarioResult r;
  for (int i = 0; i < 1500; ++i)
    r.fresh_inserts += f.insert("vector-key-" + std::to_string(i)).value_or(false);
  for (int i = 0; i < 1000; ++i)
    r.false_positives += f.contains("absent-key-" + std::to_string(i)).value_or(false);
  r.state = f.export_state().value_or({});
  return r;
}
inline constexpr std::uint64_t kBloomScenarioBlocks = 42;
// State format 2 (XXH3).
inline constexpr std::uint64_t kBloomScenarioFresh = 1480;
inline constexpr std::uint64_t kBloomScenarioFalsePositives = 53;
inline constexpr std::uint64_t kBloomScenarioStateDigest = 0x2BB6610DD64AA5BFull;
// Format 1 (XXH64): the state of vector-key-0..1499 inserted into the legacy filter
// (support/legacy_bloom_v1.hpp): the scenario's digest before format 2 existed.
inline constexpr std::uint64_t kBloomScenarioV1StateDigest = 0xAEC7B6E60809D474ull;

// --- Sliding window scenario -----------------------------------------------------------------
inline sdk::Value window_scenario_config() {
  sdk::Value v;
  v.set("window_size", 4);
  v.set("similarity_threshold", 0.95);
  return v;
}
// 12 frames of 40x24 (RGB): new patterns, exact repeats, noisy repeats, 2-block changes.
inline std::vector<std::vector<std::uint8_t>> window_scenario_frames() {
  const std::uint64_t p[] = {0x0123456789ABCDEFull, 0xF0F0F0F00F0F0F0Full, 0xAAAA5555AAAA5555ull,
                             0x13579BDF2468ACE0ull};
  return {make_frame(40, 24, 3, p[0]), make_frame(40, 24, 3, p[1]),
          make_frame(40, 24, 3, p[0]), make_frame(40, 24, 3, p[0], 7, 3),
          make_frame(40, 24, 3, p[2]), make_frame(40, 24, 3, p[2] ^ 0x81),
          make_frame(40, 24, 3, p[3]), make_frame(40, 24, 3, p[3] ^ 0xF0F),
          make_frame(40, 24, 3, p[1]), make_frame(40, 24, 3, p[1]),
          make_frame(40, 24, 3, p[0]), make_frame(40, 24, 3, p[2], 3, 2)};
}
struct WindowScenarioResult {
  std::vector<sdk::FrameAnalysis> analyses;
  std::vector<std::uint8_t> state;
};
inline WindowScenarioResult run_window_scenario(sdk::SlidingWindow& w) {
  WindowScenarioResult r;
  std::int64_t ts = 1'000'000;
  for (const auto& px : window_scenario_frames()) {
    auto a = w.add_frame(sdk::Frame{px, 40, 24, 3, ts});
    ts += 33'333;
    r.analyses.push_back(a.value_or({}));
  }
  r.state = w.export_state().value_or({});
  return r;
}
inline constexpr std::uint64_t kWindowScenarioFirstHash = 0x5F7AE102FE3A2FA9ull;
inline constexpr std::uint64_t kWindowScenarioDuplicates = 4;  // frames 3, 4, 6 and 10
inline constexpr std::uint64_t kWindowScenarioStateDigest = 0xC5ACFA2166138191ull;

// --- Memory pool scenario --------------------------------------------------------------------
inline sdk::Value pool_scenario_config() {
  sdk::Value v;
  v.set("max_class", 4096);
  v.set("memory_limit_bytes", 65536);
  return v;
}
// A fixed sequence of allocations, releases and a trim; returns the exported state.
inline std::vector<std::uint8_t> run_pool_scenario(sdk::MemoryPool& pool) {
  std::vector<sdk::Buffer> held;
  for (std::size_t n : {1, 64, 65, 100, 1000, 4096, 2000, 300, 64, 64})
    held.push_back(pool.allocate(n).value_or({}));
  for (std::size_t i : {1, 3, 5, 8}) (void)pool.release(held[i]);
  for (std::size_t n : {50, 128, 4000}) held.push_back(pool.allocate(n).value_or({}));
  (void)pool.release(held[0]);
  (void)pool.trim();
  held.push_back(pool.allocate(10).value_or({}));
  auto state = pool.export_state().value_or({});
  for (const auto& b : held) (void)pool.release(b);  // the already released ones are refused
  return state;
}
inline constexpr std::uint64_t kPoolScenarioStateDigest = 0xA29808F1E95A4C5Cull;

}  // namespace selfheal::components::testing
