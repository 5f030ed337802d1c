#include "healer/history_store.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/value_json.hpp"

namespace selfheal {
namespace {

// SQLite's message plus the errno behind it ("database or disk is full (No space left on
// device)"), so an operator sees the cause, not only SQLite's category.
std::string sqlite_error(sqlite3* db) {
  if (!db) return "out of memory";
  std::string text = sqlite3_errmsg(db);
  if (const int e = sqlite3_system_errno(db); e != 0) text += std::string(" (") + std::strerror(e) + ")";
  return text;
}

// RAII for one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& where) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error("sqlite " + where + ": " + sqlite_error(db));
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

constexpr const char* kColumns =
    "SELECT id, fix_id, started_at_ms, crate, issue_type, strategy, success, duration_ms,"
    " error, message, trigger, details, log_tail FROM fix_attempts ";

std::vector<FixAttempt> read_attempts(Statement& s) {
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

bool has_table(sqlite3* db, const char* name) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &s,
                         nullptr) != SQLITE_OK)
    return false;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  const bool found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return found;
}

// After an insert that got row id `id`, keeps only the newest `max_rows` rows: `delete_up_to` is
// the DELETE that removes every row up to the id bound to its one parameter.
void keep_newest(sqlite3* db, const char* delete_up_to, std::int64_t id, std::int64_t max_rows,
                 const std::string& file) {
  Statement trim(db, delete_up_to, file);
  trim.bind(1, id - max_rows);
  sqlite3_step(trim.get());
}

}  // namespace

std::string HistoryStore::failure(const std::string& what) const {
  return "sqlite " + what + " " + file_.string() + ": " + sqlite_error(db_);
}

HistoryStore::HistoryStore(const std::filesystem::path& file, std::int64_t max_rows, Mode mode)
    : file_(file), max_rows_(max_rows) {
  std::error_code ec;
  if (mode == Mode::read_only) {
    const bool present = std::filesystem::exists(file, ec);
    if (ec) throw std::runtime_error("cannot read history " + file.string() + ": " + ec.message());
    if (!present) return;  // never written: an empty history
    // A WAL database in a folder this process cannot write needs its -shm; when that cannot be
    // made, the file is read as immutable (SQLite's answer for read-only media).
    for (const char* uri : {"file:%s?mode=ro", "file:%s?immutable=1"}) {
      std::string name = uri;
      name.replace(name.find("%s"), 2, file.string());
      if (sqlite3_open_v2(name.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                          nullptr) == SQLITE_OK &&
          sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) == SQLITE_OK) {
        has_attempts_ = has_table(db_, "fix_attempts");
        has_fixes_ = has_table(db_, "fixes");
        return;
      }
      const std::string message = failure("cannot open (read-only)");
      sqlite3_close(db_);
      db_ = nullptr;
      if (std::string(uri).find("immutable") != std::string::npos) throw std::runtime_error(message);
    }
  }
  std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                             SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string message = failure("cannot open");
    if (ec) message += "; its folder: " + ec.message();
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(message);
  }
  auto exec = [this](const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(failure("cannot set up") + " in: " + sql);
  };
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE IF NOT EXISTS fix_attempts ("
         " id INTEGER PRIMARY KEY AUTOINCREMENT, fix_id INTEGER NOT NULL, started_at_ms INTEGER NOT NULL,"
         " crate TEXT NOT NULL, issue_type TEXT NOT NULL, strategy TEXT NOT NULL,"
         " success INTEGER NOT NULL, duration_ms INTEGER NOT NULL, error TEXT NOT NULL,"
         " message TEXT NOT NULL, trigger TEXT NOT NULL, details TEXT NOT NULL, log_tail TEXT NOT NULL)");
    // One row per fix: ids unique across the processes sharing the database, and the outcome
    // for callers that waited on another process's fix.
    exec("CREATE TABLE IF NOT EXISTS fixes (fix_id INTEGER PRIMARY KEY, crate TEXT NOT NULL,"
         " started_at_ms INTEGER NOT NULL, outcome TEXT)");
    has_attempts_ = has_fixes_ = true;
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

std::int64_t HistoryStore::record(const FixAttempt& a) {
  std::lock_guard lock(mutex_);
  if (!has_attempts_) throw std::runtime_error("history " + file_.string() + " is open read-only");
  Statement s(db_,
              "INSERT INTO fix_attempts (fix_id, started_at_ms, crate, issue_type, strategy, success,"
              " duration_ms, error, message, trigger, details, log_tail)"
              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", "insert into " + file_.string());
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
  if (sqlite3_step(s.get()) != SQLITE_DONE) throw std::runtime_error(failure("insert into"));
  const auto id = sqlite3_last_insert_rowid(db_);
  keep_newest(db_, "DELETE FROM fix_attempts WHERE id <= ?", id, max_rows_, file_.string());
  return id;
}

std::vector<FixAttempt> HistoryStore::recent(std::int64_t limit, std::int64_t offset) const {
  std::lock_guard lock(mutex_);
  if (!has_attempts_) return {};
  Statement s(db_, (std::string(kColumns) + "ORDER BY id DESC LIMIT ? OFFSET ?").c_str(),
              "read " + file_.string());
  s.bind(1, limit);
  s.bind(2, offset);
  return read_attempts(s);
}

std::vector<FixAttempt> HistoryStore::attempts_of(std::int64_t fix_id) const {
  std::lock_guard lock(mutex_);
  if (!has_attempts_) return {};
  Statement s(db_, (std::string(kColumns) + "WHERE fix_id = ? ORDER BY id").c_str(),
              "read " + file_.string());
  s.bind(1, fix_id);
  return read_attempts(s);
}

HistoryTotals HistoryStore::totals() const {
  std::lock_guard lock(mutex_);
  HistoryTotals t;
  if (!has_attempts_) return t;
  Statement s(db_,
              "SELECT count(*), coalesce(sum(success),0),"
              " (SELECT max(started_at_ms + duration_ms) FROM fix_attempts WHERE CASE WHEN"
              " json_valid(details) THEN json_extract(details, '$.built_artifact') END = 1)"
              " FROM fix_attempts",
              "read " + file_.string());
  if (sqlite3_step(s.get()) == SQLITE_ROW) {
    t.attempts = s.integer(0);
    t.successes = s.integer(1);
    if (sqlite3_column_type(s.get(), 2) != SQLITE_NULL) t.last_successful_build = from_ms(s.integer(2));
  }
  return t;
}

std::int64_t HistoryStore::next_fix_id() {
  std::lock_guard lock(mutex_);
  if (!has_attempts_) return 1;
  Statement s(db_,
              has_fixes_ ? "SELECT max(m) + 1 FROM (SELECT coalesce(max(fix_id),0) AS m FROM fix_attempts"
                           " UNION ALL SELECT coalesce(max(fix_id),0) FROM fixes)"
                         : "SELECT coalesce(max(fix_id),0) + 1 FROM fix_attempts",
              "read " + file_.string());
  return sqlite3_step(s.get()) == SQLITE_ROW ? s.integer(0) : 1;
}

std::int64_t HistoryStore::reserve_fix_id(const std::string& crate) {
  std::lock_guard lock(mutex_);
  if (!has_fixes_) throw std::runtime_error("history " + file_.string() + " is open read-only");
  // One statement: SQLite serializes writers, so two processes never get the same id.
  Statement s(db_,
              "INSERT INTO fixes (fix_id, crate, started_at_ms) VALUES ((SELECT max(m) + 1 FROM ("
              " SELECT coalesce(max(fix_id),0) AS m FROM fix_attempts UNION ALL"
              " SELECT coalesce(max(fix_id),0) FROM fixes)), ?, ?)",
              "insert into " + file_.string());
  s.bind(1, crate);
  s.bind(2, to_ms(std::chrono::system_clock::now()));
  if (sqlite3_step(s.get()) != SQLITE_DONE) throw std::runtime_error(failure("insert into"));
  const auto id = sqlite3_last_insert_rowid(db_);
  keep_newest(db_, "DELETE FROM fixes WHERE fix_id <= ?", id, max_rows_, file_.string());
  return id;
}

void HistoryStore::record_outcome(std::int64_t fix_id, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  if (!has_fixes_) throw std::runtime_error("history " + file_.string() + " is open read-only");
  Statement s(db_, "UPDATE fixes SET outcome = ? WHERE fix_id = ?", "update " + file_.string());
  s.bind(1, outcome);
  s.bind(2, fix_id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) throw std::runtime_error(failure("update"));
}

std::optional<std::string> HistoryStore::outcome(std::int64_t fix_id) const {
  std::lock_guard lock(mutex_);
  if (!has_fixes_) return std::nullopt;
  Statement s(db_, "SELECT outcome FROM fixes WHERE fix_id = ? AND outcome IS NOT NULL",
              "read " + file_.string());
  s.bind(1, fix_id);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

std::string HistoryStore::integrity_check() const {
  std::lock_guard lock(mutex_);
  if (!db_) return "ok";
  Statement s(db_, "PRAGMA integrity_check", file_.string());
  return sqlite3_step(s.get()) == SQLITE_ROW ? s.text(0) : "no answer";
}

}  // namespace selfheal
