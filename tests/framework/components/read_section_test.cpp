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
  std::atomic<bool> outer_open{false};
  std::atomic<bool> outer_may_end{false};
  std::atomic<std::uint64_t> inner_sections{0};
  std::thread reader([&] {
    ReadSection outer;
    outer_open = true;
    // Sections nested inside the outer one, opened and closed while the grace period waits: none
    // of their ends is the end of the section the grace period saw.
    while (!outer_may_end.load()) {
      ReadSection inner;
      inner_sections.fetch_add(1);
    }
  });
  while (!outer_open.load()) std::this_thread::yield();
  auto grace = std::async(std::launch::async, [] { ReadSections::instance().synchronize(); });
  const auto before = inner_sections.load();
  EXPECT_FALSE(finishes_within(grace, std::chrono::milliseconds(100)))
      << "the grace period ended while an outer section was open";
  EXPECT_GT(inner_sections.load(), before) << "no nested section ran while the grace period waited";
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
