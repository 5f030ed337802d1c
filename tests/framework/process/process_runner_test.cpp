// Starting children: argv, lookup, environment, working directory, stdin, exit status.
#include "process/process_runner.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace selfheal {
namespace {

using testing::shell;

std::vector<std::string> stdout_lines(const sdk::ProcessSpec& base, sdk::ProcessResult* out) {
  std::vector<std::string> lines;
  sdk::ProcessSpec spec = base;
  spec.on_line = [&](sdk::OutputStream stream, std::string_view line) {
    if (stream == sdk::OutputStream::out) lines.emplace_back(line);
  };
  PosixProcessRunner runner;
  *out = runner.run(spec);
  return lines;
}

TEST(ProcessRunnerTest, ReportsExitCode) {
  PosixProcessRunner runner;
  const auto ok = runner.run(shell("exit 0"));
  EXPECT_TRUE(ok.started);
  EXPECT_TRUE(ok.success()) << ok.error;
  EXPECT_EQ(ok.exit_code, 0);

  const auto failed = runner.run(shell("exit 42"));
  EXPECT_TRUE(failed.started);
  EXPECT_FALSE(failed.success());
  EXPECT_EQ(failed.exit_code, 42);
  EXPECT_EQ(failed.signal, 0);
  EXPECT_TRUE(failed.error.empty()) << failed.error;
}

// A runner for builds starts its children at a lower CPU priority, which what they start inherits.
TEST(ProcessRunnerTest, ChildrenRunAtTheLoweredPriorityAndPassItOn) {
  errno = 0;
  const int host = ::getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  if (host > 12) GTEST_SKIP() << "the test runs at nice " << host << ": 7 lower is capped at 19";
  sdk::ProcessResult result;
  const auto at_host = stdout_lines(shell("nice; sh -c nice"), &result);
  ASSERT_TRUE(result.success()) << result.error;
  EXPECT_EQ(at_host, (std::vector<std::string>{std::to_string(host), std::to_string(host)}));

  PosixProcessRunner runner;
  runner.lower_child_priority(7);
  std::vector<std::string> lines;
  sdk::ProcessSpec spec = shell("nice; sh -c nice");
  spec.on_line = [&](sdk::OutputStream stream, std::string_view line) {
    if (stream == sdk::OutputStream::out) lines.emplace_back(line);
  };
  ASSERT_TRUE(runner.run(spec).success());
  const std::string lowered = std::to_string(std::min(19, host + 7));
  EXPECT_EQ(lines, (std::vector<std::string>{lowered, lowered}));
  EXPECT_EQ(::getpriority(PRIO_PROCESS, 0), host);  // the host's own is unchanged
}

TEST(ProcessRunnerTest, ReportsDeathBySignal) {
  PosixProcessRunner runner;
  const auto result = runner.run(shell("kill -SEGV $$"));
  EXPECT_TRUE(result.started);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_FALSE(result.success());
  EXPECT_FALSE(result.timed_out);
  EXPECT_NE(result.error.find("SIGSEGV"), std::string::npos) << result.error;
}

TEST(ProcessRunnerTest, MeasuresDuration) {
  PosixProcessRunner runner;
  // The child itself waits; the test does not sleep.
  const auto result = runner.run(shell("sleep 0.2"));
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_GE(result.duration.count(), 150);
}

TEST(ProcessRunnerTest, MissingProgramIsAnErrorNotAnException) {
  PosixProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = {"cargo", "build"};
  spec.search_path = {"a", "b", "c"};
  const auto result = runner.run(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.error, "cargo: not found in search path a:b:c");

  spec.argv = {"/nonexistent/cargo"};
  const auto absolute = runner.run(spec);
  EXPECT_FALSE(absolute.started);
  EXPECT_NE(absolute.error.find("/nonexistent/cargo"), std::string::npos) << absolute.error;

  spec.argv = {};
  EXPECT_FALSE(runner.run(spec).started);
}

TEST(ProcessRunnerTest, ProgramThatCannotExecIsAnError) {
  testing::TempDir dir;
  const auto script = dir.path() / "not-a-program";
  {
    std::ofstream(script) << "\x7f"
                             "ELF garbage";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  sdk::ProcessSpec spec;
  spec.argv = {script.string()};
  const auto result = PosixProcessRunner().run(spec);
  EXPECT_FALSE(result.started);
  EXPECT_NE(result.error.find("cannot start"), std::string::npos) << result.error;
}

TEST(ProcessRunnerTest, ResolvesArgv0InSearchPathAndKeepsIt) {
  testing::TempDir dir;
  const auto tool = dir.path() / "mytool";
  { std::ofstream(tool) << "#!/bin/sh\necho \"$0 $1\"\n"; }
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);

  sdk::ProcessSpec spec;
  spec.argv = {"mytool", "arg"};
  spec.search_path = {"/nonexistent", dir.path()};
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  // The script sees its resolved path in $0 (the kernel passes the script path to sh).
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], tool.string() + " arg");
}

TEST(ProcessRunnerTest, Argv0ReachesTheChildAsGiven) {
  sdk::ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo \"$0\""};
  spec.environment = {{"PATH", "/bin"}};
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_EQ(lines, (std::vector<std::string>{"sh"}));
}

TEST(ProcessRunnerTest, EnvironmentIsExactUnlessInherited) {
  ::setenv("SELFHEAL_HOST_ONLY", "host", 1);
  sdk::ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.environment = {{"ONE", "1"}, {"TWO", "two words"}};
  sdk::ProcessResult result;
  auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"ONE=1", "TWO=two words"}));

  spec.inherit_environment = true;
  spec.environment = {{"ONE", "1"}, {"SELFHEAL_HOST_ONLY", "overridden"}};
  lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  const auto has = [&](const std::string& entry) {
    return std::find(lines.begin(), lines.end(), entry) != lines.end();
  };
  EXPECT_TRUE(has("ONE=1"));
  EXPECT_TRUE(has("SELFHEAL_HOST_ONLY=overridden"));
  EXPECT_FALSE(has("SELFHEAL_HOST_ONLY=host"));
  EXPECT_GT(lines.size(), 2u);
  ::unsetenv("SELFHEAL_HOST_ONLY");
}

TEST(ProcessRunnerTest, RunsInWorkingDirectory) {
  testing::TempDir dir;
  auto spec = shell("pwd -P");
  spec.working_directory = dir.path();
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_EQ(lines, (std::vector<std::string>{std::filesystem::canonical(dir.path()).string()}));

  spec.working_directory = dir.path() / "missing";
  const auto missing = PosixProcessRunner().run(spec);
  EXPECT_FALSE(missing.started);
  EXPECT_NE(missing.error.find("does not exist"), std::string::npos) << missing.error;
}

TEST(ProcessRunnerTest, StdinIsAtEndOfFile) {
  // cat returns at once with nothing when stdin is empty; it would hang on an open terminal.
  auto spec = shell("cat; echo done");
  spec.timeout = std::chrono::seconds(20);
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_EQ(lines, (std::vector<std::string>{"done"}));
}

TEST(ProcessRunnerTest, RunsInItsOwnProcessGroup) {
  // The 5th field of /proc/<pid>/stat is the process group.
  auto spec = shell("read -r p c s pp g r < /proc/$$/stat; [ \"$g\" = \"$$\" ] && echo own");
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_EQ(lines, (std::vector<std::string>{"own"}));
}

// The host's own descriptors (its listening socket, connections, files) must not reach a
// child: a daemon a build starts would hold them past the host's close. Boost 1.81's launcher
// leaves those below its error pipe open, so the runner marks them close-on-exec itself.
TEST(ProcessRunnerTest, TheHostsDescriptorsDoNotReachTheChild) {
  const auto marker = std::filesystem::temp_directory_path() /
                      ("selfheal-fd-marker-" + std::to_string(::getpid()));
  std::ofstream(marker) << "x";
  const int fd = ::open(marker.c_str(), O_RDONLY);  // no O_CLOEXEC, as Asio's sockets
  ASSERT_GE(fd, 3);
  auto spec = shell("for f in /proc/$$/fd/*; do readlink \"$f\"; done; true");
  sdk::ProcessResult result;
  const auto lines = stdout_lines(spec, &result);
  ::close(fd);
  std::filesystem::remove(marker);
  EXPECT_TRUE(result.success()) << result.error;
  EXPECT_FALSE(lines.empty());
  for (const auto& line : lines) EXPECT_EQ(line.find(marker.filename().string()), std::string::npos) << line;
}

}  // namespace
}  // namespace selfheal
