// Logging from plugins. The host prefixes each line with time, level and the plugin's name.
// MT safe: a plugin may log from any thread.
#pragma once

#include <string_view>

namespace selfheal::sdk {

enum class LogLevel { debug, info, warning, error };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;

  void debug(std::string_view m) { log(LogLevel::debug, m); }
  void info(std::string_view m) { log(LogLevel::info, m); }
  void warning(std::string_view m) { log(LogLevel::warning, m); }
  void error(std::string_view m) { log(LogLevel::error, m); }
};

}  // namespace selfheal::sdk
