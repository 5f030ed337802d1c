// Memory-pool behaviour, for both implementations: class choice, the limit, refused releases,
// high-water marks, the outstanding report, trim, concurrency with canaries, state import.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <thread>

#include "cpp_memory_pool.hpp"
#include "support/test_helpers.hpp"

namespace selfheal::components::testing {
namespace {

using sdk::component::memory_pool;
using namespace std::chrono_literals;

sdk::Value pool_config(std::int64_t max_class, std::int64_t limit) {
  sdk::Value v;
  v.set("max_class", max_class);
  v.set("memory_limit_bytes", limit);
  return v;
}

const sdk::SizeClassStats& pool_class(const sdk::PoolStats& s, std::size_t size) {
  for (const auto& c : s.classes)
    if (c.buffer_size == size) return c;
  static const sdk::SizeClassStats none{};
  ADD_FAILURE() << "no class " << size;
  return none;
}

class Pool : public ::testing::TestWithParam<const char*> {};

TEST_P(Pool, SmallestClassThatFits) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(1 << 20, 256 << 20));
  const auto s = p->stats();
  ASSERT_EQ(s.classes.size(), 15u);  // 64 B .. 1 MiB
  EXPECT_EQ(s.classes.front().buffer_size, 64u);
  EXPECT_EQ(s.classes.back().buffer_size, 1u << 20);
  EXPECT_EQ(s.memory_limit, 256u << 20);
  for (auto [ask, want] : {std::pair<std::size_t, std::size_t>{0, 64},
                           {1, 64},
                           {64, 64},
                           {65, 128},
                           {1000, 1024},
                           {1025, 2048},
                           {1 << 20, 1 << 20}}) {
    auto b = p->allocate(ask);
    ASSERT_TRUE(b.ok()) << ask;
    EXPECT_EQ(b.value().size, want) << ask;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.value().data) % 64, 0u);
    std::memset(b.value().data, 0x5A, b.value().size);
    EXPECT_TRUE(p->release(b.value()).ok());
  }
  EXPECT_EQ(p->allocate((1 << 20) + 1).status().code, sdk::Errc::invalid_argument);
}

TEST_P(Pool, MemoryLimitAndReuse) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(1024, 4096));
  std::vector<sdk::Buffer> held;
  for (int i = 0; i < 4; ++i) held.push_back(p->allocate(1024).value());
  EXPECT_EQ(p->stats().bytes_reserved, 4096u);
  EXPECT_EQ(p->allocate(1024).status().code, sdk::Errc::out_of_memory);
  EXPECT_EQ(p->allocate(64).status().code, sdk::Errc::out_of_memory);
  ASSERT_TRUE(p->release(held.back()).ok());
  held.pop_back();
  auto again = p->allocate(1000);  // reuses the free 1 KiB buffer
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(p->stats().bytes_reserved, 4096u);
  EXPECT_EQ(p->stats().bytes_in_use, 4096u);
  held.push_back(again.value());
  for (const auto& b : held) EXPECT_TRUE(p->release(b).ok());
  EXPECT_EQ(p->stats().bytes_in_use, 0u);
}

TEST_P(Pool, DoubleAndForeignReleasesAreRefused) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  const auto b = p->allocate(100).value();
  const auto other = p->allocate(100).value();
  EXPECT_NE(b.id, other.id);
  ASSERT_TRUE(p->release(b).ok());
  const auto before = p->stats();
  EXPECT_EQ(p->release(b).code, sdk::Errc::invalid_argument);  // double release
  EXPECT_EQ(p->release({other.data, other.size, other.id + 100}).code, sdk::Errc::invalid_argument);
  EXPECT_EQ(p->release({b.data, other.size, other.id}).code, sdk::Errc::invalid_argument);
  EXPECT_EQ(p->release({other.data, 256, other.id}).code, sdk::Errc::invalid_argument);
  EXPECT_EQ(p->release({other.data, 100, other.id}).code, sdk::Errc::invalid_argument);
  EXPECT_EQ(p->release({nullptr, 0, 0}).code, sdk::Errc::invalid_argument);
  int local = 0;
  EXPECT_EQ(p->release({&local, 128, other.id}).code, sdk::Errc::invalid_argument);
  const auto after = p->stats();
  EXPECT_EQ(pool_class(after, 128).available, pool_class(before, 128).available);
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
  // A reused buffer gets a new id: the old handle stays refused.
  const auto reused = p->allocate(100).value();
  EXPECT_EQ(reused.data, b.data);
  EXPECT_NE(reused.id, b.id);
  EXPECT_EQ(p->release(b).code, sdk::Errc::invalid_argument);
  EXPECT_TRUE(p->release(reused).ok());
  EXPECT_TRUE(p->release(other).ok());
}

TEST_P(Pool, HighWaterCapacityAvailable) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  auto a = p->allocate(200).value(), b = p->allocate(200).value(), c = p->allocate(200).value();
  ASSERT_TRUE(p->release(a).ok());
  ASSERT_TRUE(p->release(b).ok());
  auto d = p->allocate(256).value();
  const auto s = p->stats();
  EXPECT_EQ(pool_class(s, 256).high_water, 3u);
  EXPECT_EQ(pool_class(s, 256).capacity, 3u);
  EXPECT_EQ(pool_class(s, 256).available, 1u);
  EXPECT_EQ(pool_class(s, 64).capacity, 0u);
  EXPECT_EQ(s.bytes_in_use, 512u);
  EXPECT_EQ(s.bytes_reserved, 768u);
  EXPECT_TRUE(p->release(c).ok());
  EXPECT_TRUE(p->release(d).ok());
}

TEST_P(Pool, OutstandingReportAndTrim) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  auto a = p->allocate(10).value(), b = p->allocate(3000).value(), c = p->allocate(500).value();
  ASSERT_TRUE(p->release(b).ok());
  auto all = p->outstanding_older_than(0ms);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[0].size, 64u);
  EXPECT_EQ(all[1].id, c.id);
  EXPECT_EQ(all[1].size, 512u);
  EXPECT_GE(all[0].age.count(), 0);
  EXPECT_TRUE(p->outstanding_older_than(1h).empty());
  EXPECT_EQ(p->trim(), 4096u);  // only the free 4 KiB buffer
  auto s = p->stats();
  EXPECT_EQ(s.bytes_reserved, 64u + 512u);
  EXPECT_EQ(pool_class(s, 4096).capacity, 0u);
  EXPECT_EQ(pool_class(s, 4096).high_water, 1u);
  ASSERT_TRUE(p->release(a).ok());
  ASSERT_TRUE(p->release(c).ok());
  EXPECT_TRUE(p->outstanding_older_than(0ms).empty());
  EXPECT_EQ(p->trim(), 576u);
  EXPECT_EQ(p->stats().bytes_reserved, 0u);
  EXPECT_EQ(p->trim(), 0u);
}

TEST_P(Pool, ConcurrentAllocateReleaseKeepsCanaries) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(8192, 64 << 20));
  constexpr int kThreads = 4, kRounds = 3000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::uint32_t rng = 77u + static_cast<std::uint32_t>(t);
      std::vector<std::pair<sdk::Buffer, std::uint8_t>> held;
      for (int i = 0; i < kRounds; ++i) {
        rng = rng * 1664525u + 1013904223u;
        if (held.size() < 8 && (rng >> 28) < 10) {
          auto b = p->allocate((rng >> 8) % 8192);
          if (!b.ok()) {
            ++failures;
            continue;
          }
          const auto canary = static_cast<std::uint8_t>(t * 31 + i);
          std::memset(b.value().data, canary, b.value().size);
          held.emplace_back(b.value(), canary);
        } else if (!held.empty()) {
          auto [b, canary] = held[rng % held.size()];
          const auto* bytes = static_cast<const std::uint8_t*>(b.data);
          for (std::size_t k = 0; k < b.size; ++k)
            if (bytes[k] != canary) {
              ++failures;
              break;
            }
          if (!p->release(b).ok()) ++failures;
          std::erase_if(held, [&](const auto& h) { return h.first.id == b.id; });
        }
      }
      for (const auto& [b, canary] : held)
        if (!p->release(b).ok()) ++failures;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto s = p->stats();
  EXPECT_EQ(s.bytes_in_use, 0u);
  EXPECT_TRUE(p->outstanding_older_than(0ms).empty());
  std::size_t reserved = 0;
  for (const auto& c : s.classes) {
    EXPECT_EQ(c.available, c.capacity);
    EXPECT_LE(c.high_water, c.capacity);
    reserved += c.capacity * c.buffer_size;
  }
  EXPECT_EQ(s.bytes_reserved, reserved);
}

// The limit holds one buffer; each of 8 threads in turn releases the buffer the previous thread
// took and takes it again. Threads get arenas of their own in the C++ pool (consecutive threads,
// consecutive arenas), so the buffer is released into, and reused from, another thread's arena:
// it must never be refused, made twice, or handed out under an id seen before.
TEST_P(Pool, OneBufferPassesThroughManyThreads) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 4096));
  std::optional<sdk::Buffer> held;
  std::vector<std::uint64_t> ids;
  for (int t = 0; t < 8; ++t) {
    std::optional<sdk::Result<sdk::Buffer>> got;
    std::thread([&] {
      if (held) {
        EXPECT_TRUE(p->release(*held).ok());
        EXPECT_EQ(p->release(*held).code, sdk::Errc::invalid_argument);  // once only
      }
      got.emplace(p->allocate(4000));
    }).join();
    ASSERT_TRUE(got->ok()) << "thread " << t << ": " << got->status().message;
    held = got->value();
    ids.push_back(held->id);
  }
  EXPECT_TRUE(p->release(*held).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  const auto s = p->stats();
  EXPECT_EQ(pool_class(s, 4096).capacity, 1u);
  EXPECT_EQ(pool_class(s, 4096).available, 1u);
  EXPECT_EQ(pool_class(s, 4096).high_water, 1u);
  EXPECT_EQ(s.bytes_in_use, 0u);
  EXPECT_EQ(s.bytes_reserved, 4096u);
}

// At the limit, with threads on several arenas allocating and releasing at once: the limit holds
// two buffers, and four threads take turns (at most two hold one at a time), so a buffer is
// always free or can be made somewhere and no allocation may fail. The threads are on different
// arenas, and only two arenas can hold a buffer: most allocations reuse another arena's.
TEST_P(Pool, NoAllocationFailsAtTheLimitWhileABufferIsFreeElsewhere) {
  constexpr int kThreads = 4, kRounds = 3000, kBuffers = 2;
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, kBuffers * 4096));
  std::atomic<int> tokens{kBuffers}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        int n = tokens.load();
        while (n == 0 || !tokens.compare_exchange_weak(n, n - 1)) {
          if (n == 0) std::this_thread::yield();
          n = tokens.load();
        }
        auto b = p->allocate(4096);
        if (!b.ok() || !p->release(b.value()).ok()) ++failures;
        tokens.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto s = p->stats();
  EXPECT_EQ(pool_class(s, 4096).capacity, std::size_t{kBuffers});
  EXPECT_EQ(s.bytes_in_use, 0u);
}

// Import into a pool whose buffers are spread over several threads' arenas: free buffers beyond
// the imported capacity go from every arena, outstanding ones stay valid, and ids continue past
// every id any arena handed out.
TEST_P(Pool, ImportOverBuffersSpreadAcrossThreads) {
  SELFHEAL_MAKE(p, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  std::vector<sdk::Buffer> held;
  std::uint64_t highest = 0;
  for (int t = 0; t < 3; ++t)
    std::thread([&] {  // two buffers made here, one released: one free, one outstanding
      auto a = p->allocate(1024), b = p->allocate(1024);
      if (!a.ok() || !b.ok()) return;
      highest = std::max({highest, a.value().id, b.value().id});
      EXPECT_TRUE(p->release(a.value()).ok());
      held.push_back(b.value());
    }).join();
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(pool_class(p->stats(), 1024).capacity, 6u);
  // The same pool's state with no 1 KiB buffers: only the three free ones can go.
  SELFHEAL_MAKE(empty, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  ASSERT_TRUE(p->import_state(empty->export_state().value()).ok());
  auto s = p->stats();
  EXPECT_EQ(pool_class(s, 1024).capacity, 3u);
  EXPECT_EQ(pool_class(s, 1024).available, 0u);
  EXPECT_EQ(pool_class(s, 1024).high_water, 3u);
  EXPECT_EQ(s.bytes_reserved, 3u * 1024);
  auto next = p->allocate(1024);
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next.value().id, highest);
  EXPECT_TRUE(p->release(next.value()).ok());
  for (const auto& b : held) EXPECT_TRUE(p->release(b).ok());  // from this thread's arena
  s = p->stats();
  EXPECT_EQ(pool_class(s, 1024).available, 4u);
  EXPECT_EQ(s.bytes_in_use, 0u);
}

TEST_P(Pool, ImportKeepsOwnOutstandingBuffersAndPrewarms) {
  SELFHEAL_MAKE(src, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  SELFHEAL_MAKE(dst, sdk::MemoryPool, memory_pool, GetParam(), pool_config(4096, 1 << 20));
  std::vector<sdk::Buffer> held;
  for (int i = 0; i < 5; ++i) held.push_back(src->allocate(1000).value());
  auto mine = dst->allocate(64).value();
  std::memset(mine.data, 0xC3, mine.size);
  ASSERT_TRUE(dst->import_state(src->export_state().value()).ok());
  const auto s = dst->stats();
  EXPECT_EQ(pool_class(s, 1024).capacity, 5u);
  EXPECT_EQ(pool_class(s, 1024).available, 5u);  // pre-warmed; src's buffers stay src's
  EXPECT_EQ(pool_class(s, 1024).high_water, 5u);
  EXPECT_EQ(pool_class(s, 64).capacity, 1u);  // its own outstanding buffer
  EXPECT_EQ(static_cast<std::uint8_t*>(mine.data)[63], 0xC3);
  EXPECT_TRUE(dst->release(mine).ok());
  auto next = dst->allocate(1).value();
  EXPECT_GT(next.id, held.back().id);  // ids continue past the exporter's
  EXPECT_TRUE(dst->release(next).ok());
  for (const auto& b : held) {
    EXPECT_EQ(dst->release(b).code, sdk::Errc::invalid_argument);  // not dst's buffers
    EXPECT_TRUE(src->release(b).ok());
  }
  // Another size-class layout is refused, not reinterpreted.
  SELFHEAL_MAKE(other, sdk::MemoryPool, memory_pool, GetParam(), pool_config(8192, 1 << 20));
  EXPECT_EQ(other->import_state(src->export_state().value()).code, sdk::Errc::invalid_argument);
}

TEST_P(Pool, RejectsBadConfig) {
  std::string error;
  EXPECT_FALSE(make<sdk::MemoryPool>(memory_pool, GetParam(), pool_config(1000, 1 << 20), &error));
  EXPECT_FALSE(make<sdk::MemoryPool>(memory_pool, GetParam(), pool_config(32, 1 << 20), &error));
  EXPECT_FALSE(make<sdk::MemoryPool>(memory_pool, GetParam(), pool_config(4096, 0), &error));
  auto p = make<sdk::MemoryPool>(memory_pool, GetParam(), sdk::Value(), &error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->stats().memory_limit, 256u << 20);
  EXPECT_EQ(p->stats().classes.back().buffer_size, 1u << 20);
  EXPECT_TRUE(p->self_test().ok());
}

INSTANTIATE_TEST_SUITE_P(Both, Pool, ::testing::ValuesIn(kLanguages), language_name);

// Ages with a clock the test controls (the C++ core takes one).
TEST(PoolClock, OutstandingAgesFollowTheClock) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  CppMemoryPool p(4096, 1 << 20, [&] { return now; });
  auto a = p.allocate(10).value();
  now += 5s;
  auto b = p.allocate(10).value();
  now += 2500ms;
  auto old = p.outstanding_older_than(3s);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].id, a.id);
  EXPECT_EQ(old[0].age, 7500ms);
  auto both = p.outstanding_older_than(2500ms);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].age, 2500ms);
  EXPECT_TRUE(p.release(a).ok());
  EXPECT_TRUE(p.outstanding_older_than(3s).empty());
  EXPECT_TRUE(p.release(b).ok());
}

}  // namespace
}  // namespace selfheal::components::testing
