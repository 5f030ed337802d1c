// Leftovers of a host killed with -9 in the middle of a build: its cargo dies with it
// (PR_SET_PDEATHSIG), but the build script cargo ran and the sccache server the host started (it
// daemonizes into its own session) do not. The next host on the same state folder must stop them
// all. The dead host stays a zombie here, as under a parent that does not reap (a container's
// init that reaps nothing, as on the machine of issue 14): it is dead all the same.
#include <gtest/gtest.h>

#include <set>

#include "artifacts/build_cache.hpp"
#include "artifacts/sccache_server_record.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

char state_of(pid_t pid) {
  const std::string text = process::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() ? text[paren + 2] : '?';
}

pid_t parent_of(pid_t pid) {
  const std::string text = process::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 4 >= text.size()) return 0;
  return static_cast<pid_t>(std::atol(text.c_str() + paren + 4));
}

// Every live process below `root` (by parent pid).
std::set<pid_t> descendants(pid_t root) {
  std::map<pid_t, std::vector<pid_t>> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    children[parent_of(pid)].push_back(pid);
  }
  std::set<pid_t> out;
  std::vector<pid_t> todo = {root};
  while (!todo.empty()) {
    const pid_t p = todo.back();
    todo.pop_back();
    for (pid_t c : children[p])
      if (out.insert(c).second) todo.push_back(c);
  }
  return out;
}

class Leftovers : public ::testing::Test {
 protected:
  void SetUp() override {
    // A build script that blocks until the test lets it go (or ten minutes pass).
    ServeWorld::write_file(world.crate_dir() / "build.rs",
                           "fn main() {\n  let release = std::path::Path::new(\"" + release().string() +
                               "\");\n  for _ in 0..6000 {\n    if release.exists() { break; }\n"
                               "    std::thread::sleep(std::time::Duration::from_millis(100));\n  }\n}\n");
  }
  void TearDown() override { ServeWorld::write_file(release(), ""); }
  fs::path release() const { return world.root() / "release-build-script"; }
  fs::path cache_dir() const { return world.state_dir() / "sccache"; }
  std::vector<pid_t> servers() const {
    return find_sccache_servers(cache_dir(), BuildCache::port_for(world.state_dir()));
  }
  std::vector<pid_t> build_scripts() const {
    std::vector<pid_t> found;
    for (pid_t pid : processes_mentioning(world.crate_dir().string() + "/target"))
      if (process::read_proc_file("/proc/" + std::to_string(pid) + "/cmdline").find("build-script-build") !=
          std::string::npos)
        found.push_back(pid);
    return found;
  }

  ServeWorld world;
};

TEST_F(Leftovers, TheNextHostStopsTheBuildAndTheSccacheServerAKilledHostLeft) {
  world.write_manifest();
  auto doomed = std::make_unique<ServeProcess>(world.manifest_file().string());
  ASSERT_GT(doomed->port(), 0) << doomed->log();
  ASSERT_TRUE(eventually([&] { return !build_scripts().empty(); }, 120s)) << doomed->log();
  const bool with_cache = !servers().empty();
  if (!with_cache) std::cout << "[ note     ] no sccache server (sccache not installed?): the build alone\n";
  auto tree = descendants(doomed->pid());
  for (pid_t pid : servers()) tree.insert(pid);
  ASSERT_FALSE(tree.empty());

  doomed->signal(SIGKILL);
  ASSERT_TRUE(eventually([&] { return state_of(doomed->pid()) == 'Z'; }, 10s)) << "SIGKILL did not end the host";
  // Not reaped (yet): the dead host is a zombie while the next one starts.

  world.extra_settings = "  auto_fix: false\n";
  world.write_manifest();
  ServeProcess next(world.manifest_file().string());
  ASSERT_GT(next.port(), 0) << next.log();
  auto survivors = [&] {
    std::vector<pid_t> alive;
    for (pid_t pid : tree)
      if (!process_gone(pid)) alive.push_back(pid);
    for (pid_t pid : servers()) alive.push_back(pid);
    return alive;
  };
  EXPECT_TRUE(eventually([&] { return survivors().empty(); }, 20s))
      << survivors().size() << " process(es) of the killed host survived the next host's start, e.g. pid "
      << (survivors().empty() ? 0 : survivors().front()) << "\n" << next.log();
  if (with_cache) {
    EXPECT_TRUE(next.saw("a previous host of this state folder left running")) << next.log();
  }
  EXPECT_TRUE(doomed->wait_exit(10s));
}

}  // namespace
}  // namespace selfheal::testing
