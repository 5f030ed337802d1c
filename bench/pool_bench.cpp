// Memory pool allocate+release vs malloc+free. The C++ pool plugin's logic is linked when
// present (see bench/CMakeLists.txt); malloc is the baseline a user would pick instead.
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
