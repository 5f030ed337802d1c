// The longest pause a caller sees while a 1 MiB Bloom filter is switched between
// implementations (state exported and imported under the gate).
#include <benchmark/benchmark.h>

#include "components/gates.hpp"
#include "cpp_bloom_filter.hpp"

using namespace selfheal;

namespace {

void BM_SwitchPause_1MiB(benchmark::State& state) {
  const std::uint64_t blocks = (1u << 20) / 32;  // 1 MiB of filter
  ComponentHandle<sdk::BloomFilter> handle(std::make_unique<components::CppBloomFilter>(blocks),
                                           [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  double longest_us = 0;
  for (auto _ : state) {
    auto r = handle.switch_to(std::make_unique<components::CppBloomFilter>(blocks));
    const double us = static_cast<double>(r.pause.count()) / 1000.0;
    if (us > longest_us) longest_us = us;
    state.SetIterationTime(us / 1e6);
  }
  state.counters["longest_pause_us"] = longest_us;
}
BENCHMARK(BM_SwitchPause_1MiB)->UseManualTime()->Iterations(200);

}  // namespace
