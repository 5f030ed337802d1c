#include "process/allocation_free_launcher.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "process/cloexec_pipe.hpp"

namespace selfheal::process {
namespace {

// The launcher is used the way Boost.Process v2 calls a launcher, and what it returns is an
// ordinary v2 process: waiting and exit codes are v2's.
TEST(AllocationFreeLauncherTest, StartsAChildThatV2WaitsFor) {
  UniqueFd out_read, out_write;
  ASSERT_EQ(make_cloexec_pipe(out_read, out_write), 0);
  boost::asio::io_context io;
  AllocationFreeLauncher launch({.stdout_fd = out_write.get(),
                                 .stderr_fd = out_write.get(),
                                 .environment = {"GREETING=hi"},
                                 .working_directory = "/",
                                 .argv0 = "custom-argv0"});
  const std::vector<std::string> args = {"-c", "echo \"$0 $GREETING $(pwd)\"; exit 7"};
  auto child = launch(io.get_executor(), "/bin/sh", args);
  out_write.reset();
  EXPECT_GT(child.id(), 0);
  EXPECT_EQ(::getpgid(child.id()), child.id());  // its own process group
  EXPECT_EQ(child.wait(), 7);
  EXPECT_TRUE(WIFEXITED(child.native_exit_code()));

  std::string output;
  char buffer[256];
  ssize_t n;
  while ((n = ::read(out_read.get(), buffer, sizeof buffer)) > 0) output.append(buffer, n);
  EXPECT_EQ(output, "custom-argv0 hi /\n");
}

TEST(AllocationFreeLauncherTest, ExecFailureIsAnErrorCodeAndLeavesNoChild) {
  boost::asio::io_context io;
  AllocationFreeLauncher launch({.stdout_fd = STDOUT_FILENO, .stderr_fd = STDERR_FILENO});
  boost::process::v2::error_code ec;
  auto child = launch(io.get_executor(), ec, "/nonexistent/program", std::vector<std::string>{});
  EXPECT_EQ(ec.value(), ENOENT) << ec.message();
  EXPECT_EQ(child.id(), -1);
  EXPECT_LT(::waitpid(-1, nullptr, WNOHANG), 0);  // nothing left to reap
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace selfheal::process
