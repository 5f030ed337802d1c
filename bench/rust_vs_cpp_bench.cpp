// The same operations on the C++ and the Rust implementation (rust-core built by the component
// tests' fixture), and against what a user would use instead: malloc/free, memcpy.
#include <benchmark/benchmark.h>
#include <xxhash.h>

#include <cstring>
#include <vector>

#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"
#include "support/rust_core_fixture.hpp"

using namespace selfheal;
using selfheal::components::testing::make;

namespace {

template <class T>
std::unique_ptr<T> make_or_skip(benchmark::State& state, const char* component, const char* lang,
                                sdk::Value config = sdk::Value::map()) {
  std::string error;
  auto c = make<T>(component, lang, config, &error);
  if (!c)
    state.SkipWithError(
        ("cannot create " + std::string(lang) + " " + component + ": " + error).c_str());
  return c;
}

void BloomInsertContains(benchmark::State& state, const char* lang) {
  sdk::Value config = sdk::Value::map();
  config.set("expected_items", 1000000);
  auto f = make_or_skip<sdk::BloomFilter>(state, "bloom_filter", lang, config);
  if (!f) return;
  char key[32];
  std::uint64_t i = 0;
  for (auto _ : state) {
    const int n =
        std::snprintf(key, sizeof key, "key-%llu", static_cast<unsigned long long>(i++ % 1000000));
    std::string_view k(key, static_cast<std::size_t>(n));
    benchmark::DoNotOptimize(f->insert(k));
    benchmark::DoNotOptimize(f->contains(k));
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK_CAPTURE(BloomInsertContains, cpp, "cpp");
BENCHMARK_CAPTURE(BloomInsertContains, rust, "rust");

void PoolAllocateRelease(benchmark::State& state, const char* lang) {
  auto p = make_or_skip<sdk::MemoryPool>(state, "memory_pool", lang);
  if (!p) return;
  for (auto _ : state) {
    auto b = p->allocate(4096);
    benchmark::DoNotOptimize(b.value().data);
    (void)p->release(b.value());
  }
}
BENCHMARK_CAPTURE(PoolAllocateRelease, cpp, "cpp");
BENCHMARK_CAPTURE(PoolAllocateRelease, rust, "rust");

constexpr std::uint32_t kW = 320, kH = 240;

void WindowAddFrame(benchmark::State& state, const char* lang) {
  auto w = make_or_skip<sdk::SlidingWindow>(state, "sliding_window", lang);
  if (!w) return;
  std::vector<std::uint8_t> pixels(kW * kH * 3);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 31);
  std::int64_t t = 0;
  for (auto _ : state) {
    pixels[static_cast<std::size_t>(t) % pixels.size()] ^= 1;
    benchmark::DoNotOptimize(w->add_frame({pixels, kW, kH, 3, t++}));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pixels.size()));
}
BENCHMARK_CAPTURE(WindowAddFrame, cpp, "cpp");
BENCHMARK_CAPTURE(WindowAddFrame, rust, "rust");

void MemcpyFrame(benchmark::State& state) {
  std::vector<std::uint8_t> a(kW * kH * 3, 7), b(kW * kH * 3);
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), a.size());
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(a.size()));
}
BENCHMARK(MemcpyFrame);

// The frame hash alone (XXH64 of the 230 KB, as add_frame must compute): add_frame's floor.
void Xxh64Frame(benchmark::State& state) {
  std::vector<std::uint8_t> a(kW * kH * 3);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(i * 31);
  for (auto _ : state) benchmark::DoNotOptimize(XXH64(a.data(), a.size(), 0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(a.size()));
}
BENCHMARK(Xxh64Frame);

}  // namespace
