// Appends lines to a log file opened with O_APPEND. Lines are buffered and written with one
// write() per flush, so that several processes appending to one build log interleave whole
// chunks, never parts of lines. Not thread safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "process/unique_fd.hpp"

namespace selfheal::process {

class LogAppender {
 public:
  LogAppender() = default;
  // Returns an error message, or an empty string on success.
  std::string open(const std::filesystem::path& path);
  bool is_open() const { return static_cast<bool>(fd_); }

  void append_line(std::string_view line);
  // Writes what was buffered; errors are ignored (a full disk must not stop a build).
  void flush();

 private:
  UniqueFd fd_;
  std::string buffer_;
};

}  // namespace selfheal::process
