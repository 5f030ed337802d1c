#include "healer/history_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include "core/value_json.hpp"

namespace selfheal {
namespace {

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error(std::string("sqlite: ") + message + " in: " + sql);
  }
}

// RAII for one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() { return stmt_; }
  void bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string text(int col) {
    auto p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point from_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

HistoryStore::HistoryStore(const std::filesystem::path& file, std::int64_t max_rows)
    : max_rows_(max_rows) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                             SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open history " + file.string() + ": " + message);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec(db_, "PRAGMA journal_mode=WAL");
    exec(db_, "PRAGMA synchronous=NORMAL");
    exec(db_,
         "CREATE TABLE IF NOT EXISTS fix_attempts ("
         " id INTEGER PRIMARY KEY AUTOINCREMENT, fix_id INTEGER NOT NULL, started_at_ms INTEGER NOT NULL,"
         " crate TEXT NOT NULL, issue_type TEXT NOT NULL, strategy TEXT NOT NULL,"
         " success INTEGER NOT NULL, duration_ms INTEGER NOT NULL, error TEXT NOT NULL,"
         " message TEXT NOT NULL, trigger TEXT NOT NULL, details TEXT NOT NULL, log_tail TEXT NOT NULL)");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

std::int64_t HistoryStore::record(const FixAttempt& a) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT INTO fix_attempts (fix_id, started_at_ms, crate, issue_type, strategy, success,"
              " duration_ms, error, message, trigger, details, log_tail)"
              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  sdk::Value tail = sdk::Value::list();
  for (const auto& line : a.log_tail) tail.push_back(line);
  s.bind(1, a.fix_id);
  s.bind(2, to_ms(a.started_at));
  s.bind(3, a.crate);
  s.bind(4, a.issue_type);
  s.bind(5, a.strategy);
  s.bind(6, static_cast<std::int64_t>(a.success));
  s.bind(7, a.duration_ms);
  s.bind(8, a.error);
  s.bind(9, a.message);
  s.bind(10, a.trigger);
  s.bind(11, to_json_text(a.details));
  s.bind(12, to_json_text(tail));
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    throw std::runtime_error(std::string("sqlite insert: ") + sqlite3_errmsg(db_));
  const auto id = sqlite3_last_insert_rowid(db_);
  Statement trim(db_, "DELETE FROM fix_attempts WHERE id <= ?");
  trim.bind(1, id - max_rows_);
  sqlite3_step(trim.get());
  return id;
}

std::vector<FixAttempt> HistoryStore::recent(std::int64_t limit, std::int64_t offset) const {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT id, fix_id, started_at_ms, crate, issue_type, strategy, success, duration_ms,"
              " error, message, trigger, details, log_tail FROM fix_attempts"
              " ORDER BY id DESC LIMIT ? OFFSET ?");
  s.bind(1, limit);
  s.bind(2, offset);
  std::vector<FixAttempt> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    FixAttempt a;
    a.id = s.integer(0);
    a.fix_id = s.integer(1);
    a.started_at = from_ms(s.integer(2));
    a.crate = s.text(3);
    a.issue_type = s.text(4);
    a.strategy = s.text(5);
    a.success = s.integer(6) != 0;
    a.duration_ms = s.integer(7);
    a.error = s.text(8);
    a.message = s.text(9);
    a.trigger = s.text(10);
    a.details = from_json_text(s.text(11));
    const sdk::Value tail = from_json_text(s.text(12));  // keep it alive while iterating
    for (const auto& line : tail.items()) a.log_tail.push_back(line.as_string());
    out.push_back(std::move(a));
  }
  return out;
}

HistoryTotals HistoryStore::totals() const {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT count(*), coalesce(sum(success),0),"
              " (SELECT max(started_at_ms) FROM fix_attempts WHERE success=1) FROM fix_attempts");
  HistoryTotals t;
  if (sqlite3_step(s.get()) == SQLITE_ROW) {
    t.attempts = s.integer(0);
    t.successes = s.integer(1);
    if (sqlite3_column_type(s.get(), 2) != SQLITE_NULL) t.last_success = from_ms(s.integer(2));
  }
  return t;
}

std::int64_t HistoryStore::next_fix_id() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT coalesce(max(fix_id),0) + 1 FROM fix_attempts");
  return sqlite3_step(s.get()) == SQLITE_ROW ? s.integer(0) : 1;
}

std::string HistoryStore::integrity_check() const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "PRAGMA integrity_check");
  return sqlite3_step(s.get()) == SQLITE_ROW ? s.text(0) : "no answer";
}

}  // namespace selfheal
