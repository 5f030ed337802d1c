// FixTracker: the one record of a healer's fixes, from start to outcome and its callbacks.
#include <gtest/gtest.h>

#include "healer/fix_tracker.hpp"

namespace selfheal {
namespace {

const auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));

FixOutcome outcome_of(std::int64_t id, bool success) {
  FixOutcome o;
  o.fix_id = id;
  o.crate = "tiny";
  o.success = success;
  return o;
}

TEST(FixTracker, AWaiterIsCalledOnceAtTheEndOrAtOnceWhenItIsOver) {
  FixTracker t;
  t.begin(1, "tiny", t0);
  int calls = 0;
  ASSERT_TRUE(t.on_done(1, [&](const FixOutcome& o) { calls += o.success ? 1 : 100; }));
  EXPECT_EQ(calls, 0);
  t.update(1, [](FixProgress& p) { p.state = FixState::running; });
  EXPECT_EQ(t.current()->state, FixState::running);
  t.finish(1, outcome_of(1, true), t0 + std::chrono::seconds(3));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(t.progress(1)->state, FixState::succeeded);
  EXPECT_FALSE(t.current());
  // Finished: a late subscriber hears at once, on its own thread.
  ASSERT_TRUE(t.on_done(1, [&](const FixOutcome&) { ++calls; }));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(t.on_done(42, [&](const FixOutcome&) { ++calls; }));
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(t.latest()->success);
}

TEST(FixTracker, AFixThatJoinedAnotherProcesssFixIsFoundUnderBothIds) {
  FixTracker t;
  t.begin(5, "tiny", t0);
  t.finish(5, outcome_of(3, false), t0);  // it waited on the lock for fix 3 and reports it
  ASSERT_TRUE(t.outcome(5));
  ASSERT_TRUE(t.outcome(3));
  EXPECT_EQ(t.outcome(5)->fix_id, 3);
  EXPECT_EQ(t.progress(3)->fix_id, 3);
  EXPECT_EQ(t.progress(3)->state, FixState::failed);
}

TEST(FixTracker, OnlyFinishedFixesAreDroppedBeyondTheBound) {
  FixTracker t(2);
  t.begin(1, "a", t0);  // still running: kept whatever its age
  for (std::int64_t id = 2; id <= 5; ++id) {
    t.begin(id, "b", t0);
    t.finish(id, outcome_of(id, true), t0);
  }
  EXPECT_TRUE(t.progress(1));
  EXPECT_EQ(t.current()->fix_id, 1);
  EXPECT_FALSE(t.progress(2));
  EXPECT_TRUE(t.outcome(5));
  EXPECT_STREQ(to_string(FixState::waiting), "waiting");
  EXPECT_TRUE(is_done(FixState::failed));
  EXPECT_FALSE(is_done(FixState::verifying));
}

}  // namespace
}  // namespace selfheal
