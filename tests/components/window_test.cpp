// Sliding-window behaviour, for both implementations: exact and near duplicates, different
// frames, the threshold, eviction, stats, clear, invalid frames, and the signature's definition.
#include <gtest/gtest.h>

#include "common/sliding_window_algorithm.hpp"
#include "support/test_helpers.hpp"
#include "vectors/component_vectors.hpp"

namespace selfheal::components::testing {
namespace {

using sdk::component::sliding_window;

constexpr std::uint64_t kA = 0x0123456789ABCDEFull, kB = 0xF0F0F0F00F0F0F0Full,
                        kC = 0xAAAA5555AAAA5555ull, kD = 0x13579BDF2468ACE0ull;

sdk::Value window_config(std::int64_t size, double threshold = 0.95) {
  sdk::Value v;
  v.set("window_size", size);
  v.set("similarity_threshold", threshold);
  return v;
}

// The AVX2 luma sums (when this CPU has them) give the scalar path's hash and signature for
// every shape, odd widths and blocks narrower than one SIMD step included.
TEST(WindowDigest, Avx2AndScalarPathsAgree) {
  if (!window_luma::cpu_has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::uint32_t seed = 1;
  for (std::uint32_t c = 1; c <= 4; ++c)
    for (std::uint32_t w : {1u, 3u, 7u, 8u, 9u, 63u, 64u, 65u, 129u, 320u})
      for (std::uint32_t h : {1u, 5u, 8u, 17u}) {
        ++seed;
        auto px = make_frame(w, h, c, 0x0123456789ABCDEFull * seed, seed, 40);
        const auto fast = window_digest(px, w, h, c, true),
                   slow = window_digest(px, w, h, c, false);
        EXPECT_EQ(fast.hash, slow.hash) << w << "x" << h << "x" << c;
        EXPECT_EQ(fast.signature, slow.signature) << w << "x" << h << "x" << c;
      }
}

sdk::FrameAnalysis add(sdk::SlidingWindow& w, const std::vector<std::uint8_t>& px,
                       std::uint32_t width = 64, std::uint32_t height = 48, std::uint32_t c = 3) {
  auto r = w.add_frame({px, width, height, c, 0});
  EXPECT_TRUE(r.ok()) << r.status().message;
  return r.value_or({});
}

TEST(WindowSignature, FollowsTheDefinition) {
  // A frame made of the 8x8 pattern has exactly that pattern as its signature.
  for (std::uint64_t p : {kA, kB, kC, kD}) {
    const auto px = make_frame(64, 48, 3, p);
    EXPECT_EQ(window_block_signature(px, 64, 48, 3), p);
    const auto gray = make_frame(16, 8, 1, p);
    EXPECT_EQ(window_block_signature(gray, 16, 8, 1), p);
  }
  const std::vector<std::uint8_t> flat(32 * 32, 128);
  EXPECT_EQ(window_block_signature(flat, 32, 32, 1), 0u);
  EXPECT_EQ(window_similarity(0, ~0ull), 0.0);
  EXPECT_EQ(window_similarity(kA, kA ^ 0b11), 62.0 / 64.0);
  // Luma weights: pure green is brighter than pure red, which is brighter than pure blue.
  std::vector<std::uint8_t> rgb(16 * 8 * 3, 0);
  for (std::uint32_t y = 0; y < 8; ++y)
    for (std::uint32_t x = 0; x < 16; ++x) rgb[(y * 16 + x) * 3 + (x < 8 ? 1 : 0)] = 255;
  EXPECT_EQ(window_block_signature(rgb, 16, 8, 3), 0x0F0F0F0F0F0F0F0Full);  // green half is set
  // The hash covers the dimensions: the same bytes as another shape hash differently.
  const auto px = make_frame(8, 8, 1, kA);
  EXPECT_NE(window_frame_hash(px, 8, 8, 1), window_frame_hash(px, 16, 4, 1));
}

class Window : public ::testing::TestWithParam<const char*> {};

TEST_P(Window, ExactDuplicateHasFullConfidence) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30));
  const auto a = make_frame(64, 48, 3, kA);
  const auto first = add(*w, a);
  EXPECT_FALSE(first.is_duplicate);
  EXPECT_EQ(first.confidence, 0.0);
  EXPECT_EQ(first.window_size, 1u);
  const auto again = add(*w, a);
  EXPECT_TRUE(again.is_duplicate);
  EXPECT_EQ(again.confidence, 1.0);
  EXPECT_EQ(again.frame_hash, first.frame_hash);
  EXPECT_EQ(again.window_size, 2u);
}

TEST_P(Window, NoisyFrameIsANearDuplicate) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30));
  const auto first = add(*w, make_frame(64, 48, 3, kA));
  const auto noisy = add(*w, make_frame(64, 48, 3, kA, 11, 6));
  EXPECT_NE(noisy.frame_hash, first.frame_hash);
  EXPECT_TRUE(noisy.is_duplicate);
  EXPECT_GE(noisy.confidence, 0.95);
}

TEST_P(Window, DifferentFramesAreNotDuplicates) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30));
  for (std::uint64_t p : {kA, kB, kC, kD}) {
    const auto r = add(*w, make_frame(64, 48, 3, p));
    EXPECT_FALSE(r.is_duplicate) << std::hex << p;
    EXPECT_LT(r.confidence, 0.9) << std::hex << p;
  }
  EXPECT_EQ(w->stats().duplicates, 0u);
}

TEST_P(Window, ThresholdDecides) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30, 0.95));
  add(*w, make_frame(64, 48, 3, kA));
  const auto two = add(*w, make_frame(64, 48, 3, kA ^ 0x3));  // 2 of 64 blocks differ
  EXPECT_TRUE(two.is_duplicate);
  EXPECT_EQ(two.confidence, 62.0 / 64.0);
  SELFHEAL_MAKE(w2, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30, 0.95));
  add(*w2, make_frame(64, 48, 3, kA));
  const auto four = add(*w2, make_frame(64, 48, 3, kA ^ 0xF));  // 4 differ: 0.9375 < 0.95
  EXPECT_FALSE(four.is_duplicate);
  EXPECT_EQ(four.confidence, 60.0 / 64.0);
}

TEST_P(Window, OldestFrameIsEvictedAfterN) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(3));
  const auto a = make_frame(64, 48, 3, kA);
  add(*w, a);
  add(*w, make_frame(64, 48, 3, kB));
  add(*w, make_frame(64, 48, 3, kC));
  EXPECT_TRUE(add(*w, a).is_duplicate);  // still inside: window A B C -> B C A
  add(*w, make_frame(64, 48, 3, kB ^ ~0ull));
  add(*w, make_frame(64, 48, 3, kC ^ ~0ull));
  add(*w, make_frame(64, 48, 3, kD));  // A evicted
  const auto r = add(*w, a);
  EXPECT_FALSE(r.is_duplicate);
  EXPECT_LT(r.confidence, 0.95);
  EXPECT_EQ(r.window_size, 3u);
}

TEST_P(Window, StatsAndClear) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(4));
  const auto a = make_frame(64, 48, 3, kA);
  for (int i = 0; i < 6; ++i) add(*w, a);
  add(*w, make_frame(64, 48, 3, kB));
  auto s = w->stats();
  EXPECT_EQ(s.frames_seen, 7u);
  EXPECT_EQ(s.duplicates, 5u);
  EXPECT_EQ(s.window_size, 4u);
  EXPECT_EQ(s.capacity, 4u);
  ASSERT_TRUE(w->clear().ok());
  s = w->stats();
  EXPECT_EQ(s.frames_seen, 0u);
  EXPECT_EQ(s.duplicates, 0u);
  EXPECT_EQ(s.window_size, 0u);
  EXPECT_EQ(s.capacity, 4u);
  EXPECT_FALSE(add(*w, a).is_duplicate);
  EXPECT_TRUE(w->self_test().ok());
}

TEST_P(Window, AlphaIsIgnoredBySignatureButNotByHash) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30));
  auto rgba = make_frame(32, 16, 4, kC);
  const auto first = add(*w, rgba, 32, 16, 4);
  for (std::size_t i = 3; i < rgba.size(); i += 4) rgba[i] = 0;
  const auto second = add(*w, rgba, 32, 16, 4);
  EXPECT_NE(second.frame_hash, first.frame_hash);
  EXPECT_TRUE(second.is_duplicate);
  EXPECT_EQ(second.confidence, 1.0);
}

TEST_P(Window, InvalidFramesAreRefused) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_config(30));
  const auto px = make_frame(8, 8, 3, kA);
  for (auto [width, height, c] : {std::tuple{8u, 7u, 3u},
                                  {0u, 8u, 3u},
                                  {8u, 0u, 3u},
                                  {8u, 8u, 0u},
                                  {8u, 8u, 5u},
                                  {8u, 8u, 1u},
                                  {0xFFFFFFFFu, 0xFFFFFFFFu, 4u}}) {
    const auto r = w->add_frame({px, width, height, c, 0});
    EXPECT_EQ(r.status().code, sdk::Errc::invalid_argument) << width << "x" << height << "x" << c;
  }
  EXPECT_EQ(w->add_frame({{}, 0, 0, 1, 0}).status().code, sdk::Errc::invalid_argument);
  EXPECT_EQ(w->stats().frames_seen, 0u);
}

TEST_P(Window, RejectsBadConfig) {
  std::string error;
  EXPECT_FALSE(make<sdk::SlidingWindow>(sliding_window, GetParam(), window_config(0), &error));
  EXPECT_FALSE(make<sdk::SlidingWindow>(sliding_window, GetParam(), window_config(65537), &error));
  EXPECT_FALSE(make<sdk::SlidingWindow>(sliding_window, GetParam(), window_config(5, 1.5), &error));
  auto w = make<sdk::SlidingWindow>(sliding_window, GetParam(), sdk::Value(), &error);
  ASSERT_TRUE(w) << error;
  EXPECT_EQ(w->stats().capacity, 30u);  // the default
}

INSTANTIATE_TEST_SUITE_P(Both, Window, ::testing::ValuesIn(kLanguages), language_name);

}  // namespace
}  // namespace selfheal::components::testing
