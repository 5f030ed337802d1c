#include "process/output_collector.hpp"

#include <iterator>

namespace selfheal::process {

OutputCollector::OutputCollector(const sdk::ProcessSpec& spec)
    : on_line_(spec.on_line),
      tail_lines_(spec.tail_lines),
      out_([this](std::string_view line) { deliver(sdk::OutputStream::out, line); }),
      err_([this](std::string_view line) { deliver(sdk::OutputStream::err, line); }) {}

std::string OutputCollector::open_log(const sdk::ProcessSpec& spec) {
  if (spec.log_file.empty()) return {};
  return log_.open(spec.log_file);
}

void OutputCollector::feed(sdk::OutputStream stream, std::string_view data) {
  splitter(stream).feed(data);
  log_.flush();  // once per chunk read, not per line
}

void OutputCollector::finish(sdk::OutputStream stream) {
  splitter(stream).finish();
  log_.flush();
}

std::vector<std::string> OutputCollector::take_tail() {
  std::vector<std::string> tail(std::make_move_iterator(tail_.begin()),
                                std::make_move_iterator(tail_.end()));
  tail_.clear();
  return tail;
}

void OutputCollector::deliver(sdk::OutputStream stream, std::string_view line) {
  log_.append_line(line);
  if (tail_lines_ > 0) {
    if (tail_.size() == tail_lines_) tail_.pop_front();
    tail_.emplace_back(line);
  }
  if (on_line_) on_line_(stream, line);
}

}  // namespace selfheal::process
