// Host logging: one line per message, "<UTC time> <LEVEL> [<source>] <message>", to a sink
// (stderr by default). MT safe: lines from different threads never interleave.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "selfheal/sdk/logger.hpp"

namespace selfheal {

using LogLevel = sdk::LogLevel;

std::string_view to_string(LogLevel level);

// Where formatted lines go. Shared by every SourceLogger made from it.
class LogSink {
 public:
  using Writer = std::function<void(std::string_view line)>;
  explicit LogSink(LogLevel min_level = LogLevel::info, Writer writer = {});

  void write(LogLevel level, std::string_view source, std::string_view message);
  void set_min_level(LogLevel level);

 private:
  std::mutex mutex_;
  LogLevel min_level_;
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

 private:
  std::shared_ptr<LogSink> sink_;
  std::string source_;
};

}  // namespace selfheal
