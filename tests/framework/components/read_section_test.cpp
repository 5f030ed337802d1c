// ReadSections: a grace period waits for every section open when it began, nested or not, and
// never for a thread that keeps entering new ones. Runs under ThreadSanitizer (label concurrency).
#include "components/read_section.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace selfheal;

namespace {

// Whether `f` (running) finished within `limit`: a negative check, so the limit is short.
bool finishes_within(std::future<void>& f, std::chrono::milliseconds limit) {
  return f.wait_for(limit) == std::future_status::ready;
}

TEST(ReadSections, AGracePeriodWaitsForTheOuterOfNestedSectionsToEnd) {
  std::atomic<int> step{0};
  std::atomic<bool> outer_may_end{false};
  std::thread reader([&] {
    ReadSection outer;
    {
      ReadSection inner;
      step = 1;
    }
    // The inner section ended; the outer is still open: a grace period must not end yet.
    step.wait(1);
    while (!outer_may_end.load()) std::this_thread::yield();
  });
  while (step.load() != 1) std::this_thread::yield();
  auto grace = std::async(std::launch::async, [] { ReadSections::instance().synchronize(); });
  step = 2;
  step.notify_all();
  EXPECT_FALSE(finishes_within(grace, std::chrono::milliseconds(50)))
      << "the grace period ended while an outer section was open";
  outer_may_end = true;
  reader.join();
  grace.get();  // ends once the outer section has
}

TEST(ReadSections, AThreadThatKeepsEnteringSectionsDoesNotHoldAGracePeriodBack) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> sections{0};
  std::thread busy([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      ReadSection s;
      sections.fetch_add(1, std::memory_order_relaxed);
    }
  });
  while (sections.load() < 1000) std::this_thread::yield();
  for (int i = 0; i < 100; ++i) ReadSections::instance().synchronize();  // returns: no deadline needed
  stop = true;
  busy.join();
  EXPECT_EQ(ReadSections::this_thread_slot().depth(), 0u);
}

TEST(ReadSections, ASlotIsBackAtDepthZeroAfterEverySection) {
  auto& slot = ReadSections::this_thread_slot();
  {
    ReadSection a;
    EXPECT_EQ(slot.depth(), 1u);
    {
      ReadSection b;
      EXPECT_EQ(slot.depth(), 2u);
    }
    EXPECT_EQ(slot.depth(), 1u);
  }
  EXPECT_EQ(slot.depth(), 0u);
  ReadSections::instance().synchronize();  // nothing open: returns at once
}

}  // namespace
