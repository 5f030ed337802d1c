// The build strategies' part of the build cache: sccache's real JSON (tests/fixtures/sccache, from
// Debian 12's sccache 0.4) read into counts, a build's own hits and misses in the fix's details,
// and the host's build environment under the plugin's own `env:`.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "support/build_cache_stats.hpp"
#include "support/cargo_run.hpp"
#include "support/toolchain.hpp"
#include "../test_util.hpp"

namespace selfheal::plugins {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(SELFHEAL_SOURCE_DIR) / "tests/fixtures/sccache" / name);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::map<std::string, std::string> kSccacheEnvironment = {
    {"RUSTC_WRAPPER", "/usr/bin/sccache"},
    {"SCCACHE_DIR", "/var/lib/selfheal/state/sccache"},
    {"SCCACHE_SERVER_PORT", "21234"}};

TEST(BuildCacheStats, ANewServerCountsNothing) {
  auto c = parse_build_cache_stats(fixture("show-stats-0.4.0-new-server.json"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->compile_requests, 0);
  EXPECT_EQ(c->not_cacheable, 0);
  EXPECT_EQ(c->hits, 0);
  EXPECT_EQ(c->misses, 0);
}

TEST(BuildCacheStats, CountsAfterTwoBuildsAreRead) {
  auto c = parse_build_cache_stats(fixture("show-stats-0.4.0-second-build.json"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->compile_requests, 12);
  EXPECT_EQ(c->not_cacheable, 10);
  EXPECT_EQ(c->hits, 1);
  EXPECT_EQ(c->misses, 1);
}

TEST(BuildCacheStats, OtherTextIsNotStats) {
  EXPECT_FALSE(parse_build_cache_stats(""));
  EXPECT_FALSE(parse_build_cache_stats("Compile requests                     10"));
  EXPECT_FALSE(parse_build_cache_stats("{}"));
  EXPECT_FALSE(parse_build_cache_stats(R"({"reason":"build-finished","success":true})"));
}

TEST(BuildCacheStats, TheDetailsAreTheBuildsOwnCounts) {
  auto first = parse_build_cache_stats(fixture("show-stats-0.4.0-first-build.json"));
  auto second = parse_build_cache_stats(fixture("show-stats-0.4.0-second-build.json"));
  ASSERT_TRUE(first && second);
  auto d = build_cache_details(*first, *second);
  EXPECT_EQ(d["compile_requests"].as_int(), 6);
  EXPECT_EQ(d["not_cacheable"].as_int(), 5);
  EXPECT_EQ(d["hits"].as_int(), 1);
  EXPECT_EQ(d["misses"].as_int(), 0);
  EXPECT_DOUBLE_EQ(d["hit_rate"].as_double(), 1.0);

  auto cold = build_cache_details(*parse_build_cache_stats(fixture("show-stats-0.4.0-new-server.json")), *first);
  EXPECT_EQ(cold["hits"].as_int(), 0);
  EXPECT_EQ(cold["misses"].as_int(), 1);
  EXPECT_DOUBLE_EQ(cold["hit_rate"].as_double(), 0.0);
}

TEST(BuildCacheStats, AServerThatRestartedDuringTheBuildCountsFromZero) {
  auto second = parse_build_cache_stats(fixture("show-stats-0.4.0-second-build.json"));
  auto first = parse_build_cache_stats(fixture("show-stats-0.4.0-first-build.json"));
  auto d = build_cache_details(*second, *first);  // fewer requests after than before
  EXPECT_EQ(d["compile_requests"].as_int(), 6);
  EXPECT_EQ(d["misses"].as_int(), 1);
}

TEST(BuildCacheStats, OnlyAnSccacheWrapperIsRead) {
  EXPECT_TRUE(uses_sccache(kSccacheEnvironment));
  EXPECT_FALSE(uses_sccache({}));
  EXPECT_FALSE(uses_sccache({{"RUSTC_WRAPPER", "/usr/bin/ccache-rustc"}}));
}

TEST(BuildEnvironment, TheHostsBuildEnvironmentIsAddedUnderThePluginsOwn) {
  sdk::testing::FakeContext context;
  context.build_env = kSccacheEnvironment;
  context.config_value.set("env", sdk::Value(sdk::Value::Map{{"SCCACHE_DIR", sdk::Value("/mine")}}));
  auto env = cargo_build_environment(context);
  EXPECT_EQ(env["RUSTC_WRAPPER"], "/usr/bin/sccache");
  EXPECT_EQ(env["SCCACHE_SERVER_PORT"], "21234");
  EXPECT_EQ(env["SCCACHE_DIR"], "/mine");  // the plugin's env: wins
  EXPECT_EQ(env["CARGO_TERM_COLOR"], "never");
  // Commands that do not build (rustc -vV in the diagnosers) do not get it.
  EXPECT_EQ(cargo_environment(context).count("RUSTC_WRAPPER"), 0u);
}

TEST(BuildEnvironment, ABuildThroughSccacheReportsItsHitsInTheFixDetails) {
  testing::CrateFixture f;
  f.context.build_env = kSccacheEnvironment;
  f.context.scripted_runner.push_exit(0, {fixture("show-stats-0.4.0-first-build.json")});
  f.context.scripted_runner.push_exit(0, {"   Compiling selfheal-tiny v0.1.0"});
  f.context.scripted_runner.push_exit(0, {fixture("show-stats-0.4.0-second-build.json")});
  f.write_artifact("\x7f" "ELF");

  auto fix = build_fix_result(f.context, run_cargo_build(f.context), "cargo build");

  ASSERT_TRUE(fix.success) << fix.error;
  const auto calls = f.context.scripted_runner.calls();
  ASSERT_EQ(calls.size(), 3u);
  const std::vector<std::string> stats = {"/usr/bin/sccache", "--show-stats", "--stats-format=json"};
  EXPECT_EQ(calls[0], stats);
  EXPECT_EQ(calls[1].at(1), "build");
  EXPECT_EQ(calls[2], stats);
  const auto& cache = fix.details["build_cache"];
  EXPECT_EQ(cache["hits"].as_int(), 1);
  EXPECT_EQ(cache["misses"].as_int(), 0);
  EXPECT_DOUBLE_EQ(cache["hit_rate"].as_double(), 1.0);
  EXPECT_NE(fix.message.find("(build cache: 1 hits, 0 misses)"), std::string::npos) << fix.message;
}

TEST(BuildEnvironment, WithoutTheBuildCacheOnlyCargoRuns) {
  testing::CrateFixture f;
  f.context.scripted_runner.push_exit(0, {"   Compiling selfheal-tiny v0.1.0"});
  f.write_artifact("\x7f" "ELF");

  auto fix = build_fix_result(f.context, run_cargo_build(f.context), "cargo build");

  ASSERT_TRUE(fix.success) << fix.error;
  ASSERT_EQ(f.context.scripted_runner.calls().size(), 1u);
  EXPECT_FALSE(fix.details.contains("build_cache"));
}

}  // namespace
}  // namespace selfheal::plugins
