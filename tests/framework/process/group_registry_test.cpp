// The group registry: a host that starts after another was killed kills the builds that one left.
// Its owner is dead even when it is still a zombie (its parent did not reap it: a shell that went
// away, or a container's init that reaps nothing, as on the machine of issue 14).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "process/group_registry.hpp"
#include "test_support.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

// A child in a process group of its own that sleeps until killed.
pid_t start_group() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sleep", "sleep", "300", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // either side may win the race; both ask for the same
  return pid;
}

// A child that exits at once and is left unreaped: a zombie with its start time in /proc.
pid_t make_zombie() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  EXPECT_TRUE(testing::eventually([pid] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
  }));
  return pid;
}

class GroupRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("selfheal-groups-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override {
    for (pid_t pid : children_) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  // What GroupRegistry::add writes, with `owner` as the host that ran the group.
  void record(pid_t pgid, pid_t owner) {
    std::ofstream(folder_ / std::to_string(pgid))
        << process::process_start_time(pgid) << " " << owner << " " << process::process_start_time(owner) << "\n";
  }
  fs::path folder_;
  std::vector<pid_t> children_;
};

TEST_F(GroupRegistryTest, AGroupOfAKilledHostStillAZombieIsKilled) {
  process::GroupRegistry registry(folder_);
  const pid_t build = start_group();
  const pid_t dead_host = make_zombie();
  children_ = {build, dead_host};
  ASSERT_NE(process::process_start_time(dead_host), 0u) << "the zombie is in /proc";
  EXPECT_FALSE(process::process_alive(dead_host, process::process_start_time(dead_host)));
  record(build, dead_host);
  EXPECT_EQ(registry.kill_leftovers(), 1);
  EXPECT_TRUE(testing::eventually([&] { return testing::process_dead(build); }));
  EXPECT_TRUE(fs::is_empty(folder_));
}

TEST_F(GroupRegistryTest, AGroupOfALiveHostIsLeftAlone) {
  process::GroupRegistry registry(folder_);
  const pid_t build = start_group();
  children_ = {build};
  record(build, ::getpid());  // this process: alive
  EXPECT_TRUE(process::process_alive(::getpid(), process::process_start_time(::getpid())));
  EXPECT_EQ(registry.kill_leftovers(), 0);
  EXPECT_FALSE(testing::process_dead(build));
  EXPECT_TRUE(fs::exists(folder_ / std::to_string(build)));
}

}  // namespace
}  // namespace selfheal
