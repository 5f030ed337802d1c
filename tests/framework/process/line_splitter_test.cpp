#include "process/line_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace selfheal::process {
namespace {

struct Collect {
  std::vector<std::string> lines;
  LineSplitter splitter;
  explicit Collect(std::size_t max_line = 1 << 20)
      : splitter([this](std::string_view line) { lines.emplace_back(line); }, max_line) {}
};

TEST(LineSplitterTest, SplitsAcrossChunks) {
  Collect c;
  c.splitter.feed("one\ntw");
  c.splitter.feed("o\n\nthr");
  c.splitter.feed("ee");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", ""}));
  c.splitter.finish();
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", "", "three"}));
}

TEST(LineSplitterTest, FinishWithoutPartialLineDeliversNothing) {
  Collect c;
  c.splitter.feed("a\n");
  c.splitter.finish();
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a"}));
}

TEST(LineSplitterTest, CutsOverlongLines) {
  Collect c(4);
  c.splitter.feed("abcdefg\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "efg"}));
  c.lines.clear();
  c.splitter.feed("ab");
  c.splitter.feed("cd");
  c.splitter.feed("\nabcdabcdab");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "abcd", "abcd"}));
  c.splitter.finish();
  EXPECT_EQ(c.lines.back(), "ab");
}

}  // namespace
}  // namespace selfheal::process
