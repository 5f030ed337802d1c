#include "core/log.hpp"

#include <algorithm>
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

std::optional<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::text;
  if (name == "json") return LogFormat::json;
  return std::nullopt;
}

namespace {

// One line per event: a newline inside a message becomes a space.
void append_one_line(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
}

// logfmt: bare when the value is a plain word, else in double quotes with \" \\ \n escaped.
void append_text_value(std::string& out, std::string_view value) {
  const bool bare = !value.empty() && value.find_first_of(" =\"\\") == std::string_view::npos &&
                    std::none_of(value.begin(), value.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (bare) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out.append(buf);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

std::string format_log_line(LogFormat format, std::string_view time, LogLevel level,
                            std::string_view source, std::string_view message,
                            const LogFields& fields) {
  std::string line;
  line.reserve(96 + message.size());
  if (format == LogFormat::text) {
    line.append(time).append(" ").append(to_string(level)).append(" [").append(source).append("] ");
    append_one_line(line, message);
    for (const auto& f : fields.items()) {
      line.push_back(' ');
      line.append(f.key).push_back('=');
      append_text_value(line, f.text);
    }
    return line;
  }
  line.append("{\"time\":");
  append_json_string(line, time);
  line.append(",\"level\":");
  append_json_string(line, to_string(level));
  line.append(",\"source\":");
  append_json_string(line, source);
  line.append(",\"message\":");
  append_json_string(line, message);
  for (const auto& f : fields.items()) {
    line.push_back(',');
    // A field never overwrites the event's own members.
    const bool reserved = f.key == "time" || f.key == "level" || f.key == "source" || f.key == "message";
    append_json_string(line, reserved ? f.key + "_field" : f.key);
    line.push_back(':');
    if (f.kind == LogFields::Kind::string) append_json_string(line, f.text);
    else line.append(f.text);
  }
  line.push_back('}');
  return line;
}

LogSink::LogSink(LogLevel min_level, Writer writer)
    : min_level_(min_level), writer_(std::move(writer)) {}

void LogSink::set_min_level(LogLevel level) {
  std::lock_guard lock(mutex_);
  min_level_ = level;
}

void LogSink::set_format(LogFormat format) {
  std::lock_guard lock(mutex_);
  format_ = format;
}

void LogSink::write(LogLevel level, std::string_view source, std::string_view message,
                    const LogFields& fields) {
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
  std::lock_guard lock(mutex_);
  if (level < min_level_) return;
  std::string line = format_log_line(format_, stamp, level, source, message, fields);
  if (writer_) {
    writer_(line);
  } else {
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace selfheal
