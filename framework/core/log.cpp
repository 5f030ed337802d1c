#include "core/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace selfheal {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARN";
    case LogLevel::error: return "ERROR";
  }
  return "?";
}

LogSink::LogSink(LogLevel min_level, Writer writer)
    : min_level_(min_level), writer_(std::move(writer)) {}

void LogSink::set_min_level(LogLevel level) {
  std::lock_guard lock(mutex_);
  min_level_ = level;
}

void LogSink::write(LogLevel level, std::string_view source, std::string_view message) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  std::string line;
  line.reserve(64 + message.size());
  line.append(stamp).append(" ").append(to_string(level)).append(" [").append(source).append("] ");
  // One line per message: newlines inside a message become spaces.
  for (char c : message) line.push_back(c == '\n' ? ' ' : c);

  std::lock_guard lock(mutex_);
  if (level < min_level_) return;
  if (writer_) {
    writer_(line);
  } else {
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace selfheal
