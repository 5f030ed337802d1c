#include "cli/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace selfheal::cli {
namespace {
constexpr std::string_view kEraseLine = "\r\033[K";  // carriage return, erase to the end of line
}

ProgressLine::ProgressLine(std::FILE* out, bool terminal, std::size_t width)
    : out_(out), terminal_(terminal), width_(width < 8 ? 8 : width) {}

ProgressLine::~ProgressLine() { clear(); }

std::size_t ProgressLine::terminal_width(std::FILE* out, std::size_t fallback) {
  winsize size{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return fallback;
}

void ProgressLine::draw() {
  // One column short of the width: a line that fills it would wrap on some terminals.
  std::string shown = current_.substr(0, width_ - 1);
  std::fwrite(kEraseLine.data(), 1, kEraseLine.size(), out_);
  std::fwrite(shown.data(), 1, shown.size(), out_);
  std::fflush(out_);
}

void ProgressLine::update(std::string_view line) {
  if (line.empty()) return clear();
  std::lock_guard lock(mutex_);
  if (!terminal_) {
    std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(out_);
    return;
  }
  current_.assign(line);
  // A control character of the child's would break the line in place.
  for (auto& c : current_)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  draw();
}

void ProgressLine::log(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (terminal_ && !current_.empty()) std::fwrite(kEraseLine.data(), 1, kEraseLine.size(), out_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  if (terminal_ && !current_.empty()) draw();
  std::fflush(out_);
}

void ProgressLine::clear() {
  std::lock_guard lock(mutex_);
  if (!terminal_ || current_.empty()) return;
  current_.clear();
  std::fwrite(kEraseLine.data(), 1, kEraseLine.size(), out_);
  std::fflush(out_);
}

}  // namespace selfheal::cli
