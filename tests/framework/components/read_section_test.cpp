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
  EXPECT_FALSE(ReadSections::this_thread_slot().in_section());
}

TEST(ReadSections, OnlyTheOutermostSectionMovesTheWordAndNoWordComesBack) {
  auto& slot = ReadSections::this_thread_slot();
  const auto start = slot.word.load();
  ASSERT_FALSE(slot.in_section());
  {
    ReadSection a;
    const auto inside = slot.word.load();
    EXPECT_TRUE(slot.in_section());
    {
      ReadSection b;
      EXPECT_EQ(slot.word.load(), inside) << "a nested section changed the word";
    }
    EXPECT_EQ(slot.word.load(), inside) << "a nested section's end changed the word";
    // A gate stepping out while it waits, then back in: out is a new word, in is the old one.
    ASSERT_TRUE(ReadSections::step_out(slot));
    EXPECT_FALSE(slot.in_section());
    EXPECT_NE(slot.word.load(), inside);
    ReadSections::step_in(slot);
    EXPECT_EQ(slot.word.load(), inside);
  }
  EXPECT_FALSE(slot.in_section());
  EXPECT_GT(slot.word.load(), start + 1);
  {
    ReadSection c;
    EXPECT_GT(slot.word.load(), start + 2) << "a later section had an earlier section's word";
  }
  EXPECT_FALSE(ReadSections::step_out(slot)) << "stepped out of no section";
  ReadSections::instance().synchronize();  // nothing open: returns at once
}

// Kernels without membarrier(2), and seccomp filters that refuse it: callers fence instead.
TEST(ReadSections, WithoutMembarrierAGracePeriodStillWaitsForAnOpenSection) {
  auto& sections = ReadSections::instance();
  const bool had_membarrier = sections.uses_membarrier();
  sections.use_membarrier(false);
  EXPECT_TRUE(detail::read_sections_need_fences.load());
  std::atomic<bool> open{false};
  std::atomic<bool> may_end{false};
  std::thread reader([&] {
    ReadSection s;
    open = true;
    while (!may_end.load()) std::this_thread::yield();
  });
  while (!open.load()) std::this_thread::yield();
  auto grace = std::async(std::launch::async, [&sections] { sections.synchronize(); });
  EXPECT_FALSE(finishes_within(grace, std::chrono::milliseconds(100)))
      << "the grace period ended while a section was open";
  may_end = true;
  reader.join();
  grace.get();
  sections.use_membarrier(had_membarrier);
  EXPECT_EQ(detail::read_sections_need_fences.load(), !had_membarrier);
}

// A handle called from a thread-local's destructor after the thread gave its slot back gets a
// slot of its own, never the one a new thread may own by then.
std::atomic<ReadSections::Slot*> slot_of_late_caller{nullptr};
struct LateCaller {
  ~LateCaller() {
    ReadSection s;
    slot_of_late_caller = &ReadSections::this_thread_slot();
  }
};

TEST(ReadSections, ACallAfterTheThreadGaveItsSlotBackGetsASlotOfItsOwn) {
  ReadSections::Slot* first = nullptr;
  std::thread t([&first] {
    // Constructed before the thread's first section, so destroyed after its slot is given back.
    thread_local LateCaller caller;
    (void)&caller;
    { ReadSection s; }
    first = &ReadSections::this_thread_slot();
  });
  t.join();
  ASSERT_NE(slot_of_late_caller.load(), nullptr);
  EXPECT_NE(slot_of_late_caller.load(), first) << "the destructor's call used the slot given back";
  EXPECT_FALSE(slot_of_late_caller.load()->in_section());
}

}  // namespace
