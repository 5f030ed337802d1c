#include "healer/history_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

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
    EXPECT_TRUE(totals.last_success);
  }
  HistoryStore reopened(file);  // survives a restart
  EXPECT_EQ(reopened.totals().attempts, 2);
  EXPECT_EQ(reopened.next_fix_id(), 8);
  EXPECT_EQ(reopened.integrity_check(), "ok");
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
