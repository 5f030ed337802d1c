// selfheal-bench: runs every benchmark, then prints the ratios the README reports.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "ratio_reporter.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  selfheal::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  selfheal::bench::print_ratios(
      reporter,
      {
          {"bloom contains: through the handle / direct call", "BM_BloomContains_Handle",
           "BM_BloomContains_Direct", "<= 1.05"},
          {"bloom contains: unordered_set / bloom (direct)", "BM_UnorderedSetContains",
           "BM_BloomContains_Direct", "> 1 means the filter is faster"},
          {"bloom contains / one random cache-line read", "BM_BloomContains_Direct",
           "BM_RandomCacheLine", "~1 (memory-bound)"},
      });
  std::printf("%-58s %9.1f us  %s\n", "longest caller pause, 1 MiB filter switch",
              reporter.counter("BM_SwitchPause_1MiB/iterations:200/manual_time", "longest_pause_us"),
              "< 100 us");
  benchmark::Shutdown();
  return 0;
}
