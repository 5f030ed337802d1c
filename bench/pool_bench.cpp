// The baseline a user would pick instead of the memory pool: malloc + free of the same size.
#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

void BM_MallocFree(benchmark::State& state) {
  for (auto _ : state) {
    void* p = std::malloc(4096);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_MallocFree);

}  // namespace
