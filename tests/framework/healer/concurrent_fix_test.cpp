// Several `selfheal fix` processes at once on one crate: one builds (the crate's flock), the
// others wait on the lock, and every one reports that fix's outcome with its id, never a second
// diagnosis saying "nothing to fix".
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>

#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;

// True when `pid` has `file` open (a fix process opens the crate's lock file before it waits).
bool has_open(pid_t pid, const fs::path& file) {
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec))
    if (fs::read_symlink(fd.path(), ec) == file) return true;
  return false;
}

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Child spawn_fix(const fs::path& manifest) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::dup2(pipe_fds[1], 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::close(pipe_fds[0]);
    const std::string selfheal = std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal";
    ::execl(selfheal.c_str(), selfheal.c_str(), "fix", "--json", "--config", manifest.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  c.out = pipe_fds[0];
  return c;
}

boost::json::value finish(Child& c) {
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(c.out, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(c.out);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  boost::system::error_code ec;
  auto json = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : json;
}

TEST(ConcurrentFixes, ProcessesThatWaitedOnTheLockReportTheFixThatRan) {
  HarnessOptions o;
  // The default manifest's chain: restore_from_cache has nothing to restore and is skipped.
  o.extra_strategies = "    - name: restore_from_cache\n      library: strategy-restore-from-cache.so\n";
  o.issues["not_built"] = "[restore_from_cache, build]";
  HealerHarness h(o);
  // rustc through a gate: the build holds the lock until the test has seen the others wait.
  const auto gate = h.root() / "go";
  const auto started = h.root() / "build-started";
  const auto wrapper = h.root() / "gated-rustc";
  std::ofstream(wrapper) << "#!/bin/sh\ntouch " << started.string() << "\ni=0\nwhile [ ! -e "
                         << gate.string() << " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\nexec \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  h.options().strategy_config["build"] = "{env: {RUSTC_WRAPPER: " + wrapper.string() + "}}";
  h.write_manifest();
  const auto lock_file = h.state_dir() / "tiny" / "fix.lock";

  std::vector<Child> children{spawn_fix(h.manifest_file())};
  ASSERT_TRUE(eventually([&] { return fs::exists(started); }, std::chrono::seconds(30)))
      << "the first fix never started its build";
  children.push_back(spawn_fix(h.manifest_file()));
  children.push_back(spawn_fix(h.manifest_file()));
  // Both latecomers are at the lock (they open it, then poll flock) while the build is held.
  ASSERT_TRUE(eventually([&] { return has_open(children[1].pid, lock_file) && has_open(children[2].pid, lock_file); },
                         std::chrono::seconds(30)));
  std::ofstream(gate) << "go\n";

  std::vector<boost::json::value> outcomes;
  for (auto& c : children) outcomes.push_back(finish(c));
  for (const auto& out : outcomes) {
    ASSERT_TRUE(out.is_object()) << out;
    EXPECT_TRUE(out.at("success").as_bool()) << out;
    EXPECT_EQ(out.at("fix_id"), outcomes[0].at("fix_id")) << out;
    EXPECT_EQ(boost::json::serialize(out.at("issue_type")), "\"not_built\"") << out;
    EXPECT_EQ(boost::json::serialize(out.at("strategy_used")), "\"build\"") << out;
    ASSERT_FALSE(out.at("attempts").as_array().empty()) << out;
    EXPECT_TRUE(out.at("remaining_issue").is_null()) << "fixed, so nothing remains: " << out;
  }
  h.restart();
  EXPECT_EQ(h.host().history().totals().attempts, 1) << "one build ran";
}

}  // namespace
}  // namespace selfheal::testing
