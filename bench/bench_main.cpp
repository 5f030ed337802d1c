// selfheal-bench: runs every benchmark, then prints the ratios the README reports.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ratio_reporter.hpp"

namespace {

// jemalloc's library keeps its thread state in static TLS, and glibc reserves only 512 bytes of
// it for libraries dlopen'ed later (pool_bench.cpp loads jemalloc that way, so that it does not
// replace malloc for the whole benchmark): the benchmark starts itself again once with a larger
// reserve. Nothing else changes: without the re-exec the jemalloc benchmarks are skipped.
// After the re-exec the caller's GLIBC_TUNABLES is put back (the loader has read the reserve), so
// that the children the benchmarks start (cargo) see the environment they were given.
void reexec_with_static_tls_reserve(char** argv) {
  constexpr const char* kSaved = "SELFHEAL_BENCH_SAVED_TUNABLES";  // "=" + the caller's value
  if (const char* saved = std::getenv(kSaved); saved != nullptr && saved[0] == '=') {
    if (saved[1] == '\0')
      ::unsetenv("GLIBC_TUNABLES");
    else
      ::setenv("GLIBC_TUNABLES", saved + 1, 1);
    ::unsetenv(kSaved);
    return;
  }
  const char* old = std::getenv("GLIBC_TUNABLES");
  const std::string caller = old != nullptr ? old : "";
  ::setenv(kSaved, ("=" + caller).c_str(), 1);
  const std::string tunables =
      (caller.empty() ? "" : caller + ":") + "glibc.rtld.optional_static_tls=65536";
  ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: go on without the reserve
  ::unsetenv(kSaved);
  if (old == nullptr)
    ::unsetenv("GLIBC_TUNABLES");
  else
    ::setenv("GLIBC_TUNABLES", caller.c_str(), 1);
}

}  // namespace

int main(int argc, char** argv) {
  reexec_with_static_tls_reserve(argv);
  // A thread started and joined first, so the process is multi-threaded for every benchmark, as
  // the host and every application using the runtime are: glibc's malloc and the pool skip their
  // locks while a process has never had a second thread, and with benchmarks in random order and
  // some of them starting threads, that would otherwise change from one benchmark to the next.
  std::thread([] {}).join();
  // Defaults (flags given on the command line come later and win): three repetitions in random
  // interleaved order, ratios from the medians, so that a burst of load from other jobs on this
  // shared machine lands on both sides of a ratio instead of on one benchmark.
  std::vector<char*> args(argv, argv + argc);
  char repetitions[] = "--benchmark_repetitions=3";
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  char aggregates[] = "--benchmark_report_aggregates_only=true";
  args.insert(args.begin() + 1, {repetitions, interleave, aggregates});
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  selfheal::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  selfheal::bench::print_ratios(
      reporter, {
                    {"bloom contains: through the handle / direct call", "BM_BloomContains_Handle",
                     "BM_BloomContains_Direct", "<= 1.05"},
                    {"bloom contains: atomic load + indirect call, no read section / direct call",
                     "BM_BloomContains_AtomicLoadOnly", "BM_BloomContains_Direct", "reported"},
                    {"bloom contains: runtime C++ handle (libselfheal) / direct call",
                     "BM_BloomContains_RuntimeHandle", "BM_BloomContains_Direct", "<= 1.05"},
                    {"bloom contains: C ABI / runtime C++ handle", "BM_BloomContains_CAbi",
                     "BM_BloomContains_RuntimeHandle", "<= 1.10"},
                    {"bloom insert: new / old (format 1, XXH64)", "BM_BloomInsert_New",
                     "BM_BloomInsert_Old", "<= 0.6"},
                    {"bloom positive query: new / old", "BM_BloomPositive_New",
                     "BM_BloomPositive_Old", "<= 0.6"},
                    {"bloom negative query: new / old", "BM_BloomNegative_New",
                     "BM_BloomNegative_Old", "<= 0.6"},
                    {"bloom: unordered_set lookup / positive query", "BM_UnorderedSetContains",
                     "BM_BloomPositive_New", ">= 4"},
                    {"bloom positive query / XXH3 + one random line", "BM_BloomPositive_New",
                     "BM_Xxh3RandomLine", "<= 1.5"},
                    {"bloom negative query / XXH3 + one random line", "BM_BloomNegative_New",
                     "BM_Xxh3RandomLine", "<= 1.5"},
                    {"bloom contains: unordered_set / bloom (direct)", "BM_UnorderedSetContains",
                     "BM_BloomContains_Direct", "> 1 means the filter is faster"},
                    {"bloom contains / one random cache-line read", "BM_BloomContains_Direct",
                     "BM_RandomCacheLine", "~1 (memory-bound)"},
                    {"bloom insert+contains: rust / cpp", "BloomInsertContains/rust",
                     "BloomInsertContains/cpp", "<= 1.10"},
                    {"pool allocate+release: rust / cpp", "PoolAllocateRelease/rust",
                     "PoolAllocateRelease/cpp", "0.85 .. 1.15"},
                    {"window add_frame 320x240 RGB: rust / cpp", "WindowAddFrame/rust",
                     "WindowAddFrame/cpp", "0.85 .. 1.15"},
                    {"pool (cpp) 4 KiB allocate+release / jemalloc, 1 thread",
                     "PoolAllocRelease4K/threads:1", "AllocFree4K/jemalloc/threads:1", "<= 1"},
                    {"pool (cpp) 4 KiB allocate+release / jemalloc, 2 threads",
                     "PoolAllocRelease4K/threads:2", "AllocFree4K/jemalloc/threads:2", "<= 1"},
                    {"pool (cpp) 4 KiB / mimalloc, 1 thread", "PoolAllocRelease4K/threads:1",
                     "AllocFree4K/mimalloc/threads:1", "reported"},
                    {"pool (cpp) 4 KiB / mimalloc, 2 threads", "PoolAllocRelease4K/threads:2",
                     "AllocFree4K/mimalloc/threads:2", "reported"},
                    {"glibc malloc+free 4 KiB / pool (cpp), 1 thread", "AllocFree4K/glibc/threads:1",
                     "PoolAllocRelease4K/threads:1", "reported"},
                    {"glibc malloc+free 4 KiB / pool (cpp), 2 threads", "AllocFree4K/glibc/threads:2",
                     "PoolAllocRelease4K/threads:2", "reported"},
                    {"glibc / pool (cpp), 64 live buffers of 256 B - 1 MiB", "Mixed64Live_Malloc",
                     "Mixed64Live_Pool", ">= 3"},
                    {"window add_frame (cpp) / memcpy of the frame", "WindowAddFrame/cpp",
                     "MemcpyFrame", "<= 2"},
                    {"window add_frame (cpp) / XXH64 of the frame (the hash alone)",
                     "WindowAddFrame/cpp", "Xxh64Frame", "reported"},
                });
  for (const auto& [name, what] : {std::pair{"Fresh", "into a fresh instance"}, std::pair{"Warm", "between two warm ones"},
                                   std::pair{"RustCpp", "Rust <-> C++, warm"}}) {
    const std::string pause = std::string("BM_SwitchPause_") + name + "_1MiB/iterations:200/manual_time";
    std::printf("%-58s %9.1f us  %s\n", (std::string("longest caller pause, 1 MiB filter switch ") + what).c_str(),
                reporter.counter(pause, "longest_pause_us"), "< 100 us");
    std::printf("%-58s %9.1f us  %s\n", (std::string("mean caller pause, 1 MiB filter switch ") + what).c_str(),
                reporter.real_ns(pause) / 1000.0, "reported");
  }
  const std::string floor = "BM_SwitchFloor_Memcpy_1MiB/iterations:200/manual_time";
  std::printf("%-58s %9.1f us  %s\n", "longest of 200 plain 1 MiB memcpys (this machine's floor)",
              reporter.counter(floor, "longest_pause_us"), "reported");
  std::printf("%-58s %9.1f us  %s\n", "mean of 200 plain 1 MiB memcpys", reporter.real_ns(floor) / 1000.0,
              "reported");
  std::printf("%-58s %9.1f us  %s\n", "  of which: grace period (membarrier) alone",
              reporter.real_ns("BM_SwitchPart_GracePeriod") / 1000.0, "reported");
  std::printf("%-58s %9.1f us  %s\n", "  of which: export of 1 MiB alone",
              reporter.real_ns("BM_SwitchPart_Export_1MiB") / 1000.0, "reported");
  std::printf("%-58s %9.1f us  %s\n", "  of which: import of 1 MiB alone",
              reporter.real_ns("BM_SwitchPart_Import_1MiB") / 1000.0, "reported");
  benchmark::Shutdown();
  return 0;
}
