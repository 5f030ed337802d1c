#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "build_strategy.hpp"
#include "clean_build_strategy.hpp"
#include "fix_permissions_strategy.hpp"
#include "free_memory_strategy.hpp"
#include "install_dependencies_strategy.hpp"
#include "install_rust_strategy.hpp"
#include "restore_from_cache_strategy.hpp"
#include "../test_util.hpp"

using namespace selfheal;
using namespace selfheal::plugins;
using selfheal::testing::CrateFixture;

namespace {
bool contains(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}
mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}
}  // namespace

TEST(BuildStrategy, RunsCargoOfflineWithJsonMessagesAndRecordsTheBuild) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  f.context.scripted_runner.push_exit(0, {"   Compiling temp-crate v0.1.0"});
  auto r = BuildStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  auto calls = f.context.scripted_runner.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(contains(calls[0], "build"));
  EXPECT_TRUE(contains(calls[0], "--offline"));
  EXPECT_TRUE(contains(calls[0], "--message-format=json-diagnostic-short"));
  EXPECT_TRUE(contains(calls[0], f.crate.paths().target_dir.string()));
  auto record = read_build_record(f.crate.paths());
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->success());
  // The progress feed counts packages (no Cargo.lock here, so no total: cargo_progress.hpp).
  EXPECT_EQ(f.context.progress, std::vector<std::string>{"Compiling temp-crate (1)"});
  // build.log is written on success too, with the command and the outcome.
  std::ifstream log(f.crate.paths().build_log);
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("Compiling temp-crate"), std::string::npos);
  EXPECT_NE(text.find("exit=0"), std::string::npos);
}

TEST(BuildStrategy, AFailedBuildIsAFailureAndItsOutputIsKeptForTheDiagnosers) {
  CrateFixture f;
  f.context.scripted_runner.push_exit(101, {"error: could not compile"});
  auto r = BuildStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("exit code 101"), std::string::npos);
  EXPECT_EQ(read_build_output(f.crate.paths()), std::vector<std::string>{"error: could not compile"});
  EXPECT_EQ(read_build_record(f.crate.paths())->exit_code, 101);
}

TEST(BuildStrategy, ASuccessfulCargoWithoutTheArtifactIsNoSuccess) {
  CrateFixture f;
  f.context.scripted_runner.push_exit(0);
  auto r = BuildStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("is missing"), std::string::npos);
}

TEST(BuildStrategy, HonoursTheLoweredParallelism) {
  CrateFixture f;
  f.context.settings_value.build_jobs = 8;
  f.context.limit_build_jobs(1);  // as free_memory does
  BuildStrategy().apply(f.context, {});
  auto argv = f.context.scripted_runner.calls().at(0);
  auto j = std::find(argv.begin(), argv.end(), "-j");
  ASSERT_NE(j, argv.end());
  EXPECT_EQ(*(j + 1), "1");
}

TEST(CleanBuildStrategy, CleansThenBuilds) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  auto r = CleanBuildStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  auto calls = f.context.scripted_runner.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(contains(calls[0], "clean"));
  EXPECT_TRUE(contains(calls[1], "build"));
}

TEST(InstallDependencies, ConfiguresTheSourceAndPinsKnownGoodVersions) {
  CrateFixture f;
  auto vendor = f.crate.root() / "vendor";
  std::filesystem::create_directories(vendor);
  f.context.config_value.set("directory_source", vendor.string());
  sdk::Value pins = sdk::Value::map();
  pins.set("tinydep", "0.1.0");
  f.context.config_value.set("pins", pins);
  auto r = InstallDependenciesStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  auto calls = f.context.scripted_runner.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_TRUE(contains(calls[0], "generate-lockfile"));
  EXPECT_TRUE(contains(calls[1], "--precise"));
  EXPECT_TRUE(contains(calls[1], "tinydep"));
  EXPECT_TRUE(contains(calls[2], "fetch"));
  std::ifstream config(f.crate.paths().root / ".cargo" / "config.toml");
  std::string text((std::istreambuf_iterator<char>(config)), {});
  EXPECT_NE(text.find(vendor.string()), std::string::npos);
}

TEST(InstallDependencies, AMissingSourceIsAClearFailure) {
  CrateFixture f;
  f.context.config_value.set("directory_source", "/nonexistent/vendor");
  auto r = InstallDependenciesStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("/nonexistent/vendor"), std::string::npos);
}

TEST(FixPermissions, RestoresOwnerAccessAndNeverFollowsASymlinkOut) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  auto outside = f.crate.root() / "outside.txt";
  std::ofstream(outside) << "not ours";
  ::chmod(outside.c_str(), 0);
  std::filesystem::create_symlink(outside, f.crate.paths().root / "link-out");
  ::chmod(f.crate.paths().artifact.c_str(), 0);
  ::chmod(f.crate.paths().artifact.parent_path().c_str(), 0);

  sdk::Diagnosis d;
  d.issue_type = "permission_error";
  sdk::Value path = sdk::Value::map();
  path.set("path", f.crate.paths().artifact.string());
  d.details.set("paths", sdk::Value(sdk::Value::List{path}));
  auto r = FixPermissionsStrategy().apply(f.context, d);
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_EQ(mode_of(f.crate.paths().artifact) & 0600, 0600u);
  EXPECT_EQ(mode_of(f.crate.paths().artifact.parent_path()) & 0700, 0700u);
  EXPECT_EQ(mode_of(outside), 0u);  // outside the managed roots, reached only through a symlink
}

TEST(FreeMemory, LowersParallelismTrimsAndSucceedsWhenMemoryIsThere) {
  CrateFixture f;
  f.context.settings_value.min_free_memory_bytes = 1u << 30;
  f.context.set_memory_available(std::uint64_t{2} << 30);
  f.context.trimmed_bytes = 4096;
  auto r = FreeMemoryStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_EQ(r.details["trimmed_bytes"].as_int(), 4096);
  EXPECT_EQ(f.context.build_jobs(), 1u);  // the host caps the next builds
  EXPECT_FALSE(std::filesystem::exists(f.crate.paths().state_dir / "build-jobs"));
}

TEST(FreeMemory, GivesUpAfterWaitingWithoutKillingAnything) {
  CrateFixture f;
  f.context.settings_value.min_free_memory_bytes = 1u << 30;
  f.context.set_memory_available(std::uint64_t{1} << 20);
  f.context.config_value.set("wait_s", 5);
  const auto before = f.context.fake_clock.now();
  auto r = FreeMemoryStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_GE(f.context.fake_clock.now() - before, std::chrono::seconds(5));
  EXPECT_TRUE(f.context.scripted_runner.calls().empty());  // nothing was run, nothing killed
}

TEST(InstallRust, RunsTheConfiguredInstallerAndPutsTheToolchainOnThePath) {
  CrateFixture f;
  auto bin = f.crate.root() / "toolchain" / "bin";
  selfheal::testing::write_executable(bin / "cargo", "#!/bin/sh\n");
  selfheal::testing::write_executable(bin / "rustc", "#!/bin/sh\n");
  f.context.config_value.set("command", sdk::Value(sdk::Value::List{"/bin/true"}));
  f.context.config_value.set("toolchain_bin", bin.string());
  auto r = InstallRustStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  ASSERT_FALSE(f.context.search_path.empty());
  EXPECT_EQ(f.context.search_path.front(), bin);
  EXPECT_EQ(f.context.scripted_runner.calls().at(0).at(0), "/bin/true");
}

TEST(InstallRust, AnInstallerThatLeavesNoToolchainFails) {
  CrateFixture f;
  f.context.config_value.set("command", sdk::Value(sdk::Value::List{"/bin/true"}));
  f.context.config_value.set("toolchain_bin", (f.crate.root() / "nothing").string());
  auto r = InstallRustStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("still not"), std::string::npos);
}

TEST(RestoreFromCacheStrategy, RestoresTheStoredArtifactWithoutRunningCargo) {
  CrateFixture f;
  f.context.fingerprint = "sha256:abc";
  f.context.restore = [] {
    sdk::ArtifactRecord r;
    r.sha256 = "0123456789abcdef0123";
    r.path = "/state/artifacts/0123/lib.so";
    return sdk::Result<sdk::ArtifactRecord>(r);
  };
  auto r = RestoreFromCacheStrategy().apply(f.context, {});
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_TRUE(f.context.scripted_runner.calls().empty());
  EXPECT_EQ(r.details["fingerprint"].as_string(), "sha256:abc");
  EXPECT_EQ(r.details["sha256"].as_string(), "0123456789abcdef0123");
  EXPECT_FALSE(r.skipped);
}

TEST(RestoreFromCacheStrategy, NothingStoredIsSkippedNotFailed) {
  CrateFixture f;
  auto r = RestoreFromCacheStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_TRUE(r.skipped);
  EXPECT_NE(r.error.find("nothing to restore"), std::string::npos) << r.error;
}

TEST(RestoreFromCacheStrategy, AFailedCopyIsAFailureNotASkip) {
  CrateFixture f;
  f.context.restore = [] {
    return sdk::Result<sdk::ArtifactRecord>(
        sdk::Status::error(sdk::Errc::unavailable, "the restored copy does not match its checksum"));
  };
  auto r = RestoreFromCacheStrategy().apply(f.context, {});
  EXPECT_FALSE(r.success);
  EXPECT_FALSE(r.skipped);
  EXPECT_NE(r.error.find("checksum"), std::string::npos) << r.error;
}
