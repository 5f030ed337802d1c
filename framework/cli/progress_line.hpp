// What `selfheal fix` shows of a running build on stderr: on a terminal, one progress line that
// updates in place (cargo's own style), with the host's log lines printed above it; otherwise
// every progress line as a plain line, so a log file or a pipe reads top to bottom.
// MT safe: the fix's thread updates it, any thread may log through it.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace selfheal::cli {

class ProgressLine {
 public:
  // `terminal`: whether `out` is a terminal (isatty), decided by the caller for testability.
  ProgressLine(std::FILE* out, bool terminal, std::size_t width = 80);
  ~ProgressLine();  // clears a progress line still shown
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(std::string_view line);  // an empty line clears it
  // A log line: printed above the progress line, which is drawn again below it.
  void log(std::string_view line);
  // Removes the progress line (on a terminal); later updates draw it again.
  void clear();

  // The terminal width of `out`, or `fallback` when it has none.
  static std::size_t terminal_width(std::FILE* out, std::size_t fallback = 80);

 private:
  void draw();  // under mutex_

  std::mutex mutex_;
  std::FILE* out_;
  bool terminal_;
  std::size_t width_;
  std::string current_;  // the line shown on the terminal, empty when none
};

}  // namespace selfheal::cli
