// A child's output: lines per stream, in order, complete; the log file; the tail.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/process_runner.hpp"
#include "test_support.hpp"

namespace selfheal {
namespace {

using testing::shell;

struct Captured {
  std::vector<std::string> out;
  std::vector<std::string> err;
  sdk::ProcessResult result;
};

Captured capture(sdk::ProcessSpec spec) {
  Captured captured;
  spec.on_line = [&](sdk::OutputStream stream, std::string_view line) {
    (stream == sdk::OutputStream::out ? captured.out : captured.err).emplace_back(line);
  };
  captured.result = PosixProcessRunner().run(spec);
  return captured;
}

std::vector<std::string> numbers(int first, int last) {
  std::vector<std::string> lines;
  for (int i = first; i <= last; ++i) lines.push_back(std::to_string(i));
  return lines;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string::size_type start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

TEST(ProcessOutputTest, ChattyChildArrivesCompleteAndInOrderPerStream) {
  auto spec = shell("seq 1 100000 & seq 1 5000 >&2; wait");
  spec.timeout = std::chrono::seconds(120);
  const auto captured = capture(spec);
  EXPECT_TRUE(captured.result.success()) << captured.result.error;
  EXPECT_EQ(captured.out.size(), 100000u);
  EXPECT_TRUE(captured.out == numbers(1, 100000));  // not EXPECT_EQ: no 100000-line diff
  EXPECT_EQ(captured.err, numbers(1, 5000));
}

TEST(ProcessOutputTest, LastLineWithoutNewlineIsDelivered) {
  const auto captured = capture(shell("echo first; printf last; printf tail >&2"));
  EXPECT_TRUE(captured.result.success()) << captured.result.error;
  EXPECT_EQ(captured.out, (std::vector<std::string>{"first", "last"}));
  EXPECT_EQ(captured.err, (std::vector<std::string>{"tail"}));
}

TEST(ProcessOutputTest, AppendsEveryLineToTheLogFile) {
  testing::TempDir dir;
  const auto log = dir.path() / "build.log";
  { std::ofstream(log) << "earlier run\n"; }
  auto spec = shell("echo out1; echo err1 >&2; echo out2; printf partial");
  spec.log_file = log;
  const auto captured = capture(spec);
  EXPECT_TRUE(captured.result.success()) << captured.result.error;

  auto lines = split_lines(testing::read_file(log));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "earlier run");
  lines.erase(lines.begin());
  // Streams interleave in arrival order, so only the order within stdout is fixed.
  std::vector<std::string> out_lines;
  std::copy_if(lines.begin(), lines.end(), std::back_inserter(out_lines),
               [](const std::string& l) { return l != "err1"; });
  EXPECT_EQ(out_lines, (std::vector<std::string>{"out1", "out2", "partial"}));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "err1"), 1);
  EXPECT_EQ(lines.size(), 4u);
}

TEST(ProcessOutputTest, UnwritableLogFileIsAnError) {
  auto spec = shell("true");
  spec.log_file = "/nonexistent-dir/build.log";
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_FALSE(result.started);
  EXPECT_NE(result.error.find("/nonexistent-dir/build.log"), std::string::npos) << result.error;
}

TEST(ProcessOutputTest, TailKeepsTheLastLinesOfBothStreamsInArrivalOrder) {
  // Two pipes are read independently, so the child waits on a FIFO until stdout's lines have
  // arrived before it writes to stderr: the arrival order is then fixed.
  testing::TempDir dir;
  const auto fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto spec = shell("seq 1 20; read go < '" + fifo.string() + "'; echo oops >&2");
  spec.tail_lines = 5;
  spec.timeout = std::chrono::seconds(60);
  spec.on_line = [&](sdk::OutputStream stream, std::string_view line) {
    if (stream == sdk::OutputStream::out && line == "20") std::ofstream(fifo) << "go\n";
  };
  auto result = PosixProcessRunner().run(spec);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_EQ(result.tail, (std::vector<std::string>{"17", "18", "19", "20", "oops"}));

  spec = shell("seq 1 100");
  spec.tail_lines = 3;
  result = PosixProcessRunner().run(spec);
  EXPECT_EQ(result.tail, (std::vector<std::string>{"98", "99", "100"}));

  spec.tail_lines = 0;
  EXPECT_TRUE(PosixProcessRunner().run(spec).tail.empty());
}

TEST(ProcessOutputTest, ThrowingCallbackBecomesAnErrorAndKillsTheChild) {
  testing::TempDir dir;
  const auto pidfile = dir.path() / "pid";
  auto spec = shell("echo $$ > '" + pidfile.string() + "'; echo boom; exec sleep 1000");
  spec.on_line = [](sdk::OutputStream, std::string_view) {
    throw std::runtime_error("callback failed");
  };
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_FALSE(result.started);
  EXPECT_NE(result.error.find("callback failed"), std::string::npos) << result.error;
  const pid_t pid = std::stoi(testing::read_file(pidfile));
  EXPECT_TRUE(testing::process_dead(pid));  // run() reaped it before returning
}

}  // namespace
}  // namespace selfheal
