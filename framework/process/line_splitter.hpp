// Cuts a byte stream into lines. Not thread safe: one splitter per stream.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace selfheal::process {

class LineSplitter {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // A line longer than `max_line` bytes is delivered in pieces, so that a child writing binary
  // data without newlines cannot make the host buffer it all.
  explicit LineSplitter(Sink sink, std::size_t max_line = 1 << 20);

  // Delivers every line completed by `data`, without its '\n'.
  void feed(std::string_view data);
  // Delivers the last line when it did not end with '\n'.
  void finish();

 private:
  Sink sink_;
  std::size_t max_line_;
  std::string partial_;  // bytes after the last '\n'
};

}  // namespace selfheal::process
