#include "process/log_appender.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace selfheal::process {

std::string LogAppender::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return "cannot open log file " + path.string() + ": " + std::strerror(errno);
  }
  fd_.reset(fd);
  return {};
}

void LogAppender::append_line(std::string_view line) {
  if (!fd_) return;
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= 64 * 1024) flush();
}

void LogAppender::flush() {
  std::string_view rest = buffer_;
  while (fd_ && !rest.empty()) {
    const ssize_t n = ::write(fd_.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  buffer_.clear();
}

}  // namespace selfheal::process
