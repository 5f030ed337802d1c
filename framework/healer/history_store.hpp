// Every fix attempt, in an embedded SQLite database (<state_dir>/history.db, WAL journal), so
// history and success rates survive restarts and a kill -9 mid-write. Retention is bounded.
// MT safe (one connection behind a mutex; writes are short).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/value.hpp"

struct sqlite3;

namespace selfheal {

struct FixAttempt {
  std::int64_t id = 0;        // assigned by the store
  std::int64_t fix_id = 0;    // attempts of one fix share it
  std::chrono::system_clock::time_point started_at;
  std::string crate;
  std::string issue_type;
  std::string strategy;
  bool success = false;
  std::int64_t duration_ms = 0;
  std::string error;
  std::string message;
  std::string trigger;        // "auto", "manual", "clean-build"
  sdk::Value details;
  std::vector<std::string> log_tail;
};

struct HistoryTotals {
  std::int64_t attempts = 0;
  std::int64_t successes = 0;
  std::optional<std::chrono::system_clock::time_point> last_success;
};

class HistoryStore {
 public:
  // Opens (creating) the database; throws std::runtime_error with SQLite's message on failure.
  explicit HistoryStore(const std::filesystem::path& file, std::int64_t max_rows = 10000);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  std::int64_t record(const FixAttempt& attempt);  // returns the row id
  std::vector<FixAttempt> recent(std::int64_t limit, std::int64_t offset = 0) const;
  HistoryTotals totals() const;
  std::int64_t next_fix_id();
  // "ok" when SQLite's integrity check passes.
  std::string integrity_check() const;

 private:
  mutable std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::int64_t max_rows_;
};

}  // namespace selfheal
