// Corrupt or truncated state blobs are refused with Errc::corrupt_state by both languages, the
// instance is left unchanged, and the two implementations agree on every mutated blob.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <functional>

#include "support/test_helpers.hpp"
#include "vectors/component_vectors.hpp"

namespace selfheal::components::testing {
namespace {

using Blob = std::vector<std::uint8_t>;

void put64(Blob& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put32(Blob& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

struct Case {
  const char* component;
  sdk::Value config;
  std::function<void(sdk::Component&)> fill;
  // Hand-made invalid variants of a valid blob.
  std::vector<std::pair<const char*, std::function<void(Blob&)>>> breakers;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  out.push_back(
      {sdk::component::bloom_filter,
       bloom_scenario_config(),
       [](sdk::Component& c) { run_bloom_scenario(dynamic_cast<sdk::BloomFilter&>(c)); },
       {{"magic", [](Blob& b) { b[0] ^= 1; }},
        {"version 3", [](Blob& b) { put32(b, 4, 3); }},
        {"version 0", [](Blob& b) { put32(b, 4, 0); }},
        {"reserved", [](Blob& b) { b[9] = 1; }},
        {"zero blocks", [](Blob& b) { put64(b, 16, 0); }},
        {"more blocks than bytes", [](Blob& b) { put64(b, 16, 1 + (b.size() - 32) / 32); }},
        {"huge blocks", [](Blob& b) { put64(b, 16, ~0ull); }}}});
  out.push_back(
      {sdk::component::sliding_window,
       window_scenario_config(),
       [](sdk::Component& c) { run_window_scenario(dynamic_cast<sdk::SlidingWindow&>(c)); },
       {{"magic", [](Blob& b) { b[3] ^= 0x40; }},
        {"version", [](Blob& b) { put32(b, 4, 0); }},
        {"zero capacity", [](Blob& b) { put32(b, 8, 0); }},
        {"capacity too large", [](Blob& b) { put32(b, 8, 65537); }},
        {"count over capacity", [](Blob& b) { put32(b, 8, 3); }},
        {"NaN threshold", [](Blob& b) { put64(b, 12, 0x7FF8000000000000ull); }},
        {"threshold > 1", [](Blob& b) { put64(b, 12, std::bit_cast<std::uint64_t>(1.5)); }},
        {"duplicates > frames", [](Blob& b) { put64(b, 28, 1000); }},
        {"frames < count",
         [](Blob& b) {
           put64(b, 20, 2);
           put64(b, 28, 0);
         }},
        {"count > entries", [](Blob& b) { put32(b, 36, 5); }}}});
  out.push_back({sdk::component::memory_pool,
                 pool_scenario_config(),
                 [](sdk::Component& c) { run_pool_scenario(dynamic_cast<sdk::MemoryPool&>(c)); },
                 {{"magic", [](Blob& b) { b[1] ^= 0x10; }},
                  {"version", [](Blob& b) { put32(b, 4, 7); }},
                  {"zero limit", [](Blob& b) { put64(b, 8, 0); }},
                  {"max_class not a power of two", [](Blob& b) { put64(b, 16, 4095); }},
                  {"zero next_id", [](Blob& b) { put64(b, 24, 0); }},
                  {"class count", [](Blob& b) { put32(b, 32, 5); }},
                  {"reserved", [](Blob& b) { put32(b, 36, 1); }},
                  {"class size", [](Blob& b) { put64(b, 40, 32); }},
                  {"capacity over limit", [](Blob& b) { put64(b, 48, 2000); }},
                  {"capacity overflow", [](Blob& b) { put64(b, 48, ~0ull / 8); }}}});
  return out;
}

class CorruptState : public ::testing::TestWithParam<const char*> {};

TEST_P(CorruptState, RefusedAndInstanceUnchanged) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.component);
    SELFHEAL_MAKE(source, sdk::Component, c.component, GetParam(), c.config);
    c.fill(*source);
    const Blob good = source->export_state().value();
    SELFHEAL_MAKE(target, sdk::Component, c.component, GetParam(), c.config);
    const Blob before = target->export_state().value();
    auto refused = [&](const Blob& b, const std::string& what) {
      const auto st = target->import_state(b);
      EXPECT_EQ(st.code, sdk::Errc::corrupt_state) << what << ": " << st.message;
      EXPECT_EQ(target->export_state().value(), before) << what << " changed the instance";
    };
    for (std::size_t len = 0; len < good.size(); len += (len < 64 ? 1 : 61))
      refused(Blob(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len)),
              "truncated to " + std::to_string(len));
    Blob longer = good;
    longer.push_back(0);
    refused(longer, "one byte too many");
    for (const auto& [what, breaker] : c.breakers) {
      Blob b = good;
      breaker(b);
      refused(b, what);
    }
    EXPECT_TRUE(target->import_state(good).ok());
    EXPECT_EQ(target->export_state().value(), good);
  }
}

INSTANTIATE_TEST_SUITE_P(Both, CorruptState, ::testing::ValuesIn(kLanguages), language_name);

// Found by fuzz_component_state: a state claiming ~2^63 items made the false-positive estimate
// loop for minutes. Both languages now answer at once, and alike: a filter that full is certain
// to answer "maybe".
TEST(CorruptStateParity, AHugeItemCountGivesAFalsePositiveRateOfOneAtOnce) {
  SELFHEAL_MAKE(source, sdk::BloomFilter, sdk::component::bloom_filter, "cpp",
                bloom_scenario_config());
  Blob state = source->export_state().value();
  for (const std::uint64_t claimed :
       {std::uint64_t{1} << 63, ~std::uint64_t{0}, std::uint64_t{1} << 40}) {
    put64(state, 24, claimed);
    for (const char* language : kLanguages) {
      SCOPED_TRACE(language);
      SELFHEAL_MAKE(filter, sdk::BloomFilter, sdk::component::bloom_filter, language,
                    bloom_scenario_config());
      ASSERT_TRUE(filter->import_state(state).ok());
      EXPECT_EQ(filter->item_count(), claimed);
      EXPECT_EQ(filter->estimated_false_positive_rate(), 1.0);
    }
  }
}

// Random byte mutations: C++ and Rust accept or refuse the same blobs, and what they accept they
// re-export identically. Nothing crashes.
TEST(CorruptStateParity, RandomMutationsJudgedAlike) {
  std::uint64_t rng = 0x2545F4914F6CDD1Dull;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.component);
    SELFHEAL_MAKE(source, sdk::Component, c.component, "cpp", c.config);
    c.fill(*source);
    const Blob good = source->export_state().value();
    SELFHEAL_MAKE(cpp, sdk::Component, c.component, "cpp", c.config);
    SELFHEAL_MAKE(rust, sdk::Component, c.component, "rust", c.config);
    int accepted = 0;
    for (int round = 0; round < 400; ++round) {
      Blob b = good;
      // Mostly header bytes, where validation lives.
      const std::size_t span = round % 2 ? std::min<std::size_t>(b.size(), 48) : b.size();
      for (std::uint64_t k = 0, n = 1 + next() % 3; k < n; ++k)
        b[next() % span] ^= static_cast<std::uint8_t>(1u << (next() % 8));
      const auto a = cpp->import_state(b), r = rust->import_state(b);
      ASSERT_EQ(a.ok(), r.ok()) << "round " << round << ": cpp " << a.message << " / rust "
                                << r.message;
      if (!a.ok()) {
        EXPECT_TRUE(a.code == sdk::Errc::corrupt_state || a.code == sdk::Errc::invalid_argument ||
                    a.code == sdk::Errc::out_of_memory)
            << a.message;
        EXPECT_EQ(a.code, r.code);
        continue;
      }
      ++accepted;
      EXPECT_EQ(cpp->export_state().value(), rust->export_state().value()) << "round " << round;
    }
    EXPECT_GT(accepted, 0);
  }
}

}  // namespace
}  // namespace selfheal::components::testing
