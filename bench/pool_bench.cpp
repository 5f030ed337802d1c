// What a user would pick instead of the memory pool: glibc's malloc, jemalloc and mimalloc (each
// Debian's), on the pool's own benchmark shapes: 4 KiB allocate+release in one and in two
// threads, and 64 live buffers of mixed sizes 256 B - 1 MiB.
//
// jemalloc and mimalloc are dlopen'ed with RTLD_LOCAL and called through their own entry points
// (mallocx/dallocx, mi_malloc/mi_free): linking either would replace malloc for the whole
// benchmark, the pool and glibc's side included. Their benchmarks are skipped when the library is
// missing.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "selfheal/sdk/memory_pool.hpp"
#include "support/rust_core_fixture.hpp"

namespace {

using selfheal::components::testing::make;

struct Allocator {
  void* (*allocate)(std::size_t) = nullptr;
  void (*release)(void*) = nullptr;
  explicit operator bool() const { return allocate != nullptr && release != nullptr; }
};

void* (*je_mallocx)(std::size_t, int) = nullptr;
void (*je_dallocx)(void*, int) = nullptr;
void* je_allocate(std::size_t n) { return je_mallocx(n, 0); }
void je_release(void* p) { je_dallocx(p, 0); }

Allocator glibc() {
  return {[](std::size_t n) { return std::malloc(n); }, [](void* p) { std::free(p); }};
}

Allocator jemalloc() {
  static const Allocator a = [] {
    void* lib = ::dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return Allocator{};
    je_mallocx = reinterpret_cast<void* (*)(std::size_t, int)>(::dlsym(lib, "mallocx"));
    je_dallocx = reinterpret_cast<void (*)(void*, int)>(::dlsym(lib, "dallocx"));
    return je_mallocx && je_dallocx ? Allocator{&je_allocate, &je_release} : Allocator{};
  }();
  return a;
}

Allocator mimalloc() {
  static const Allocator a = [] {
    void* lib = ::dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return Allocator{};
    return Allocator{reinterpret_cast<void* (*)(std::size_t)>(::dlsym(lib, "mi_malloc")),
                     reinterpret_cast<void (*)(void*)>(::dlsym(lib, "mi_free"))};
  }();
  return a;
}

void AllocFree4K(benchmark::State& state, Allocator (*which)()) {
  const Allocator a = which();
  if (!a) {
    state.SkipWithError("allocator library not installed");
    return;
  }
  for (auto _ : state) {
    void* p = a.allocate(4096);
    benchmark::DoNotOptimize(p);
    a.release(p);
  }
}
BENCHMARK_CAPTURE(AllocFree4K, glibc, &glibc)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(AllocFree4K, jemalloc, &jemalloc)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(AllocFree4K, mimalloc, &mimalloc)->Threads(1)->Threads(2);

// The pool the two threads share (one pool instance, as an application's handle has).
std::unique_ptr<selfheal::sdk::MemoryPool>& shared_pool() {
  static std::unique_ptr<selfheal::sdk::MemoryPool> p =
      make<selfheal::sdk::MemoryPool>("memory_pool", "cpp", selfheal::sdk::Value::map(), nullptr);
  return p;
}

void PoolAllocRelease4K(benchmark::State& state) {
  auto& p = shared_pool();
  if (!p) {
    state.SkipWithError("cannot create the C++ memory pool");
    return;
  }
  for (auto _ : state) {
    auto b = p->allocate(4096);
    benchmark::DoNotOptimize(b.value().data);
    (void)p->release(b.value());
  }
}
BENCHMARK(PoolAllocRelease4K)->Threads(1)->Threads(2);

// 64 live buffers; each step releases the oldest and allocates the next size of a fixed
// log-uniform sequence (the same for every allocator).
const std::vector<std::size_t>& mixed_sizes() {
  static const std::vector<std::size_t> sizes = [] {
    std::mt19937_64 rng(42);
    std::vector<std::size_t> s(4096);
    for (auto& n : s) {
      const std::size_t low = std::size_t{256} << (rng() % 12);  // 256 B .. 512 KiB
      n = low + rng() % low;                                      // .. 1 MiB
    }
    return s;
  }();
  return sizes;
}

void Mixed64Live_Malloc(benchmark::State& state) {
  std::array<void*, 64> live{};
  std::size_t i = 0;
  for (auto _ : state) {
    void*& slot = live[i % live.size()];
    std::free(slot);
    slot = std::malloc(mixed_sizes()[i % mixed_sizes().size()]);
    benchmark::DoNotOptimize(slot);
    ++i;
  }
  for (void* p : live) std::free(p);
}
BENCHMARK(Mixed64Live_Malloc);

void Mixed64Live_Pool(benchmark::State& state) {
  auto p = make<selfheal::sdk::MemoryPool>("memory_pool", "cpp", selfheal::sdk::Value::map(), nullptr);
  if (!p) {
    state.SkipWithError("cannot create the C++ memory pool");
    return;
  }
  std::array<selfheal::sdk::Buffer, 64> live{};
  std::size_t i = 0;
  for (auto _ : state) {
    auto& slot = live[i % live.size()];
    if (slot.data != nullptr) (void)p->release(slot);
    slot = p->allocate(mixed_sizes()[i % mixed_sizes().size()]).value();
    benchmark::DoNotOptimize(slot.data);
    ++i;
  }
  for (const auto& b : live)
    if (b.data != nullptr) (void)p->release(b);
}
BENCHMARK(Mixed64Live_Pool);

}  // namespace
