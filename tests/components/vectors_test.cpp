// Shared vectors and cross-language parity: the same operations give byte-identical state in
// C++ and Rust, state migrates both ways exactly, and corrupt state is refused by both.
#include <gtest/gtest.h>
#include <xxhash.h>

#include "common/xxhash64.hpp"
#include "support/legacy_bloom_v1.hpp"
#include "support/test_helpers.hpp"
#include "vectors/component_vectors.hpp"

namespace selfheal::components::testing {
namespace {

using sdk::component::bloom_filter;
using sdk::component::memory_pool;
using sdk::component::sliding_window;

std::uint64_t digest(const std::vector<std::uint8_t>& v) { return xxhash64(v.data(), v.size()); }

TEST(Xxh64, ReferenceVectors) {
  for (const auto& v : kXxh64Vectors)
    EXPECT_EQ(xxhash64(v.input.data(), v.input.size()), v.xxh64) << "input '" << v.input << "'";
}

TEST(Xxh64, StreamingEqualsOneShot) {
  std::vector<std::uint8_t> data(300);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  for (std::size_t len : {0, 1, 5, 31, 32, 33, 64, 100, 300})
    for (std::size_t split : {0, 1, 7, 12, 31, 32, 45}) {
      split = std::min(split, len);
      Xxh64Stream s(9);
      s.update(data.data(), split);
      s.update(data.data() + split, len - split);
      EXPECT_EQ(s.digest(), xxhash64(data.data(), len, 9)) << len << "/" << split;
    }
}

class Vectors : public ::testing::TestWithParam<const char*> {};

TEST_P(Vectors, BloomScenario) {
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_scenario_config());
  const auto r = run_bloom_scenario(*f);
  ASSERT_GE(r.state.size(), 32u);
  std::uint64_t blocks = 0;
  for (int i = 0; i < 8; ++i) blocks |= std::uint64_t{r.state[16 + i]} << (8 * i);
  EXPECT_EQ(blocks, kBloomScenarioBlocks);
  EXPECT_EQ(r.fresh_inserts, kBloomScenarioFresh);
  EXPECT_EQ(f->item_count(), kBloomScenarioFresh);
  EXPECT_EQ(r.false_positives, kBloomScenarioFalsePositives);
  EXPECT_EQ(digest(r.state), kBloomScenarioStateDigest) << std::hex << "0x" << digest(r.state);
}

TEST_P(Vectors, WindowScenario) {
  SELFHEAL_MAKE(w, sdk::SlidingWindow, sliding_window, GetParam(), window_scenario_config());
  const auto r = run_window_scenario(*w);
  EXPECT_EQ(r.analyses.front().frame_hash, kWindowScenarioFirstHash)
      << std::hex << "0x" << r.analyses.front().frame_hash;
  EXPECT_EQ(w->stats().duplicates, kWindowScenarioDuplicates);
  EXPECT_EQ(digest(r.state), kWindowScenarioStateDigest) << std::hex << "0x" << digest(r.state);
}

TEST_P(Vectors, PoolScenario) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_scenario_config());
  const auto state = run_pool_scenario(*p);
  EXPECT_EQ(digest(state), kPoolScenarioStateDigest) << std::hex << "0x" << digest(state);
}

INSTANTIATE_TEST_SUITE_P(Both, Vectors, ::testing::ValuesIn(kLanguages), language_name);

// --- C++ and Rust side by side ---------------------------------------------------------------

TEST(Parity, BloomSameOperationsSameState) {
  SELFHEAL_MAKE(cpp, sdk::BloomFilter, bloom_filter, "cpp", bloom_scenario_config());
  SELFHEAL_MAKE(rust, sdk::BloomFilter, bloom_filter, "rust", bloom_scenario_config());
  const auto a = run_bloom_scenario(*cpp), b = run_bloom_scenario(*rust);
  EXPECT_EQ(a.fresh_inserts, b.fresh_inserts);
  EXPECT_EQ(a.false_positives, b.false_positives);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(cpp->saturation(), rust->saturation());
  EXPECT_EQ(cpp->estimated_false_positive_rate(), rust->estimated_false_positive_rate());
}

TEST(Parity, BloomSizingAgreesForManyConfigs) {
  for (std::int64_t items : {1, 7, 100, 1000, 12345, 1'000'000})
    for (double fpr : {0.5, 0.1, 0.01, 0.001, 1e-5}) {
      sdk::Value config;
      config.set("expected_items", items);
      config.set("false_positive_rate", fpr);
      SELFHEAL_MAKE(cpp, sdk::BloomFilter, bloom_filter, "cpp", config);
      SELFHEAL_MAKE(rust, sdk::BloomFilter, bloom_filter, "rust", config);
      (void)cpp->insert("x");
      (void)rust->insert("x");
      EXPECT_EQ(cpp->export_state().value(), rust->export_state().value()) << items << " " << fpr;
    }
}

TEST(Parity, WindowSameFramesSameAnalysesAndState) {
  SELFHEAL_MAKE(cpp, sdk::SlidingWindow, sliding_window, "cpp", window_scenario_config());
  SELFHEAL_MAKE(rust, sdk::SlidingWindow, sliding_window, "rust", window_scenario_config());
  const auto a = run_window_scenario(*cpp), b = run_window_scenario(*rust);
  ASSERT_EQ(a.analyses.size(), b.analyses.size());
  for (std::size_t i = 0; i < a.analyses.size(); ++i) {
    EXPECT_EQ(a.analyses[i].frame_hash, b.analyses[i].frame_hash) << i;
    EXPECT_EQ(a.analyses[i].is_duplicate, b.analyses[i].is_duplicate) << i;
    EXPECT_EQ(a.analyses[i].confidence, b.analyses[i].confidence) << i;
    EXPECT_EQ(a.analyses[i].window_size, b.analyses[i].window_size) << i;
  }
  EXPECT_EQ(a.state, b.state);
}

TEST(Parity, WindowAllChannelCountsAndOddSizes) {
  sdk::Value config;
  config.set("window_size", 64);
  SELFHEAL_MAKE(cpp, sdk::SlidingWindow, sliding_window, "cpp", config);
  SELFHEAL_MAKE(rust, sdk::SlidingWindow, sliding_window, "rust", config);
  std::uint64_t pattern = 0x9E3779B97F4A7C15ull;
  for (std::uint32_t c = 1; c <= 4; ++c)
    for (auto [w, h] : {std::pair{1u, 1u}, {3u, 2u}, {7u, 9u}, {8u, 8u}, {13u, 31u}, {64u, 17u}}) {
      pattern = pattern * 6364136223846793005ull + 1442695040888963407ull;
      const auto px = make_frame(w, h, c, pattern, c + w, 4);
      const auto a = cpp->add_frame({px, w, h, c, 5}), b = rust->add_frame({px, w, h, c, 5});
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a.value().frame_hash, b.value().frame_hash) << w << "x" << h << "x" << c;
      EXPECT_EQ(a.value().confidence, b.value().confidence) << w << "x" << h << "x" << c;
    }
  EXPECT_EQ(cpp->export_state().value(), rust->export_state().value());
}

TEST(Parity, PoolSameOperationsSameState) {
  SELFHEAL_MAKE(cpp, sdk::MemoryPool, memory_pool, "cpp", pool_scenario_config());
  SELFHEAL_MAKE(rust, sdk::MemoryPool, memory_pool, "rust", pool_scenario_config());
  EXPECT_EQ(run_pool_scenario(*cpp), run_pool_scenario(*rust));
}

// State exported by one language, imported by the other, exported again: the same bytes.
template <class T, class Run>
void check_migration(const char* component, const sdk::Value& config, Run run) {
  for (auto [from_lang, to_lang] : {std::pair{"cpp", "rust"}, {"rust", "cpp"}}) {
    SELFHEAL_MAKE(from, T, component, from_lang, config);
    SELFHEAL_MAKE(to, T, component, to_lang, config);
    run(*from);
    const auto state = from->export_state().value();
    ASSERT_TRUE(to->import_state(state).ok()) << from_lang << " -> " << to_lang;
    EXPECT_EQ(to->export_state().value(), state) << from_lang << " -> " << to_lang;
    SELFHEAL_MAKE(back, T, component, from_lang, config);
    ASSERT_TRUE(back->import_state(to->export_state().value()).ok());
    EXPECT_EQ(back->export_state().value(), state) << from_lang << " -> " << to_lang << " -> back";
  }
}

TEST(Parity, BloomStateMigratesBothWays) {
  check_migration<sdk::BloomFilter>(bloom_filter, bloom_scenario_config(),
                                    [](sdk::BloomFilter& f) { run_bloom_scenario(f); });
}

TEST(Parity, WindowStateMigratesBothWays) {
  check_migration<sdk::SlidingWindow>(sliding_window, window_scenario_config(),
                                      [](sdk::SlidingWindow& w) { run_window_scenario(w); });
}

TEST(Parity, PoolStateMigratesBothWays) {
  check_migration<sdk::MemoryPool>(memory_pool, pool_scenario_config(),
                                   [](sdk::MemoryPool& p) { run_pool_scenario(p); });
}

TEST(Parity, MigratedFilterKeepsEveryKey) {
  SELFHEAL_MAKE(cpp, sdk::BloomFilter, bloom_filter, "cpp", bloom_scenario_config());
  SELFHEAL_MAKE(rust, sdk::BloomFilter, bloom_filter, "rust", bloom_scenario_config());
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(cpp->insert("m-" + std::to_string(i)).ok());
  ASSERT_TRUE(rust->import_state(cpp->export_state().value()).ok());
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(rust->contains("m-" + std::to_string(i)).value());
  EXPECT_EQ(rust->item_count(), cpp->item_count());
}

}  // namespace
}  // namespace selfheal::components::testing

namespace selfheal::components::testing {
namespace {

TEST(Xxh3, ReferenceVectors) {
  // XXH3_64bits (seed 0): the hash of Bloom state format 2, C++ and Rust alike.
  for (const auto& v : kXxh3Vectors)
    EXPECT_EQ(XXH3_64bits(v.input.data(), v.input.size()), v.xxh64) << "input '" << v.input << "'";
}

// A format-1 (XXH64) state, as filters exported before format 2, still imports in both languages
// and is kept on XXH64: the same keys are found, the state re-exports byte for byte, and later
// inserts set the bits format 1 would have set.
TEST_P(Vectors, BloomFormat1StateStillImports) {
  LegacyBloomV1 old(kBloomScenarioBlocks);
  for (int i = 0; i < 1500; ++i) (void)old.insert("vector-key-" + std::to_string(i));
  const auto v1 = old.export_state();
  EXPECT_EQ(digest(v1), kBloomScenarioV1StateDigest) << std::hex << "0x" << digest(v1);
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_scenario_config());
  ASSERT_TRUE(f->import_state(v1).ok());
  EXPECT_EQ(f->export_state().value(), v1);
  for (int i = 0; i < 1500; ++i)
    EXPECT_TRUE(f->contains("vector-key-" + std::to_string(i)).value()) << i;
  for (int i = 0; i < 200; ++i) {
    const std::string k = "later-" + std::to_string(i);
    EXPECT_EQ(f->insert(k).value(), old.insert(k)) << k;
  }
  EXPECT_EQ(f->export_state().value(), old.export_state());
}

}  // namespace
}  // namespace selfheal::components::testing
