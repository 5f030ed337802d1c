#include "healer/history_store.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <random>

using namespace selfheal;

namespace {
std::filesystem::path temp_db() {
  std::random_device rd;
  return std::filesystem::temp_directory_path() /
         ("selfheal-history-" + std::to_string(::getpid()) + "-" + std::to_string(rd())) / "history.db";
}
FixAttempt attempt(bool success, std::string strategy = "build") {
  FixAttempt a;
  a.fix_id = 7;
  a.started_at = std::chrono::system_clock::now();
  a.crate = "rust-core";
  a.issue_type = "not_built";
  a.strategy = std::move(strategy);
  a.success = success;
  a.duration_ms = 1234;
  a.error = success ? "" : "boom";
  a.trigger = "manual";
  a.details = sdk::Value::map();
  a.details.set("exit_code", 101);
  a.log_tail = {"line 1", "line 2"};
  return a;
}
}  // namespace

TEST(HistoryStore, RecordsReadsBackAndTotals) {
  auto file = temp_db();
  {
    HistoryStore store(file);
    store.record(attempt(false));
    store.record(attempt(true, "clean_build"));
    auto rows = store.recent(10);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].strategy, "clean_build");  // newest first
    EXPECT_EQ(rows[1].error, "boom");
    EXPECT_EQ(rows[1].details["exit_code"].as_int(), 101);
    EXPECT_EQ(rows[1].log_tail, (std::vector<std::string>{"line 1", "line 2"}));
    auto totals = store.totals();
    EXPECT_EQ(totals.attempts, 2);
    EXPECT_EQ(totals.successes, 1);
    EXPECT_FALSE(totals.last_successful_build) << "a successful fix that built nothing";
  }
  HistoryStore reopened(file);  // survives a restart
  EXPECT_EQ(reopened.totals().attempts, 2);
  EXPECT_EQ(reopened.next_fix_id(), 8);
  EXPECT_EQ(reopened.integrity_check(), "ok");
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, LastSuccessfulBuildIsWhenTheNewestSuccessfulBuildFinished) {
  auto file = temp_db();
  HistoryStore store(file);
  auto switched = attempt(true, "switch_to_cpp");  // succeeded, built nothing
  switched.started_at += std::chrono::hours(1);
  store.record(switched);
  auto failed_build = attempt(false);
  failed_build.started_at += std::chrono::hours(1);
  store.record(failed_build);
  EXPECT_FALSE(store.totals().last_successful_build);
  // The build succeeded (built_artifact) even though the verification then found another issue.
  auto built = attempt(false);
  built.details.set("built_artifact", true);
  store.record(built);
  const auto last = store.totals().last_successful_build;
  ASSERT_TRUE(last);
  const auto started_ms = std::chrono::time_point_cast<std::chrono::milliseconds>(built.started_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(*last - started_ms).count(),
            built.duration_ms) << "the time the build finished (the history keeps milliseconds)";
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, NextFixIdIsAboveAHealthyFixThatRecordedNoAttempt) {
  auto file = temp_db();
  HistoryStore store(file);
  store.record(attempt(true));                   // fix 7
  const auto healthy = store.reserve_fix_id("rust-core");  // 8, and no attempt
  EXPECT_EQ(healthy, 8);
  EXPECT_EQ(store.next_fix_id(), 9);
  EXPECT_EQ(store.reserve_fix_id("rust-core"), 9);
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, RetentionIsBounded) {
  auto file = temp_db();
  HistoryStore store(file, 5);
  for (int i = 0; i < 12; ++i) store.record(attempt(true));
  EXPECT_EQ(store.totals().attempts, 5);
  EXPECT_EQ(store.recent(100).size(), 5u);
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, PagesWithOffset) {
  auto file = temp_db();
  HistoryStore store(file);
  for (int i = 0; i < 5; ++i) store.record(attempt(i % 2 == 0, "s" + std::to_string(i)));
  auto page = store.recent(2, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].strategy, "s2");
  EXPECT_EQ(page[1].strategy, "s1");
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, AnUnopenableFileIsAClearError) {
  EXPECT_THROW(HistoryStore("/proc/selfheal/history.db"), std::runtime_error);
}

// A writer killed with SIGKILL in the middle of its writes leaves a database that opens, passes
// SQLite's integrity check and holds every row that was committed before the kill.
TEST(HistoryStore, SurvivesAKillNineDuringWrites) {
  auto file = temp_db();
  std::filesystem::create_directories(file.parent_path());
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    HistoryStore store(file);
    for (int i = 0;; ++i) {
      store.record(attempt(i % 2 == 0));
      if (i == 50) (void)!::write(ready[1], "x", 1);  // enough rows: the parent may kill now
    }
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  HistoryStore reopened(file);
  EXPECT_EQ(reopened.integrity_check(), "ok");
  EXPECT_GE(reopened.totals().attempts, 51);
  reopened.record(attempt(true));  // and it is writable again: no lock left held
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, FixIdsAreUniqueAcrossConnectionsAndOutcomesReadBack) {
  auto file = temp_db();
  HistoryStore a(file), b(file);  // two processes sharing one state folder
  a.record(attempt(true));        // fix 7 is in the history
  const auto first = a.reserve_fix_id("rust-core");
  const auto second = b.reserve_fix_id("rust-core");
  EXPECT_EQ(first, 8);
  EXPECT_EQ(second, 9);
  EXPECT_FALSE(b.outcome(first));
  a.record_outcome(first, "{\"format\":1}");
  EXPECT_EQ(b.outcome(first).value_or(""), "{\"format\":1}");
  EXPECT_EQ(b.attempts_of(7).size(), 1u);
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, ReadOnlyReadsAMissingDatabaseAsEmptyAndNeverCreatesIt) {
  auto file = temp_db();
  HistoryStore store(file, 100, HistoryStore::Mode::read_only);
  EXPECT_TRUE(store.recent(10).empty());
  EXPECT_EQ(store.totals().attempts, 0);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_THROW(store.record(attempt(true)), std::runtime_error);
  {
    HistoryStore writer(file);
    writer.record(attempt(true));
  }
  HistoryStore reader(file, 100, HistoryStore::Mode::read_only);
  EXPECT_EQ(reader.recent(10).size(), 1u);
  std::filesystem::remove_all(file.parent_path());
}

TEST(HistoryStore, AnOpenErrorNamesTheFileAndTheCause) {
  const auto file = std::filesystem::path("/proc/selfheal-no-such-folder/history.db");
  try {
    HistoryStore store(file);
    FAIL() << "opened " << file;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
}
