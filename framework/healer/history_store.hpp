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
  // When the newest build finished: an attempt whose strategy builds the artifact
  // (SELFHEAL_STRATEGY_BUILDS_ARTIFACT) and succeeded, marked `built_artifact` in its details by
  // the healer. Not any successful fix: a fix that switched or freed memory built nothing.
  std::optional<std::chrono::system_clock::time_point> last_successful_build;
};

class HistoryStore {
 public:
  // read_write creates the database; read_only (status, history, diagnose) never writes, works in
  // a read-only state folder and reads a missing database as an empty history.
  enum class Mode { read_write, read_only };
  // Opens the database; throws std::runtime_error naming the file, SQLite's message and the
  // errno text (as every error of this class does).
  explicit HistoryStore(const std::filesystem::path& file, std::int64_t max_rows = 10000,
                        Mode mode = Mode::read_write);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  std::int64_t record(const FixAttempt& attempt);  // returns the row id
  std::vector<FixAttempt> recent(std::int64_t limit, std::int64_t offset = 0) const;
  HistoryTotals totals() const;
  // Above every id the history knows, of attempts and of fixes (a healthy fix has no attempt).
  std::int64_t next_fix_id();
  // A fix id no other process sharing this database has or will hand out.
  std::int64_t reserve_fix_id(const std::string& crate);
  // The outcome of a whole fix (a JSON text, see fix_outcome_codec), for callers that waited on
  // another process's fix; nullopt when none was recorded (still running, or its host died).
  void record_outcome(std::int64_t fix_id, const std::string& outcome);
  std::optional<std::string> outcome(std::int64_t fix_id) const;
  std::vector<FixAttempt> attempts_of(std::int64_t fix_id) const;
  const std::filesystem::path& file() const { return file_; }
  // "ok" when SQLite's integrity check passes.
  std::string integrity_check() const;

 private:
  std::string failure(const std::string& what) const;  // names file_, SQLite's text, errno's

  std::filesystem::path file_;
  mutable std::mutex mutex_;
  sqlite3* db_ = nullptr;  // null: read-only and no database yet (an empty history)
  std::int64_t max_rows_;
  bool has_attempts_ = false, has_fixes_ = false;  // read-only: an older or empty database
};

}  // namespace selfheal
