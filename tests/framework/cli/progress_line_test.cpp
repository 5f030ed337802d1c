// ProgressLine: in place on a terminal with log lines above it, plain lines otherwise.
#include "cli/progress_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace selfheal::cli {
namespace {

// Everything a ProgressLine wrote into a memory stream.
class Captured {
 public:
  Captured() : file_(::open_memstream(&data_, &size_)) {}
  ~Captured() {
    if (file_) std::fclose(file_);
    std::free(data_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

TEST(ProgressLine, NotATerminalPrintsEveryLineAsItsOwn) {
  Captured out;
  {
    ProgressLine progress(out.file(), false);
    progress.update("Compiling a (1/2)");
    progress.log("2026-12-01T00:00:00.000Z INFO [healer] something");
    progress.update("Compiling b (2/2)");
  }
  EXPECT_EQ(out.text(),
            "Compiling a (1/2)\n2026-12-01T00:00:00.000Z INFO [healer] something\nCompiling b (2/2)\n");
}

TEST(ProgressLine, OnATerminalUpdatesInPlaceAndKeepsLogLinesAboveIt) {
  Captured out;
  {
    ProgressLine progress(out.file(), true, 19);
    progress.update("Compiling a (1/2)");
    progress.update("Compiling b (2/2)\tx");
    progress.log("a log line");
    progress.update("");  // the strategy ended
    progress.log("after");
  }
  EXPECT_EQ(out.text(),
            "\r\033[KCompiling a (1/2)"
            "\r\033[KCompiling b (2/2) "  // cut to the width less one, the tab made a space
            "\r\033[Ka log line\n\r\033[KCompiling b (2/2) "
            "\r\033[K"
            "after\n");
}

TEST(ProgressLine, ClearsAShownLineWhenDestroyed) {
  Captured out;
  { ProgressLine(out.file(), true, 80).update("Compiling a"); }
  EXPECT_EQ(out.text(), "\r\033[KCompiling a\r\033[K");
}

}  // namespace
}  // namespace selfheal::cli
