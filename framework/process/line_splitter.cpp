#include "process/line_splitter.hpp"

#include <utility>

namespace selfheal::process {

LineSplitter::LineSplitter(Sink sink, std::size_t max_line)
    : sink_(std::move(sink)), max_line_(max_line == 0 ? 1 : max_line) {}

void LineSplitter::feed(std::string_view data) {
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const std::size_t length = newline == std::string_view::npos ? data.size() : newline;
    const std::size_t room = max_line_ - partial_.size();  // partial_ never exceeds max_line_
    if (length > room) {  // too long: deliver the first max_line_ bytes as a line of their own
      partial_.append(data.substr(0, room));
      data.remove_prefix(room);
      finish();
      continue;
    }
    if (newline == std::string_view::npos) {
      partial_.append(data);
      return;
    }
    if (partial_.empty()) {
      sink_(data.substr(0, newline));  // the common case: no copy
    } else {
      partial_.append(data.substr(0, newline));
      finish();
    }
    data.remove_prefix(newline + 1);
  }
}

void LineSplitter::finish() {
  if (partial_.empty()) return;
  std::string line;
  line.swap(partial_);  // partial_ is empty again even if the sink throws
  sink_(line);
}

}  // namespace selfheal::process
