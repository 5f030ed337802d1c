// Bloom filter: through the handle vs a direct call; vs std::unordered_set; vs the machine's
// random cache-line access rate. Keys are read in order (the key array is 1M strings: walking it
// with a large stride would add two cache misses per query that belong to the benchmark, not to
// the filter); the filter block each key hashes to is still random.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "components/kinds/bloom_filter_kind.hpp"
#include "cpp_bloom_filter.hpp"

using namespace selfheal;

namespace {

constexpr std::uint64_t kItems = 1'000'000;

const std::vector<std::string>& keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    v.reserve(kItems);
    for (std::uint64_t i = 0; i < kItems; ++i) v.push_back("frame-" + std::to_string(i * 2654435761u));
    return v;
  }();
  return k;
}

std::unique_ptr<components::CppBloomFilter> filled_filter() {
  auto f = std::make_unique<components::CppBloomFilter>(components::sbbf_blocks_for(kItems, 0.01));
  for (const auto& k : keys()) (void)f->insert(k);
  return f;
}

void BM_BloomContains_Direct(benchmark::State& state) {
  auto f = filled_filter();
  sdk::BloomFilter* direct = f.get();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(direct->contains(keys()[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_Direct);

void BM_BloomContains_Handle(benchmark::State& state) {
  ComponentHandle<sdk::BloomFilter> handle(filled_filter(),
                                           [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(handle.call([&](sdk::BloomFilter& f) { return f.contains(keys()[i]); }));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_Handle);

void BM_UnorderedSetContains(benchmark::State& state) {
  std::unordered_set<std::string> set(keys().begin(), keys().end());
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(set.count(keys()[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnorderedSetContains);

// One dependent-free random 64-byte line read from a buffer as large as the filter.
void BM_RandomCacheLine(benchmark::State& state) {
  const std::size_t lines = components::sbbf_blocks_for(kItems, 0.01) / 2 + 1;
  std::vector<std::uint64_t> memory(lines * 8, 1);
  std::mt19937_64 rng(7);
  std::uint64_t x = rng();
  std::uint64_t sum = 0;
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += memory[(x % lines) * 8];
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomCacheLine);

}  // namespace
