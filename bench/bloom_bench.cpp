// Bloom filter: through the handle vs a direct call; the current filter vs the format-1 filter it
// replaced (tests/components/support/legacy_bloom_v1.hpp) on the same keys; vs std::unordered_set;
// vs the floor of one XXH3 hash plus one random cache-line read; vs the machine's random
// cache-line access rate; the runtime's C++ handle and its C ABI vs the direct call. Keys are read in order (the key array is 1M strings: walking it
// with a large stride would add two cache misses per query that belong to the benchmark, not to
// the filter); the filter block each key hashes to is still random.
#include <benchmark/benchmark.h>
#include <selfheal/runtime.hpp>
#include <selfheal/selfheal.h>
#include <unistd.h>
#include <xxhash.h>

#include <filesystem>
#include <fstream>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "components/kinds/bloom_filter_kind.hpp"
#include "cpp_bloom_filter.hpp"
#include "support/legacy_bloom_v1.hpp"

using namespace selfheal;

namespace {

constexpr std::uint64_t kItems = 1'000'000;

const std::vector<std::string>& keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    v.reserve(kItems);
    for (std::uint64_t i = 0; i < kItems; ++i)
      v.push_back("frame-" + std::to_string(i * 2654435761u));
    return v;
  }();
  return k;
}

// Keys never inserted (negative queries).
const std::vector<std::string>& absent_keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    v.reserve(kItems);
    for (std::uint64_t i = 0; i < kItems; ++i)
      v.push_back("absent-" + std::to_string(i * 2654435761u));
    return v;
  }();
  return k;
}

std::uint64_t filter_blocks() { return components::sbbf_blocks_for(kItems, 0.01); }

template <class Filter>
void insert_all(Filter& f) {
  for (const auto& k : keys()) (void)f.insert(k);
}

// Insert: 1M distinct keys into an empty filter, cleared after each full pass (the clear is
// 1.2 MB of stores per 1M inserts).
template <class Filter>
void BloomInsert(benchmark::State& state) {
  Filter f(filter_blocks());
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.insert(keys()[i]));
    if (++i == kItems) {
      i = 0;
      f.clear();
    }
  }
  state.SetItemsProcessed(state.iterations());
}

template <class Filter>
void BloomQuery(benchmark::State& state, const std::vector<std::string>& (*which)()) {
  Filter f(filter_blocks());
  insert_all(f);
  const auto& probe = which();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.contains(probe[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

using components::SplitBlockBloom;
using components::testing::LegacyBloomV1;
BENCHMARK_TEMPLATE(BloomInsert, SplitBlockBloom)->Name("BM_BloomInsert_New");
BENCHMARK_TEMPLATE(BloomInsert, LegacyBloomV1)->Name("BM_BloomInsert_Old");
void BM_BloomPositive_New(benchmark::State& s) { BloomQuery<SplitBlockBloom>(s, keys); }
void BM_BloomPositive_Old(benchmark::State& s) { BloomQuery<LegacyBloomV1>(s, keys); }
void BM_BloomNegative_New(benchmark::State& s) { BloomQuery<SplitBlockBloom>(s, absent_keys); }
void BM_BloomNegative_Old(benchmark::State& s) { BloomQuery<LegacyBloomV1>(s, absent_keys); }
BENCHMARK(BM_BloomPositive_New);
BENCHMARK(BM_BloomPositive_Old);
BENCHMARK(BM_BloomNegative_New);
BENCHMARK(BM_BloomNegative_Old);

// The floor of any one-hash, one-line filter: XXH3 of the key, then one read of the 64-byte
// line it selects in a buffer as large as the filter.
void BM_Xxh3RandomLine(benchmark::State& state) {
  const std::size_t lines = filter_blocks() / 2 + 1;
  std::vector<std::uint64_t> memory(lines * 8, 1);
  std::uint64_t sum = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& k = keys()[i];
    const std::uint64_t h = XXH3_64bits(k.data(), k.size());
    sum += memory[(((h >> 32) * lines) >> 32) * 8];
    benchmark::DoNotOptimize(sum);
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Xxh3RandomLine);

std::unique_ptr<components::CppBloomFilter> filled_filter() {
  auto f = std::make_unique<components::CppBloomFilter>(components::sbbf_blocks_for(kItems, 0.01));
  for (const auto& k : keys()) (void)f->insert(k);
  return f;
}

void BM_BloomContains_Direct(benchmark::State& state) {
  auto f = filled_filter();
  sdk::BloomFilter* direct = f.get();
  // A component is reached through its interface (its implementation is chosen at run time):
  // hide the dynamic type so the compiler makes the same virtual call a handle makes.
  benchmark::DoNotOptimize(direct);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(direct->contains(keys()[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_Direct);

void BM_BloomContains_Handle(benchmark::State& state) {
  ComponentHandle<sdk::BloomFilter> handle(
      filled_filter(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        handle.call([&](sdk::BloomFilter& f) { return f.contains(keys()[i]); }));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_Handle);

// The handle without its read section: one atomic load and one indirect call. What the handle
// costs beyond the direct call is then the read section's alone.
void BM_BloomContains_AtomicLoadOnly(benchmark::State& state) {
  auto f = filled_filter();
  std::atomic<sdk::BloomFilter*> active{f.get()};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(active.load(std::memory_order_acquire)->contains(keys()[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_AtomicLoadOnly);

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

// --- the runtime as an application calls it (framework/runtime) -----------------------------
// The same C++ implementation (its plugin, follow mode with no daemon) with the same 1M keys,
// through the runtime's C++ handle and through the C ABI: compared with BM_BloomContains_Direct.
namespace {

std::shared_ptr<Runtime> bench_runtime() {
  static const std::shared_ptr<Runtime> rt = [] {
    const auto dir = std::filesystem::temp_directory_path() / ("selfheal-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto manifest = dir / "plugins.yaml";
    std::ofstream(manifest) << "version: 1\nsettings:\n  state_dir: " << (dir / "state").string()
                            << "\n  plugin_dir: " << SELFHEAL_BENCH_PLUGIN_DIR
                            << "\ncrates:\n  - {name: rust-core, path: " << SELFHEAL_BENCH_RUST_CORE_DIR
                            << ", library: selfheal_rust_core, abi_version: 1}"
                            << "\nplugins:\n  components:\n"
                               "    - {name: bloom_filter_cpp, library: component-bloom-filter-cpp.so}\n"
                               "components:\n  bloom_filter:\n    implementations: {cpp: bloom_filter_cpp}\n"
                               "    config: {expected_items: 1000000, false_positive_rate: 0.01}\n";
    auto opened = Runtime::open({.manifest = manifest, .mode = Mode::follow, .log = [](std::string_view) {}});
    auto bloom = opened->bloom_filter();
    for (const auto& k : keys()) bloom.insert(k);
    return opened;
  }();
  return rt;
}

void BM_BloomContains_RuntimeHandle(benchmark::State& state) {
  BloomFilter bloom = bench_runtime()->bloom_filter();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bloom.contains(keys()[i]));
    i = i + 1 == kItems ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_RuntimeHandle);

void BM_BloomContains_CAbi(benchmark::State& state) {
  selfheal_runtime* rt = nullptr;
  selfheal_bloom* bloom = nullptr;
  bench_runtime();  // filled once, shared: the C runtime below serves the same manifest
  const auto manifest = bench_runtime()->manifest().string();
  if (selfheal_open(manifest.c_str(), SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION, &rt) != SELFHEAL_OK ||
      selfheal_bloom_get(rt, nullptr, &bloom) != SELFHEAL_OK) {
    state.SkipWithError(selfheal_last_error());
    return;
  }
  for (const auto& k : keys()) selfheal_bloom_insert(bloom, k.data(), k.size(), nullptr);
  std::size_t i = 0;
  int found = 0;
  for (auto _ : state) {
    const auto& k = keys()[i];
    benchmark::DoNotOptimize(selfheal_bloom_contains(bloom, k.data(), k.size(), &found));
    benchmark::DoNotOptimize(found);
    i = i + 1 == kItems ? 0 : i + 1;
  }
  selfheal_bloom_free(bloom);
  selfheal_close(rt);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomContains_CAbi);

}  // namespace
