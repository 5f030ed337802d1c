// CrateLock between holders of one lock file (in one process: flock is per open file, so these
// behave as separate processes do).
#include "healer/crate_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include "eventually.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

// Real time, and counts the waits of callers polling the lock.
class CountingClock final : public sdk::Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  bool sleep_for(std::chrono::steady_clock::duration, const sdk::CancellationToken& cancel) const override {
    ++polls;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return cancel.cancelled();
  }
  mutable std::atomic<int> polls{0};
};

int open_count(const fs::path& file) {
  int n = 0;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec))
    if (fs::read_symlink(fd.path(), ec) == file) ++n;
  return n;
}

// The cause of ConcurrentFixes' latecomer reporting "nothing to fix": a waiter that got the lock
// after fix 1 and joined it held the lock briefly; had it written its own id, the waiter behind it
// would have waited for a fix whose outcome is never recorded.
TEST(CrateLock, AHolderThatDoesNotAnnounceLeavesWaitersWithTheFixThatRan) {
  const fs::path dir = fs::temp_directory_path() / ("selfheal-lock-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "fix.lock";
  CountingClock clock;
  sdk::CancellationToken cancel;

  auto first = std::make_unique<CrateLock>(file, clock, cancel);
  ASSERT_TRUE(first->held());
  first->announce(1);
  std::optional<std::int64_t> behind;
  std::atomic<bool> waiter_done{false};
  std::thread waiter([&] {
    CrateLock lock(file, clock, cancel);
    behind = lock.waited_for();
    waiter_done = true;
  });
  ASSERT_TRUE(testing::eventually([&] { return open_count(file) >= 2 && clock.polls > 0; }));
  first.reset();  // fix 1 is over
  // A latecomer that joined fix 1 usually takes the lock next (the waiter sleeps between polls)
  // and holds it, unannounced, while the waiter polls again, reading the file each time.
  std::optional<CrateLock> joined;
  joined.emplace(file, clock, cancel);
  ASSERT_TRUE(joined->held());
  EXPECT_EQ(joined->waited_for(), std::nullopt);  // it arrived after fix 1 ended
  const int seen = clock.polls;
  ASSERT_TRUE(testing::eventually([&] { return clock.polls >= seen + 3 || waiter_done; }));
  joined.reset();
  waiter.join();
  EXPECT_EQ(behind, std::optional<std::int64_t>(1));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace selfheal
