// The build cache with real sccache and real cargo: a build after `target/` was deleted is
// served from the cache (the fix's details and the host's totals say so), `build_cache: off`
// gives cargo no RUSTC_WRAPPER, and no sccache server outlives its host.
//
// sccache caches rlibs only: not the fixture's cdylib nor its build script. The crate here gets
// a small path dependency (an rlib), which is what the second build can take from the cache.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "healer_harness.hpp"
#include "api/metrics_view.hpp"
#include "process/proc_file.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;

fs::path installed_sccache() {
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    for (std::size_t start = 0, end; start <= p.size(); start = end + 1) {
      end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      const auto candidate = fs::path(p.substr(start, end - start)) / "sccache";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return {};
}

// Live sccache processes whose environment names `cache_dir` as SCCACHE_DIR.
int sccache_servers_for(const fs::path& cache_dir) {
  const std::string wanted = "SCCACHE_DIR=" + cache_dir.string();
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (selfheal::process::read_proc_file(entry.path() / "cmdline").find("sccache") == std::string::npos) continue;
    std::string environ = selfheal::process::read_proc_file(entry.path() / "environ");
    for (auto& c : environ)
      if (c == '\0') c = '\n';
    if (("\n" + environ).find("\n" + wanted + "\n") != std::string::npos) ++n;
  }
  return n;
}

const FixAttempt* attempt_of(const FixOutcome& outcome, const std::string& strategy) {
  for (const auto& a : outcome.attempts)
    if (a.strategy == strategy) return &a;
  return nullptr;
}

class BuildCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (installed_sccache().empty())
      GTEST_SKIP() << "sccache is not installed (Debian: apt-get install sccache)";
  }

  // The crate gets a path dependency, and cargo a wrapper that records the build cache variables
  // it was started with, one line per run.
  void prepare(HealerHarness& h) {
    const auto dep = h.root() / "tinydep";
    fs::create_directories(dep / "src");
    std::ofstream(dep / "Cargo.toml") << "[package]\nname = \"tinydep\"\nversion = \"0.1.0\"\n"
                                         "edition = \"2021\"\npublish = false\n";
    std::ofstream(dep / "src/lib.rs") << "pub fn answer() -> u32 { 42 }\n";
    std::ofstream(h.crate_dir() / "Cargo.toml", std::ios::app) << "tinydep = { path = \"../tinydep\" }\n";

    const auto cargo = real_cargo();
    ASSERT_FALSE(cargo.empty()) << "no cargo on this machine";
    const auto dir = h.root() / "recording-cargo";
    fs::create_directories(dir);
    seen_ = h.root() / "cargo-environment";
    std::ofstream(dir / "cargo") << "#!/bin/sh\necho \"${RUSTC_WRAPPER:-none} ${SCCACHE_SERVER_PORT:-none} "
                                    "${SCCACHE_DIR:-none}\" >> '"
                                 << seen_.string() << "'\nexec '" << cargo.string() << "' \"$@\"\n";
    fs::permissions(dir / "cargo", fs::perms::owner_all);
    h.options().extra_settings += "  toolchain_path: [" + dir.string() + ", " +
                                  cargo.parent_path().string() + "]\n";
    h.write_manifest();
  }
  std::vector<std::string> cargo_environments() const {
    std::vector<std::string> lines;
    std::ifstream in(seen_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path seen_;
};

TEST_F(BuildCacheTest, ABuildAfterTargetWasDeletedIsServedFromTheCache) {
  HealerHarness h;
  prepare(h);
  const auto cache_dir = h.state_dir() / "sccache";

  const auto first = h.fix();
  ASSERT_TRUE(first.success) << first.error.value_or("?");
  const auto* built = attempt_of(first, "build");
  ASSERT_NE(built, nullptr);
  ASSERT_TRUE(built->details.contains("build_cache")) << "the first build did not go through sccache";
  EXPECT_EQ(built->details["build_cache"]["hits"].as_int(), 0) << "the cache folder is new";
  EXPECT_GE(built->details["build_cache"]["misses"].as_int(), 1);

  fs::remove_all(h.crate_dir() / "target");  // what cargo clean does
  FixRequest clean;
  clean.trigger = "clean-build";
  clean.clean = true;
  const auto second = h.host().healer().fix(clean);
  ASSERT_TRUE(second.success) << second.error.value_or("?");
  const auto* rebuilt = attempt_of(second, "clean_build");
  ASSERT_NE(rebuilt, nullptr);
  const auto& cache = rebuilt->details["build_cache"];
  EXPECT_GE(cache["hits"].as_int(), 1) << "the dependency was not taken from the cache";
  EXPECT_GT(cache["hit_rate"].as_double(), 0.0);
  std::cout << "[ build cache ] first build " << built->duration_ms << " ms ("
            << built->details["build_cache"]["misses"].as_int() << " misses); rebuild after target/ "
            << "was deleted " << rebuilt->duration_ms << " ms (" << cache["hits"].as_int() << " hits, "
            << cache["misses"].as_int() << " misses, hit rate " << cache["hit_rate"].as_double()
            << ", " << cache["compile_requests"].as_int() << " rustc calls, "
            << cache["not_cacheable"].as_int() << " not cacheable)\n";

  // Every cargo run had the host's sccache, its port and the cache in the state folder.
  const auto port = BuildCache::port_for(h.state_dir());
  const auto environments = cargo_environments();
  ASSERT_FALSE(environments.empty());
  for (const auto& line : environments)
    EXPECT_EQ(line, installed_sccache().string() + " " + std::to_string(port) + " " + cache_dir.string());

  // The server's totals, as /metrics shows them.
  auto totals = h.host().build_cache().totals();
  ASSERT_TRUE(totals);
  EXPECT_GE(totals->hits, 1u);
  EXPECT_GE(totals->misses, 1u);
  const auto metrics = http::build_cache_metrics_text(totals);
  EXPECT_NE(metrics.find("selfheal_build_cache_active 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("selfheal_build_cache_hits_total " + std::to_string(totals->hits) + "\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("selfheal_build_cache_misses_total " + std::to_string(totals->misses) + "\n"),
            std::string::npos) << metrics;

  ASSERT_EQ(sccache_servers_for(cache_dir), 1) << "the host's server is not running";
  h.restart();  // destroys the host
  EXPECT_TRUE(eventually([&] { return sccache_servers_for(cache_dir) == 0; }))
      << "an sccache server outlived its host";
}

TEST_F(BuildCacheTest, OffMeansNoWrapperAndNoServer) {
  HealerHarness h;
  h.options().extra_settings = "  build_cache: off\n";
  prepare(h);

  const auto outcome = h.fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("?");
  const auto* built = attempt_of(outcome, "build");
  ASSERT_NE(built, nullptr);
  EXPECT_FALSE(built->details.contains("build_cache"));
  std::cout << "[ build cache ] off: first build " << built->duration_ms << " ms\n";
  const auto environments = cargo_environments();
  ASSERT_FALSE(environments.empty());
  for (const auto& line : environments) EXPECT_EQ(line, "none none none");
  EXPECT_FALSE(h.host().build_cache().totals());
  EXPECT_EQ(sccache_servers_for(h.state_dir() / "sccache"), 0);
}

}  // namespace
}  // namespace selfheal::testing
