// The host's side of the build cache without a real sccache: the stats parser on sccache's real
// output (tests/fixtures/sccache), the port derived from the state folder, and the BuildCache's
// decisions (off, not installed, a port taken by something else, a server of ours already there)
// with a scripted process runner.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>

#include "artifacts/build_cache.hpp"
#include "selfheal/sdk/testing/fake_context.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
  std::ifstream in(fs::path(SELFHEAL_SOURCE_DIR) / "tests/fixtures/sccache" / name);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SccacheStats, SccachesOwnOutputIsRead) {
  auto fresh = parse_sccache_stats(fixture("show-stats-0.4.0-new-server.json"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->compile_requests, 0u);
  EXPECT_EQ(fresh->hits, 0u);
  EXPECT_EQ(fresh->cache_location, "Local disk: \"/var/lib/selfheal/state/sccache\"");

  auto second = parse_sccache_stats(fixture("show-stats-0.4.0-second-build.json"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->compile_requests, 12u);
  EXPECT_EQ(second->not_cacheable, 10u);
  EXPECT_EQ(second->hits, 1u);
  EXPECT_EQ(second->misses, 1u);
}

TEST(SccacheStats, OtherTextIsNotStats) {
  EXPECT_FALSE(parse_sccache_stats(""));
  EXPECT_FALSE(parse_sccache_stats("Compile requests 10"));
  EXPECT_FALSE(parse_sccache_stats(R"({"stats": 3})"));
  EXPECT_FALSE(parse_sccache_stats(R"({"cache_location": "x"})"));
}

TEST(BuildCachePort, TheSameFolderGivesTheSamePortBelowTheEphemeralRange) {
  const auto a = BuildCache::port_for("/var/lib/selfheal/state");
  EXPECT_EQ(a, BuildCache::port_for("/var/lib/selfheal/state/"));
  EXPECT_EQ(a, BuildCache::port_for("/var/lib/selfheal/./state"));
  EXPECT_NE(a, BuildCache::port_for("/var/lib/selfheal/other-state"));
  for (const char* dir : {"/a", "/b", "/srv/x/state", "/tmp/selfheal-1234/state"}) {
    EXPECT_GE(BuildCache::port_for(dir), 10000);
    EXPECT_LT(BuildCache::port_for(dir), 30000);
  }
}

// A folder with an executable named sccache (never run: the scripted runner answers) and a state
// folder of its own, so that the derived port is this test's.
class BuildCacheDecisions : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("selfheal-build-cache-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_ / "bin");
    std::ofstream(root_ / "bin/sccache") << "#!/bin/sh\nexit 1\n";
    fs::permissions(root_ / "bin/sccache", fs::perms::owner_all);
    settings_.dir = root_ / "state/sccache";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::unique_ptr<BuildCache> cache(std::vector<fs::path> toolchain_dirs) {
    toolchain_ = std::make_unique<ToolchainSearchPath>(std::move(toolchain_dirs));
    return std::make_unique<BuildCache>(settings_, root_ / "state", runner_, *toolchain_,
                                        std::make_shared<LogSink>(LogLevel::error, [](std::string_view) {}));
  }
  // Listens on the cache's port, as a server already there would. -1 when the port is in use.
  int occupy_port() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(BuildCache::port_for(root_ / "state"));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  std::string stats_for(const fs::path& dir) const {
    std::string json = fixture("show-stats-0.4.0-second-build.json");
    const std::string from = "/var/lib/selfheal/state/sccache";
    json.replace(json.find(from), from.size(), dir.string());
    return json;
  }

  fs::path root_;
  BuildCacheSettings settings_;
  sdk::testing::ScriptedProcessRunner runner_;
  std::unique_ptr<ToolchainSearchPath> toolchain_;
};

TEST_F(BuildCacheDecisions, OffAddsNothingAndRunsNothing) {
  settings_.enabled = false;
  auto c = cache({root_ / "bin"});
  EXPECT_TRUE(c->build_environment().empty());
  EXPECT_FALSE(c->totals());
  c.reset();
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(BuildCacheDecisions, WithoutSccacheOnTheSearchPathBuildsGoWithout) {
  auto c = cache({root_ / "nothing-here"});
  EXPECT_TRUE(c->build_environment().empty());
  c.reset();
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(BuildCacheDecisions, TheFirstBuildStartsTheServerAndTheHostStopsIt) {
  auto c = cache({root_ / "bin"});
  runner_.push_exit(0, {"sccache: Starting the server..."});
  const auto env = c->build_environment();
  EXPECT_EQ(env.at("RUSTC_WRAPPER"), (root_ / "bin/sccache").string());
  EXPECT_EQ(env.at("SCCACHE_DIR"), settings_.dir.string());
  EXPECT_EQ(env.at("SCCACHE_SERVER_PORT"), std::to_string(BuildCache::port_for(root_ / "state")));
  EXPECT_EQ(env.at("SCCACHE_IDLE_TIMEOUT"), std::to_string(BuildCache::kIdleTimeout.count()));
  EXPECT_TRUE(fs::is_directory(settings_.dir));
  c.reset();
  const auto calls = runner_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at(1), "--start-server");
  EXPECT_EQ(calls[1].at(1), "--stop-server");
}

TEST_F(BuildCacheDecisions, AServerThatCannotStartLeavesBuildsWithoutTheCache) {
  auto c = cache({root_ / "bin"});
  runner_.push_exit(2, {"sccache: error: Server startup failed: Address in use"});
  EXPECT_TRUE(c->build_environment().empty());
  c.reset();
  EXPECT_EQ(runner_.calls().size(), 1u) << "it stopped a server it did not start";
}

TEST_F(BuildCacheDecisions, AServerOfThisStateFolderAlreadyRunningIsUsedAndLeftRunning) {
  const int fd = occupy_port();
  if (fd < 0) GTEST_SKIP() << "the derived port is in use on this machine";
  auto c = cache({root_ / "bin"});
  runner_.push_exit(0, {stats_for(settings_.dir)});
  EXPECT_EQ(c->build_environment().count("RUSTC_WRAPPER"), 1u);
  runner_.push_exit(0, {stats_for(settings_.dir)});
  auto totals = c->totals();
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->hits, 1u);
  c.reset();
  ::close(fd);
  const auto calls = runner_.calls();
  ASSERT_EQ(calls.size(), 2u) << "no --start-server, and no --stop-server of a server it did not start";
  EXPECT_EQ(calls[0].at(1), "--show-stats");
}

TEST_F(BuildCacheDecisions, APortTakenBySomethingElseIsNotUsed) {
  const int fd = occupy_port();
  if (fd < 0) GTEST_SKIP() << "the derived port is in use on this machine";
  auto c = cache({root_ / "bin"});
  runner_.push_exit(0, {stats_for(root_ / "another-hosts-cache")});
  EXPECT_TRUE(c->build_environment().empty());
  EXPECT_FALSE(c->totals());
  c.reset();
  ::close(fd);
}

}  // namespace
}  // namespace selfheal
