// No outage, nothing lost: callers hammer a component through its handle while the active
// implementation is switched back and forth. Runs under ThreadSanitizer in CI (label concurrency).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "components/kinds/bloom_filter_kind.hpp"
#include "components/kinds/memory_pool_kind.hpp"
#include "components/kinds/tagged_pool.hpp"
#include "cpp_bloom_filter.hpp"

using namespace selfheal;

namespace {

std::unique_ptr<sdk::BloomFilter> new_filter() {
  // Small enough that 1000 state migrations stay quick under ThreadSanitizer.
  return std::make_unique<components::CppBloomFilter>(components::sbbf_blocks_for(50000, 0.01));
}

// A minimal pool for the routing test: malloc'd buffers, ids counted, outstanding tracked.
class CountingPool final : public sdk::MemoryPool {
 public:
  sdk::Result<sdk::Buffer> allocate(std::size_t bytes) noexcept override {
    std::lock_guard lock(mutex_);
    sdk::Buffer b{std::malloc(bytes), bytes, ++next_};
    out_[b.id] = b.data;
    return b;
  }
  sdk::Status release(const sdk::Buffer& b) noexcept override {
    std::lock_guard lock(mutex_);
    auto it = out_.find(b.id);
    if (it == out_.end() || it->second != b.data)
      return sdk::Status::error(sdk::Errc::invalid_argument, "not ours");
    std::free(it->second);
    out_.erase(it);
    return {};
  }
  sdk::PoolStats stats() const noexcept override {
    std::lock_guard lock(mutex_);
    sdk::PoolStats s;
    s.bytes_in_use = out_.size();
    return s;
  }
  std::vector<sdk::OutstandingBuffer> outstanding_older_than(std::chrono::milliseconds) const noexcept override {
    return {};
  }
  std::size_t trim() noexcept override { return 0; }
  sdk::Status self_test() noexcept override { return {}; }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return std::vector<std::uint8_t>{};
  }
  sdk::Status import_state(std::span<const std::uint8_t>) noexcept override { return {}; }
  ~CountingPool() override {
    for (auto& [id, p] : out_) std::free(p);
  }

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, void*> out_;
};

}  // namespace

TEST(ComponentHandle, ThousandSwitchesUnderLoadLoseNothingAndFailNothing) {
  ComponentHandle<sdk::BloomFilter> handle(
      new_filter(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  constexpr int kThreads = 4;
  constexpr int kKeysPerThread = 20000;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> failures{0}, calls{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::string key;
      for (int i = 0; !stop.load(std::memory_order_relaxed) || i < kKeysPerThread; ++i) {
        if (i >= kKeysPerThread) break;
        key = "t" + std::to_string(t) + "-k" + std::to_string(i);
        auto inserted = handle.call([&](sdk::BloomFilter& f) { return f.insert(key); });
        auto found = handle.call([&](sdk::BloomFilter& f) { return f.contains(key); });
        calls += 2;
        if (!inserted.ok() || !found.ok() || !found.value()) ++failures;
      }
    });
  }
  std::chrono::nanoseconds longest{0};
  for (int s = 0; s < 1000; ++s) {
    auto r = handle.switch_to(new_filter());
    ASSERT_TRUE(r.switched) << r.status.message;
    longest = std::max(longest, r.pause);
  }
  stop = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_EQ(calls.load(), 2u * kThreads * kKeysPerThread);
  // Every key inserted before and during the switches is in the final implementation.
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kKeysPerThread; ++i)
      ASSERT_TRUE(handle.current().contains("t" + std::to_string(t) + "-k" + std::to_string(i)).value())
          << t << "/" << i;
  RecordProperty("longest_pause_us", std::to_string(longest.count() / 1000));
}

TEST(ComponentHandle, AFailedMigrationKeepsTheOldImplementation) {
  ComponentHandle<sdk::BloomFilter> handle(
      new_filter(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  ASSERT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.insert("kept"); }).ok());
  // An implementation whose import always fails.
  class Refusing final : public sdk::BloomFilter {
   public:
    sdk::Result<bool> insert(std::string_view) noexcept override { return false; }
    sdk::Result<bool> contains(std::string_view) const noexcept override { return false; }
    sdk::Status clear() noexcept override { return {}; }
    std::uint64_t item_count() const noexcept override { return 0; }
    double saturation() const noexcept override { return 0; }
    double estimated_false_positive_rate() const noexcept override { return 0; }
    sdk::Status self_test() noexcept override { return {}; }
    sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
      return std::vector<std::uint8_t>{};
    }
    sdk::Status import_state(std::span<const std::uint8_t>) noexcept override {
      return sdk::Status::error(sdk::Errc::corrupt_state, "refused");
    }
  };
  auto r = handle.switch_to(std::make_unique<Refusing>());
  EXPECT_FALSE(r.switched);
  EXPECT_EQ(r.status.code, sdk::Errc::corrupt_state);
  EXPECT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.contains("kept"); }).value());
}

// The C++ filter lends its state: the view is export_state()'s exact bytes, header included.
TEST(ComponentHandle, TheCppFiltersStateViewIsItsExport) {
  components::CppBloomFilter filter(components::sbbf_blocks_for(50000, 0.01));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(filter.insert("key-" + std::to_string(i)).ok());
  const auto exported = filter.export_state().value();
  const auto view = filter.state_view();
  ASSERT_EQ(view.size(), exported.size());
  EXPECT_TRUE(std::equal(view.begin(), view.end(), exported.begin()));
  components::CppBloomFilter copy(components::sbbf_blocks_for(50000, 0.01));
  ASSERT_TRUE(copy.import_state(view).ok());
  EXPECT_EQ(copy.item_count(), 1000u);
  EXPECT_TRUE(copy.contains("key-999").value());
}

// A switch away from an instance that lends a view of its state never calls its export.
TEST(ComponentHandle, ASwitchFromAnInstanceWithAViewCopiesFromTheView) {
  class Lending final : public sdk::BloomFilter, public sdk::StateView {
   public:
    sdk::Result<bool> insert(std::string_view k) noexcept override { return inner_->insert(k); }
    sdk::Result<bool> contains(std::string_view k) const noexcept override { return inner_->contains(k); }
    sdk::Status clear() noexcept override { return inner_->clear(); }
    std::uint64_t item_count() const noexcept override { return inner_->item_count(); }
    double saturation() const noexcept override { return 0; }
    double estimated_false_positive_rate() const noexcept override { return 0; }
    sdk::Status self_test() noexcept override { return {}; }
    sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
      return sdk::Status::error(sdk::Errc::internal, "the switch must use the view");
    }
    sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
      return inner_->import_state(s);
    }
    std::span<const std::uint8_t> state_view() const noexcept override { return inner_->state_view(); }

   private:
    std::unique_ptr<components::CppBloomFilter> inner_ =
        std::make_unique<components::CppBloomFilter>(components::sbbf_blocks_for(50000, 0.01));
  };
  ComponentHandle<sdk::BloomFilter> handle(
      std::make_unique<Lending>(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  ASSERT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.insert("kept"); }).ok());
  auto r = handle.switch_to(new_filter());
  ASSERT_TRUE(r.switched) << r.status.message;
  EXPECT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.contains("kept"); }).value());
  EXPECT_EQ(handle.current().item_count(), 1u);
}

// Without the refusal, each of these switches waited forever for the caller's own section.
TEST(ComponentHandle, ASwitchFromInsideACallIsRefusedAndChangesNothing) {
  ComponentHandle<sdk::BloomFilter> handle(
      new_filter(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  ComponentHandle<sdk::BloomFilter> other(
      new_filter(), [](auto& h) { return std::make_unique<BloomFilterGate>(h); });
  ASSERT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.insert("kept"); }).ok());
  sdk::BloomFilter* const before = &handle.current();
  sdk::BloomFilter* const other_before = &other.current();
  for (auto* target : {&handle, &other}) {
    auto r = handle.call([&](sdk::BloomFilter& f) {
      auto inner = target->switch_to(new_filter());
      EXPECT_NE(inner.old, nullptr);  // `next` comes back, unused
      return sdk::Result<bool>(!inner.switched && inner.status.code == sdk::Errc::internal &&
                               f.contains("kept").value());
    });
    EXPECT_TRUE(r.value());
  }
  EXPECT_EQ(&handle.current(), before);
  EXPECT_EQ(&other.current(), other_before);
  // Outside any call the same switch goes through and keeps the state.
  EXPECT_TRUE(handle.switch_to(new_filter()).switched);
  EXPECT_TRUE(handle.call([](sdk::BloomFilter& f) { return f.contains("kept"); }).value());
}

TEST(ComponentHandle, PoolBuffersStayValidAcrossSwitchesUntilReleased) {
  auto generations = std::make_shared<PoolGenerations>();
  std::uint16_t gen = 1;
  auto make = [&] {
    return std::make_unique<TaggedPool>(std::make_shared<CountingPool>(), gen++, generations);
  };
  ComponentHandle<sdk::MemoryPool> handle(make(), [](auto& h) { return std::make_unique<MemoryPoolGate>(h); });
  constexpr int kThreads = 4;
  std::atomic<std::uint64_t> failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<sdk::Buffer> held;
      for (int i = 0; i < 5000; ++i) {
        auto b = handle.call([](sdk::MemoryPool& p) { return p.allocate(64); });
        if (!b.ok()) {
          ++failures;
          continue;
        }
        std::memset(b.value().data, 0xA0 + t, 64);  // canary
        held.push_back(b.value());
        if (held.size() > 16) {  // release an old one, possibly made by a retired pool
          auto old = held.front();
          held.erase(held.begin());
          const auto* bytes = static_cast<const unsigned char*>(old.data);
          for (int k = 0; k < 64; ++k)
            if (bytes[k] != 0xA0 + t) ++failures;
          if (!handle.call([&](sdk::MemoryPool& p) { return p.release(old); }).ok()) ++failures;
        }
      }
      for (auto& b : held)
        if (!handle.call([&](sdk::MemoryPool& p) { return p.release(b); }).ok()) ++failures;
    });
  }
  for (int s = 0; s < 200 && !stop; ++s) {
    auto r = handle.switch_to(make());
    ASSERT_TRUE(r.switched);
    generations->collect(static_cast<TaggedPool&>(handle.current()).generation());
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0u);
  generations->collect(static_cast<TaggedPool&>(handle.current()).generation());
  EXPECT_EQ(generations->size(), 1u);  // retired pools went once their buffers came back
}
