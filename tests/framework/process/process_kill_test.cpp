// Timeouts and cancellation kill the child's whole process group; run() is MT safe.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "process/process_runner.hpp"
#include "test_support.hpp"

namespace selfheal {
namespace {

using testing::shell;

// The pid a child wrote to `file`, or -1.
pid_t read_pid(const std::filesystem::path& file) {
  const std::string text = testing::read_file(file);
  return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
}

// Orphans are reaped by init or a subreaper, which may take a while: poll, do not sleep.
void expect_dies(pid_t pid) {
  ASSERT_GT(pid, 1);
  EXPECT_TRUE(testing::eventually([pid] { return testing::process_dead(pid); }))
      << "process " << pid << " is still alive";
}

TEST(ProcessKillTest, TimeoutKillsChildAndGrandchild) {
  testing::TempDir dir;
  const auto pidfile = dir.path() / "grandchild";
  auto spec = shell("sleep 1000 & echo $! > '" + pidfile.string() + "'; wait");
  spec.timeout = std::chrono::milliseconds(1500);
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_TRUE(result.started);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.cancelled);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_FALSE(result.success());
  EXPECT_NE(result.error.find("timed out"), std::string::npos) << result.error;
  EXPECT_GE(result.duration.count(), 1400);
  expect_dies(read_pid(pidfile));
}

TEST(ProcessKillTest, GrandchildHoldingStdoutIsKilledAtTheTimeout) {
  testing::TempDir dir;
  const auto pidfile = dir.path() / "grandchild";
  // The direct child exits at once; its background sleep keeps the stdout pipe open.
  auto spec = shell("sleep 1000 & echo $! > '" + pidfile.string() + "'; echo bye; exit 3");
  spec.timeout = std::chrono::milliseconds(1000);
  std::vector<std::string> lines;
  spec.on_line = [&](sdk::OutputStream, std::string_view line) { lines.emplace_back(line); };
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_TRUE(result.started);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 3);  // the direct child's own status
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"bye"}));
  expect_dies(read_pid(pidfile));
}

TEST(ProcessKillTest, GroupMembersLeftAfterNormalExitAreKilled) {
  testing::TempDir dir;
  const auto pidfile = dir.path() / "grandchild";
  // The background sleep does not hold the pipes, so the run ends when the child exits.
  auto spec = shell("sleep 1000 >/dev/null 2>&1 & echo $! > '" + pidfile.string() + "'");
  spec.timeout = std::chrono::seconds(60);
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_TRUE(result.success()) << result.error;
  expect_dies(read_pid(pidfile));
}

TEST(ProcessKillTest, CancellationFromAnotherThreadKillsTheGroup) {
  testing::TempDir dir;
  const auto pidfile = dir.path() / "grandchild";
  auto spec = shell("sleep 1000 & echo $! > '" + pidfile.string() + "'; echo ready; wait");
  spec.timeout = std::chrono::seconds(60);  // a safety net: the test expects cancellation
  sdk::CancellationToken token;
  spec.cancellation = token;

  std::mutex mutex;
  std::condition_variable ready_cv;
  bool ready = false;
  spec.on_line = [&](sdk::OutputStream, std::string_view line) {
    if (line != "ready") return;
    std::lock_guard lock(mutex);
    ready = true;
    ready_cv.notify_all();
  };
  std::thread canceller([&] {
    std::unique_lock lock(mutex);
    ready_cv.wait_for(lock, std::chrono::seconds(30), [&] { return ready; });
    token.cancel();
  });
  const auto result = PosixProcessRunner().run(spec);
  canceller.join();

  EXPECT_TRUE(result.started);
  EXPECT_TRUE(result.cancelled);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_FALSE(result.success());
  expect_dies(read_pid(pidfile));
}

TEST(ProcessKillTest, AlreadyCancelledDoesNotStart) {
  auto spec = shell("exit 0");
  sdk::CancellationToken token;
  token.cancel();
  spec.cancellation = token;
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_FALSE(result.started);
  EXPECT_TRUE(result.cancelled);
}

TEST(ProcessKillTest, ConcurrentRunsFromFourThreads) {
  PosixProcessRunner runner;  // one runner shared by every thread
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&runner, &failures, t] {
      for (int i = 0; i < 8; ++i) {
        const int lines = 1000 * (t + 1) + i;
        auto spec = shell("seq 1 " + std::to_string(lines) + "; echo " + std::to_string(t) +
                          " >&2; exit " + std::to_string(t + i));
        spec.timeout = std::chrono::seconds(60);
        int out_count = 0;
        std::string last_out;
        std::string err;
        spec.on_line = [&](sdk::OutputStream stream, std::string_view line) {
          if (stream == sdk::OutputStream::out) {
            ++out_count;
            last_out = line;
          } else {
            err = line;
          }
        };
        const auto result = runner.run(spec);
        if (!result.started || result.exit_code != t + i || out_count != lines ||
            last_out != std::to_string(lines) || err != std::to_string(t)) {
          ++failures;
        }
      }
      // And one that times out while the others run.
      auto hang = shell("exec sleep 1000");
      hang.timeout = std::chrono::milliseconds(200);
      if (!PosixProcessRunner().run(hang).timed_out) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace selfheal
