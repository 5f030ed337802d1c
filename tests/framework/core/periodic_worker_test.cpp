// The periodic worker: a pass at start, one per request (a request made during a pass is not
// lost), one per interval, none after stop(); idle only with no pass running or asked for.
#include "core/periodic_worker.hpp"
#include "eventually.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace selfheal;
using namespace std::chrono_literals;

namespace {

constexpr auto kDeadline = 10s;
constexpr auto kNever = std::chrono::nanoseconds(std::chrono::hours(1));

// Counts passes; a pass can be held until released, to see what happens during one.
class Passes {
 public:
  void run() {
    std::unique_lock lock(mutex_);
    ++count_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !hold_; });
  }
  void hold(bool on) {
    std::lock_guard lock(mutex_);
    hold_ = on;
    changed_.notify_all();
  }
  bool wait_for_count(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kDeadline, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
  bool hold_ = false;
};

}  // namespace

TEST(PeriodicWorker, PassesAtStartAndPerRequestAndARequestDuringAPassIsKept) {
  Passes passes;
  PeriodicWorker worker([&] { passes.run(); }, [] { return kNever; });
  EXPECT_TRUE(worker.idle());
  passes.hold(true);
  worker.start();
  EXPECT_TRUE(worker.running());
  ASSERT_TRUE(passes.wait_for_count(1));
  EXPECT_FALSE(worker.idle());  // in its first pass
  worker.request();             // during the pass: must cause a second one
  passes.hold(false);
  ASSERT_TRUE(passes.wait_for_count(2));
  ASSERT_TRUE(selfheal::testing::eventually([&] { return worker.idle(); }));
  EXPECT_EQ(passes.count(), 2);

  worker.request();
  ASSERT_TRUE(passes.wait_for_count(3));
  worker.stop();
  EXPECT_FALSE(worker.running());
  const int at_stop = passes.count();
  worker.request();  // stopped: remembered, but nothing runs
  EXPECT_FALSE(worker.idle());
  EXPECT_EQ(passes.count(), at_stop);
}

TEST(PeriodicWorker, PassesEveryIntervalUnasked) {
  Passes passes;
  PeriodicWorker worker([&] { passes.run(); }, [] { return std::chrono::nanoseconds(1ms); });
  worker.start();
  EXPECT_TRUE(passes.wait_for_count(5));
}  // the destructor stops the worker
