// The longest pause a caller sees while a 1 MiB Bloom filter is switched between
// implementations (state exported and imported under the gate), into a fresh instance and back
// and forth between two warm ones, and where that pause goes:
// the grace period (membarrier), the export and the import, each measured alone.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "common/split_block_bloom.hpp"
#include "components/kinds/bloom_filter_kind.hpp"
#include "components/read_section.hpp"
#include "cpp_bloom_filter.hpp"
#include "support/rust_core_fixture.hpp"

using namespace selfheal;

namespace {

constexpr std::uint64_t kBlocks = (1u << 20) / 32;  // 1 MiB of filter

// Every switch into a newly made instance, as when Rust comes up or an upgraded artifact is
// loaded: its pages were never touched (the handle's warm-up faults them in before the gate).
void BM_SwitchPause_Fresh_1MiB(benchmark::State& state) {
  ComponentHandle<sdk::BloomFilter> handle(std::make_unique<components::CppBloomFilter>(kBlocks),
                                           [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  double longest_us = 0;
  for (auto _ : state) {
    auto r = handle.switch_to(std::make_unique<components::CppBloomFilter>(kBlocks));
    const double us = static_cast<double>(r.pause.count()) / 1000.0;
    if (us > longest_us) longest_us = us;
    state.SetIterationTime(us / 1e6);
  }
  state.counters["longest_pause_us"] = longest_us;
}
BENCHMARK(BM_SwitchPause_Fresh_1MiB)->UseManualTime()->Iterations(200);

// Switches back and forth between `serving` and `spare`, each iteration timed by its pause.
void switch_back_and_forth(benchmark::State& state, std::unique_ptr<sdk::BloomFilter> serving,
                           std::unique_ptr<sdk::BloomFilter> spare) {
  ComponentHandle<sdk::BloomFilter> handle(std::move(serving),
                                           [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  double longest_us = 0;
  for (auto _ : state) {
    auto r = handle.switch_to(std::move(spare));
    spare = std::move(r.old);
    if (!r.switched) {  // a refused import (other sizes) would time nothing but the refusal
      state.SkipWithError(("the switch failed: " + r.status.message).c_str());
      return;
    }
    const double us = static_cast<double>(r.pause.count()) / 1000.0;
    if (us > longest_us) longest_us = us;
    state.SetIterationTime(us / 1e6);
  }
  state.counters["longest_pause_us"] = longest_us;
  state.counters["state_bytes"] = static_cast<double>(spare->export_state().value().size());
}

// Back and forth between two instances that both served before (a fallback and its recovery).
void BM_SwitchPause_Warm_1MiB(benchmark::State& state) {
  switch_back_and_forth(state, std::make_unique<components::CppBloomFilter>(kBlocks),
                        std::make_unique<components::CppBloomFilter>(kBlocks));
}
BENCHMARK(BM_SwitchPause_Warm_1MiB)->UseManualTime()->Iterations(200);

// Back and forth between a warm Rust and a warm C++ filter (a fallback and its recovery), both made
// as the host makes them (the Rust one through its adapter and the rust-core artifact). Each side
// lends its export (sdk::StateView), so each switch is one copy.
void BM_SwitchPause_RustCpp_1MiB(benchmark::State& state) {
  std::uint64_t items = 1;  // the fewest items whose filter has kBlocks blocks at 1%
  for (std::uint64_t step = std::uint64_t{1} << 30; step > 0; step >>= 1)
    if (components::sbbf_blocks_for(items + step, 0.01) < kBlocks) items += step;
  ++items;
  sdk::Value config = sdk::Value::map();
  config.set("expected_items", static_cast<std::int64_t>(items));
  config.set("false_positive_rate", 0.01);
  std::string error;
  auto rust = components::testing::make<sdk::BloomFilter>("bloom_filter", "rust", config, &error);
  auto cpp = components::testing::make<sdk::BloomFilter>("bloom_filter", "cpp", config, &error);
  if (!rust || !cpp) {
    state.SkipWithError(("cannot make both filters: " + error).c_str());
    return;
  }
  switch_back_and_forth(state, std::move(rust), std::move(cpp));
}
BENCHMARK(BM_SwitchPause_RustCpp_1MiB)->UseManualTime()->Iterations(200);

// The floor of the longest pause on this machine: 200 plain copies of 1 MiB between two warm
// buffers, timed one by one like the switches above (interrupts and the hypervisor stretch some).
void BM_SwitchFloor_Memcpy_1MiB(benchmark::State& state) {
  std::vector<std::uint8_t> from(kBlocks * 32, 1), to(kBlocks * 32, 2);
  double longest_us = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::memcpy(to.data(), from.data(), from.size());
    benchmark::ClobberMemory();
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (us > longest_us) longest_us = us;
    state.SetIterationTime(us / 1e6);
  }
  state.counters["longest_pause_us"] = longest_us;
}
BENCHMARK(BM_SwitchFloor_Memcpy_1MiB)->UseManualTime()->Iterations(200);

// The parts of the pause, alone.
void BM_SwitchPart_GracePeriod(benchmark::State& state) {
  for (auto _ : state) ReadSections::instance().synchronize();
}
BENCHMARK(BM_SwitchPart_GracePeriod);

void BM_SwitchPart_Export_1MiB(benchmark::State& state) {
  components::CppBloomFilter filter(kBlocks);
  for (auto _ : state) benchmark::DoNotOptimize(filter.export_state());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBlocks * 32));
}
BENCHMARK(BM_SwitchPart_Export_1MiB);

void BM_SwitchPart_Import_1MiB(benchmark::State& state) {
  components::CppBloomFilter from(kBlocks), to(kBlocks);
  const auto blob = from.export_state().value();
  for (auto _ : state) benchmark::DoNotOptimize(to.import_state(blob));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kBlocks * 32));
}
BENCHMARK(BM_SwitchPart_Import_1MiB);

}  // namespace
