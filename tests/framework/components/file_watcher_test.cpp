// The file watcher in a temporary folder: a burst of changes triggers one check; folders that
// appear later, go and come back, and new subfolders of a tree are followed; stop() does not wait
// for a pending check.
#include "components/file_watcher.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <future>
#include <random>

namespace selfheal {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;

// Counts the watcher's triggers; tests wait on it with a deadline.
class Triggers {
 public:
  FileWatcher::Trigger callback() {
    return [this] {
      {
        std::lock_guard lock(mutex_);
        ++count_;
      }
      changed_.notify_all();
    };
  }
  // Waits until at least `n` triggers came; returns the count then.
  int wait_for(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kDeadline, [&] { return count_ >= n; });
    return count_;
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

class FileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ = fs::temp_directory_path() /
            ("selfheal-watch-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  void TearDown() override {
    watcher_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  FileWatcher& watch(WatchedPaths paths, std::chrono::milliseconds debounce = 50ms) {
    watcher_ = std::make_unique<FileWatcher>(std::move(paths), debounce, triggers_.callback(),
                                             std::make_shared<LogSink>(LogLevel::error));
    EXPECT_TRUE(watcher_->start());
    return *watcher_;
  }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::trunc) << text; }

  fs::path root_;
  Triggers triggers_;
  std::unique_ptr<FileWatcher> watcher_;
};

TEST_F(FileWatcherTest, ABurstOfChangesTriggersOneCheck) {
  const auto artifact = root_ / "libx.so";
  write(artifact, "v1");
  // A quiet period long enough that the burst below, a few system calls, is one burst.
  auto& w = watch({{artifact}, {}}, 500ms);
  write(root_ / "libx.so.tmp", "v2");
  fs::rename(root_ / "libx.so.tmp", artifact);  // replaced, as cargo does
  write(artifact, "v3");                           // written in place
  fs::permissions(artifact, fs::perms::owner_read);
  fs::remove(artifact);
  EXPECT_EQ(triggers_.wait_for(1), 1);
  EXPECT_GE(w.stats().events, 5u);
  EXPECT_EQ(triggers_.count(), 1);
  EXPECT_EQ(w.stats().checks, 1u);

  // Deleted, then made again: still watched.
  write(artifact, "v4");
  EXPECT_EQ(triggers_.wait_for(2), 2);
}

TEST_F(FileWatcherTest, OtherFilesInTheFolderDoNotCount) {
  const auto artifact = root_ / "libx.so";
  auto& w = watch({{artifact}, {}});
  write(root_ / "build.log", "noise");  // before the watched file: its events are read first
  write(artifact, "v1");                // created, modified, closed: 3 events
  ASSERT_GE(triggers_.wait_for(1), 1);
  EXPECT_EQ(w.stats().events, 3u);
}

TEST_F(FileWatcherTest, AFolderCreatedLaterIsPickedUp) {
  const auto artifact = root_ / "target/release/libx.so";
  auto& w = watch({{artifact}, {}});
  EXPECT_EQ(w.stats().folders, 1u);  // the nearest existing ancestor
  fs::create_directories(artifact.parent_path());
  ASSERT_EQ(triggers_.wait_for(1), 1);
  write(artifact, "built");
  ASSERT_EQ(triggers_.wait_for(2), 2);
  fs::permissions(artifact, fs::perms::owner_read);  // chmod only
  EXPECT_EQ(triggers_.wait_for(3), 3);
}

TEST_F(FileWatcherTest, AFolderDeletedAndMadeAgainKeepsWorking) {
  const auto artifact = root_ / "target/release/libx.so";
  fs::create_directories(artifact.parent_path());
  write(artifact, "built");
  auto& w = watch({{artifact}, {}});
  EXPECT_EQ(w.stats().folders, 1u);
  fs::remove_all(root_ / "target");  // cargo clean
  ASSERT_EQ(triggers_.wait_for(1), 1);
  fs::create_directories(artifact.parent_path());
  write(artifact, "rebuilt");
  const int after_rebuild = triggers_.wait_for(2);
  ASSERT_GE(after_rebuild, 2);
  write(artifact, "corrupted");
  EXPECT_EQ(triggers_.wait_for(after_rebuild + 1), after_rebuild + 1);
}

TEST_F(FileWatcherTest, NewSubfoldersOfATreeAreWatched) {
  fs::create_directories(root_ / "src");
  write(root_ / "src/lib.rs", "pub fn a() {}");
  auto& w = watch({{}, {root_ / "src"}});
  EXPECT_EQ(w.stats().folders, 1u);
  fs::create_directories(root_ / "src/net/codec");
  ASSERT_EQ(triggers_.wait_for(1), 1);
  write(root_ / "src/net/codec/frame.rs", "pub fn f() {}");
  ASSERT_EQ(triggers_.wait_for(2), 2);
  EXPECT_EQ(w.stats().folders, 3u);
  write(root_ / "src/lib.rs", "pub fn b() {}");
  EXPECT_EQ(triggers_.wait_for(3), 3);
}

TEST_F(FileWatcherTest, AMissingTreeIsWatchedFromItsParent) {
  auto& w = watch({{}, {root_ / "src"}});
  fs::create_directories(root_ / "src");
  ASSERT_EQ(triggers_.wait_for(1), 1);
  write(root_ / "src/lib.rs", "pub fn a() {}");
  EXPECT_EQ(triggers_.wait_for(2), 2);
  EXPECT_EQ(w.stats().folders, 1u);  // src/ itself; the parent is not needed any more
}

TEST_F(FileWatcherTest, StopReturnsWithoutWaitingForThePendingCheck) {
  const auto artifact = root_ / "libx.so";
  auto& w = watch({{artifact}, {}}, std::chrono::hours(1));
  write(artifact, "v1");
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (w.stats().events == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_GT(w.stats().events, 0u);  // a check is pending for an hour
  auto stopped = std::async(std::launch::async, [&] { w.stop(); });
  ASSERT_EQ(stopped.wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(triggers_.count(), 0);
  EXPECT_FALSE(w.stats().watching);
}

TEST_F(FileWatcherTest, RestartsAfterStop) {
  const auto artifact = root_ / "libx.so";
  auto& w = watch({{artifact}, {}});
  w.stop();
  ASSERT_TRUE(w.start());
  write(artifact, "v1");
  EXPECT_EQ(triggers_.wait_for(1), 1);
}

}  // namespace
}  // namespace selfheal
