// Where a child's output goes: split into lines per stream, each line handed to the spec's
// on_line callback, appended to its log file and kept in the tail. Not thread safe: used by
// the one thread that runs a child.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "process/line_splitter.hpp"
#include "process/log_appender.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal::process {

class OutputCollector {
 public:
  // Keeps a reference to nothing in `spec`: the callback is copied.
  explicit OutputCollector(const sdk::ProcessSpec& spec);
  OutputCollector(const OutputCollector&) = delete;
  OutputCollector& operator=(const OutputCollector&) = delete;

  // Opens spec.log_file when set; returns an error message or an empty string.
  std::string open_log(const sdk::ProcessSpec& spec);

  void feed(sdk::OutputStream stream, std::string_view data);
  // The stream ended: delivers its last line if it had no '\n'.
  void finish(sdk::OutputStream stream);

  std::vector<std::string> take_tail();

 private:
  void deliver(sdk::OutputStream stream, std::string_view line);
  LineSplitter& splitter(sdk::OutputStream stream) {
    return stream == sdk::OutputStream::out ? out_ : err_;
  }

  std::function<void(sdk::OutputStream, std::string_view)> on_line_;
  std::size_t tail_lines_;
  std::deque<std::string> tail_;
  LogAppender log_;
  LineSplitter out_;
  LineSplitter err_;
};

}  // namespace selfheal::process
