// Bloom filter behaviour, for both implementations: no false negatives, a measured
// false-positive rate within the design's theory, concurrent inserts, clear, config checks.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

#include "common/split_block_bloom.hpp"
#include "cpp_bloom_filter.hpp"
#include "rust_bloom_filter.hpp"
#include "rust_memory_pool.hpp"
#include "rust_sliding_window.hpp"
#include "support/test_helpers.hpp"

namespace selfheal::components::testing {
namespace {

using sdk::component::bloom_filter;

sdk::Value bloom_config(std::int64_t items, double fpr) {
  sdk::Value v;
  v.set("expected_items", items);
  v.set("false_positive_rate", fpr);
  return v;
}

TEST(BloomSizing, ReachesTheTargetWithTheFewestBlocks) {
  for (std::uint64_t n : {1ull, 1000ull, 100'000ull, 1'000'000ull})
    for (double fpr : {0.1, 0.01, 0.001}) {
      const std::uint64_t b = sbbf_blocks_for(n, fpr);
      EXPECT_LE(sbbf_false_positive_rate(static_cast<double>(n), static_cast<double>(b)), fpr);
      if (b > 1) {
        EXPECT_GT(sbbf_false_positive_rate(static_cast<double>(n), static_cast<double>(b - 1)),
                  fpr);
      }
    }
  // About 10 bits per key at 1 %, as published for split-block filters (not 1 block for 1M keys).
  const double bits_per_key = static_cast<double>(sbbf_blocks_for(1'000'000, 0.01)) * 256 / 1e6;
  EXPECT_GT(bits_per_key, 9.0);
  EXPECT_LT(bits_per_key, 12.0);
  // An overfull filter reports a rate near 1 (no underflow to 0).
  EXPECT_GT(sbbf_false_positive_rate(1e6, 1), 0.99);
  EXPECT_EQ(sbbf_false_positive_rate(0, 10), 0.0);
}

// The AVX2 probe (when this CPU has it) and the portable one set and test the same bits.
TEST(BloomProbe, Avx2AndPortablePathsAgree) {
  if (!bloom_probe::cpu_has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  alignas(64) std::uint64_t a[4 * 16] = {}, b[4 * 16] = {};
  std::uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1664525u + 1013904223u;
    const std::size_t block = (x >> 8) % 16 * 4;
    const std::uint32_t h = x * 2654435761u;
    EXPECT_EQ(bloom_probe::contains(true, a + block, h),
              bloom_probe::contains(false, b + block, h));
    if (i % 3 == 0) {
      EXPECT_EQ(bloom_probe::insert(true, a + block, h), bloom_probe::insert(false, b + block, h));
    }
    EXPECT_EQ(std::memcmp(a, b, sizeof a), 0) << i;
  }
}

class Bloom : public ::testing::TestWithParam<const char*> {};

TEST_P(Bloom, MeasuredFalsePositiveRateWithinTheory) {
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_config(100'000, 0.01));
  for (int i = 0; i < 100'000; ++i) ASSERT_TRUE(f->insert("member-" + std::to_string(i)).ok());
  for (int i = 0; i < 100'000; ++i)
    ASSERT_TRUE(f->contains("member-" + std::to_string(i)).value()) << "false negative " << i;
  const double estimated = f->estimated_false_positive_rate();
  EXPECT_LE(estimated, 0.01);
  EXPECT_GT(estimated, 0.005);
  int positives = 0;
  const int probes = 200'000;
  for (int i = 0; i < probes; ++i)
    positives += f->contains("outsider-" + std::to_string(i)).value();
  const double measured = static_cast<double>(positives) / probes;
  EXPECT_LE(measured, 1.5 * estimated) << "measured " << measured << " estimated " << estimated;
  EXPECT_GE(measured, 0.5 * estimated) << "measured " << measured << " estimated " << estimated;
  // Each key sets one bit in each of its block's 8 words: a word's bit is set with probability
  // 1 - (31/32)^(keys per block).
  const auto state = f->export_state().value();
  std::uint64_t blocks = 0;
  for (int i = 0; i < 8; ++i) blocks |= std::uint64_t{state[16 + i]} << (8 * i);
  const double expected_fill = 1.0 - std::pow(31.0 / 32.0, 100'000.0 / static_cast<double>(blocks));
  EXPECT_NEAR(f->saturation(), expected_fill, 0.01);
  EXPECT_LE(f->item_count(), 100'000u);
  EXPECT_GT(f->item_count(), 99'000u);
}

TEST_P(Bloom, InsertReportsNewKeysAndClearEmpties) {
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_config(1000, 0.01));
  EXPECT_TRUE(f->insert("alpha").value());
  EXPECT_FALSE(f->insert("alpha").value());
  EXPECT_TRUE(f->contains("alpha").value());
  EXPECT_TRUE(f->insert("").value());  // the empty key is a key
  EXPECT_TRUE(f->contains("").value());
  EXPECT_EQ(f->item_count(), 2u);
  EXPECT_GT(f->saturation(), 0.0);
  ASSERT_TRUE(f->clear().ok());
  EXPECT_EQ(f->item_count(), 0u);
  EXPECT_EQ(f->saturation(), 0.0);
  EXPECT_EQ(f->estimated_false_positive_rate(), 0.0);
  EXPECT_FALSE(f->contains("alpha").value());
  EXPECT_TRUE(f->self_test().ok());
}

TEST_P(Bloom, ConcurrentInsertsFromFourThreadsAllFound) {
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_config(200'000, 0.01));
  constexpr int kThreads = 4, kPerThread = 25'000;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!f->insert(key).ok()) ++failures;
        if (!f->contains(key).value_or(false)) ++failures;  // visible to its inserter at once
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i)
      ASSERT_TRUE(f->contains("t" + std::to_string(t) + "-" + std::to_string(i)).value());
}

TEST_P(Bloom, RejectsBadConfig) {
  std::string error;
  EXPECT_FALSE(make<sdk::BloomFilter>(bloom_filter, GetParam(), bloom_config(0, 0.01), &error));
  EXPECT_FALSE(make<sdk::BloomFilter>(bloom_filter, GetParam(), bloom_config(10, 1.0), &error));
  EXPECT_FALSE(make<sdk::BloomFilter>(bloom_filter, GetParam(), bloom_config(10, 0.0), &error));
  sdk::Value wrong_type;
  wrong_type.set("expected_items", "many");
  EXPECT_FALSE(make<sdk::BloomFilter>(bloom_filter, GetParam(), wrong_type, &error));
  EXPECT_NE(error.find("expected_items"), std::string::npos) << error;
  EXPECT_TRUE(make<sdk::BloomFilter>(bloom_filter, GetParam(), sdk::Value(), &error)) << error;
}

// Both filters lend their export (sdk::StateView) for a switch's one-copy migration: the view is
// export_state()'s bytes, and another filter imports from it.
TEST_P(Bloom, TheStateViewIsTheExportByteForByte) {
  SELFHEAL_MAKE(f, sdk::BloomFilter, bloom_filter, GetParam(), bloom_config(20'000, 0.01));
  const auto* lender = dynamic_cast<const sdk::StateView*>(f.get());
  ASSERT_NE(lender, nullptr);
  for (int i = 0; i < 12'000; ++i) ASSERT_TRUE(f->insert("viewed-" + std::to_string(i)).ok());
  const auto exported = f->export_state().value();
  const auto view = lender->state_view();
  ASSERT_EQ(std::vector<std::uint8_t>(view.begin(), view.end()), exported);
  for (const char* other : kLanguages) {
    SELFHEAL_MAKE(g, sdk::BloomFilter, bloom_filter, other, bloom_config(20'000, 0.01));
    ASSERT_TRUE(g->import_state(lender->state_view()).ok()) << other;
    EXPECT_EQ(g->export_state().value(), exported) << other;
    EXPECT_TRUE(g->contains("viewed-11999").value()) << other;
  }
  // Written again on each call: a later insert shows in the next view's count and blocks.
  ASSERT_TRUE(f->insert("one more").ok());
  const auto again = lender->state_view();
  EXPECT_EQ(std::vector<std::uint8_t>(again.begin(), again.end()), f->export_state().value());
}

INSTANTIATE_TEST_SUITE_P(Both, Bloom, ::testing::ValuesIn(kLanguages), language_name);

// An artifact built before selfheal_bloom_state_view lends nothing: the host exports instead.
TEST(RustAdapters, AnArtifactWithoutTheStateViewLendsNothing) {
  std::string error;
  const sdk::NativeLibrary* lib = rust_core(&error);
  ASSERT_NE(lib, nullptr) << error;
  auto api = RustBloomApi::resolve(lib);
  ASSERT_TRUE(api.ok()) << api.status().message;
  ASSERT_NE(api.value().state_view, nullptr);
  RustBloomApi old = api.value();
  old.state_view = nullptr;
  selfheal_bloom_t* h = nullptr;
  ASSERT_EQ(old.create(1000, 0.01, &h), SELFHEAL_RC_OK);
  RustBloomFilter f(old, h);
  ASSERT_TRUE(f.insert("kept").ok());
  EXPECT_TRUE(f.state_view().empty());
  EXPECT_FALSE(f.export_state().value().empty());
}

// The adapters refuse to bind without a usable artifact.
TEST(RustAdapters, UnavailableWithoutArtifact) {
  for (const char* component : {sdk::component::bloom_filter, sdk::component::sliding_window,
                                sdk::component::memory_pool}) {
    std::string error;
    auto created = make_component(component, "rust", {}, &error);  // loads the artifact
    ASSERT_TRUE(created) << error;
  }
  class Empty final : public sdk::NativeLibrary {
   public:
    void* symbol(const char*) const noexcept override { return nullptr; }
    std::filesystem::path path() const override { return "/nowhere/librust.so"; }
  };
  // Only the ABI-version function, answering 99.
  class WrongAbi final : public sdk::NativeLibrary {
   public:
    static std::uint32_t v99() { return 99; }
    static std::int32_t ok() { return 0; }
    void* symbol(const char* name) const noexcept override {
      void* p = nullptr;
      if (std::string_view(name) == "selfheal_abi_version") {
        auto fn = &v99;
        std::memcpy(&p, &fn, sizeof p);
      } else if (std::string_view(name) == "selfheal_self_test") {
        auto fn = &ok;
        std::memcpy(&p, &fn, sizeof p);
      }
      return p;
    }
    std::filesystem::path path() const override { return "/old/librust.so"; }
  };
  Empty empty;
  WrongAbi wrong;
  for (const sdk::NativeLibrary* lib : {static_cast<const sdk::NativeLibrary*>(nullptr),
                                        static_cast<const sdk::NativeLibrary*>(&empty),
                                        static_cast<const sdk::NativeLibrary*>(&wrong)}) {
    sdk::ComponentArgs args;
    args.artifact = lib;
    auto r = RustBloomFilterImplementation().create(args);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code, sdk::Errc::unavailable) << r.status().message;
    EXPECT_EQ(RustSlidingWindowImplementation().create(args).status().code, sdk::Errc::unavailable);
    EXPECT_EQ(RustMemoryPoolImplementation().create(args).status().code, sdk::Errc::unavailable);
  }
  sdk::ComponentArgs args;
  args.artifact = &wrong;
  EXPECT_NE(RustBloomFilterImplementation().create(args).status().message.find("99"),
            std::string::npos);
  EXPECT_TRUE(RustBloomFilterImplementation().needs_artifact());
  EXPECT_FALSE(CppBloomFilterImplementation().needs_artifact());
}

}  // namespace
}  // namespace selfheal::components::testing
