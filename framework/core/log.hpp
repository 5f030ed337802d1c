// Host logging: one line per event, to a sink (stderr by default). MT safe: lines from different
// threads never interleave. Two formats (settings.log_format):
//  text: "<UTC time> <LEVEL> [<source>] <message> key=value key2=\"a value\"" (logfmt's quoting,
//        which journalctl shows as is and log shippers parse);
//  json: one object per line, {"time", "level", "source", "message", <fields>...}.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "selfheal/sdk/logger.hpp"

namespace selfheal {

using LogLevel = sdk::LogLevel;

std::string_view to_string(LogLevel level);

enum class LogFormat { text, json };
std::optional<LogFormat> parse_log_format(std::string_view name);  // "text" | "json"

// The key=value fields of one event, in order. Keys are plain words (`duration_ms`); numbers and
// booleans stay numbers and booleans in JSON lines.
class LogFields {
 public:
  enum class Kind { string, number, boolean };
  struct Field {
    std::string key;
    std::string text;
    Kind kind;
  };
  // const char* has its own overload: it would otherwise convert to bool before string_view.
  LogFields& add(std::string key, const char* value) { return add(std::move(key), std::string_view(value)); }
  LogFields& add(std::string key, std::string_view value) {
    fields_.push_back({std::move(key), std::string(value), Kind::string});
    return *this;
  }
  LogFields& add(std::string key, const std::string& value) { return add(std::move(key), std::string_view(value)); }
  LogFields& add(std::string key, bool value) {
    fields_.push_back({std::move(key), value ? "true" : "false", Kind::boolean});
    return *this;
  }
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  LogFields& add(std::string key, T value) {
    fields_.push_back({std::move(key), std::to_string(value), Kind::number});
    return *this;
  }
  const std::vector<Field>& items() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// The line `write` emits, without its time stamp's source (`time` is passed in): for tests.
std::string format_log_line(LogFormat format, std::string_view time, LogLevel level,
                            std::string_view source, std::string_view message,
                            const LogFields& fields);

// Where formatted lines go. Shared by every SourceLogger made from it.
class LogSink {
 public:
  using Writer = std::function<void(std::string_view line)>;
  explicit LogSink(LogLevel min_level = LogLevel::info, Writer writer = {});

  void write(LogLevel level, std::string_view source, std::string_view message,
             const LogFields& fields = {});
  void set_min_level(LogLevel level);
  void set_format(LogFormat format);

 private:
  std::mutex mutex_;
  LogLevel min_level_;
  LogFormat format_ = LogFormat::text;
  Writer writer_;  // empty: stderr
};

// An sdk::Logger that tags every line with one source (a plugin's or a subsystem's name).
class SourceLogger final : public sdk::Logger {
 public:
  SourceLogger(std::shared_ptr<LogSink> sink, std::string source)
      : sink_(std::move(sink)), source_(std::move(source)) {}
  // sdk::Logger
  void log(LogLevel level, std::string_view message) override {
    sink_->write(level, source_, message);
  }
  // An event with fields: `log_.event(LogLevel::info, "fix started", LogFields().add("issue", i))`.
  void event(LogLevel level, std::string_view message, const LogFields& fields) {
    sink_->write(level, source_, message, fields);
  }

 private:
  std::shared_ptr<LogSink> sink_;
  std::string source_;
};

}  // namespace selfheal
