#include <gtest/gtest.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "build_failed_diagnoser.hpp"
#include "corrupted_binary_diagnoser.hpp"
#include "disk_full_diagnoser.hpp"
#include "incompatible_version_diagnoser.hpp"
#include "missing_dependencies_diagnoser.hpp"
#include "missing_rustup_diagnoser.hpp"
#include "not_built_diagnoser.hpp"
#include "out_of_memory_diagnoser.hpp"
#include "permission_error_diagnoser.hpp"
#include "stale_artifact_diagnoser.hpp"
#include "../test_util.hpp"

using namespace selfheal;
using namespace selfheal::plugins;
using selfheal::testing::CrateFixture;

TEST(MissingRustup, ReportsToolsAbsentFromTheSearchPath) {
  CrateFixture f;
  f.context.search_path = {f.crate.root() / "empty-bin"};
  auto d = MissingRustupDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "missing_rustup");
  EXPECT_EQ(d->details["missing"].items().size(), 2u);
}

TEST(MissingRustup, ReportsARustcThatDoesNotRunAndAcceptsOneThatDoes) {
  CrateFixture f;
  auto bin = f.crate.root() / "bin";
  selfheal::testing::write_executable(bin / "cargo", "#!/bin/sh\n");
  selfheal::testing::write_executable(bin / "rustc", "#!/bin/sh\n");
  f.context.search_path = {bin};
  f.context.scripted_runner.push_exit(1, {"error: no default toolchain configured"});
  auto d = MissingRustupDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["output"].items()[0].as_string(), "error: no default toolchain configured");
  f.context.scripted_runner.push_exit(0, {"rustc 1.95.0"});
  EXPECT_FALSE(MissingRustupDiagnoser().diagnose(f.context));
}

TEST(MissingRustup, ARustcTheHostSawRunIsNotRunAgainUnlessTheEnvironmentDiffers) {
  CrateFixture f;
  auto bin = f.crate.root() / "bin";
  selfheal::testing::write_executable(bin / "cargo", "#!/bin/sh\n");
  selfheal::testing::write_executable(bin / "rustc", "#!/bin/sh\n");
  f.context.search_path = {bin};
  f.context.rustc_versions[bin / "rustc"] = "rustc 1.95.0";
  EXPECT_FALSE(MissingRustupDiagnoser().diagnose(f.context));
  EXPECT_TRUE(f.context.scripted_runner.calls().empty());
  // The plugin's own env: may select another toolchain; the host's answer does not hold then.
  sdk::Value env = sdk::Value::map();
  env.set("RUSTUP_TOOLCHAIN", "no-such-toolchain");
  f.context.config_value.set("env", env);
  f.context.scripted_runner.push_exit(1, {"error: toolchain 'no-such-toolchain' is not installed"});
  auto d = MissingRustupDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "missing_rustup");
  EXPECT_EQ(f.context.scripted_runner.calls().size(), 1u);
}

TEST(NotBuilt, ReportsAMissingArtifactOnly) {
  CrateFixture f;
  auto d = NotBuiltDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "not_built");
  EXPECT_EQ(d->details["artifact"].as_string(), f.crate.paths().artifact.string());
  f.write_artifact("\x7f" "ELF");
  EXPECT_FALSE(NotBuiltDiagnoser().diagnose(f.context));
}

TEST(BuildFailed, AnErrorInTheCratesSourceIsReportedNotAutoFixed) {
  CrateFixture f;
  f.record_build(101, {
      R"({"reason":"compiler-message","message":{"level":"error","code":{"code":"E0425"},"message":"cannot find value `nope` in this scope","spans":[{"file_name":"src/lib.rs","line_start":2,"column_start":9,"is_primary":true}]}})",
      "error: could not compile `temp-crate` (lib) due to 1 previous error"});
  auto d = BuildFailedDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "build_failed");
  EXPECT_FALSE(d->can_auto_fix);
  const auto& e = d->details["errors"].items().at(0);
  EXPECT_EQ(e["file"].as_string(), "src/lib.rs");
  EXPECT_EQ(e["line"].as_int(), 2);
  EXPECT_EQ(e["code"].as_string(), "E0425");
}

TEST(BuildFailed, AFailureOutsideTheSourceIsAutoFixable) {
  CrateFixture f;
  f.record_build(101, {"error: linking with `cc` failed: exit status: 1"});
  auto d = BuildFailedDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->can_auto_fix);
}

TEST(BuildFailed, ARecordOlderThanTheSourcesIsStale) {
  CrateFixture f;
  f.record_build(101, {"error: boom"});
  auto r = *read_build_record(f.crate.paths());
  r.started_at_ms -= 3'600'000;
  write_build_record(f.crate.paths(), r);
  EXPECT_FALSE(BuildFailedDiagnoser().diagnose(f.context));
}

TEST(BuildFailed, ASuccessfulBuildIsNoIssue) {
  CrateFixture f;
  f.record_build(0, {});
  EXPECT_FALSE(BuildFailedDiagnoser().diagnose(f.context));
}

TEST(MissingDependencies, NamesTheMissingCrates) {
  CrateFixture f;
  f.record_build(101, {"    Updating crates.io index",
                       "error: no matching package named `tinydep` found",
                       "location searched: registry `crates-io`",
                       "required by package `temp-crate v0.1.0 (/tmp/x)`"});
  auto d = MissingDependenciesDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "missing_dependencies");
  ASSERT_EQ(d->details["missing_crates"].items().size(), 1u);
  EXPECT_EQ(d->details["missing_crates"].items()[0].as_string(), "tinydep");
  EXPECT_EQ(d->details["requirements"].items().size(), 1u);
}

TEST(MissingDependencies, ACompileErrorIsNotADependencyProblem) {
  CrateFixture f;
  f.record_build(101, {"error: could not compile `temp-crate`"});
  EXPECT_FALSE(MissingDependenciesDiagnoser().diagnose(f.context));
}

// Found by fuzz/fuzz_build_output: libstdc++'s regex matcher recursed once per character of a
// line, so one long line in the build log overflowed the host's stack.
TEST(MissingDependencies, AVeryLongLogLineIsNotAStackOverflow) {
  CrateFixture f;
  f.record_build(101, {"error: no matching package named `tinydep` found",
                       "error: no matching package named `" + std::string(1'000'000, 'a') + "` found"});
  auto d = MissingDependenciesDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "missing_dependencies");
  ASSERT_EQ(d->details["missing_crates"].items().size(), 1u);
  EXPECT_EQ(d->details["missing_crates"].items()[0].as_string(), "tinydep");
}

TEST(OutOfMemory, RecognisesTheMarkersOfABuildThatRanOutOfMemory) {
  for (std::string line : {"LLVM ERROR: out of memory",
                           "memory allocation of 1073741824 bytes failed",
                           "error: could not compile `x` (lib)\nCaused by: process didn't exit "
                           "successfully: `rustc` (signal: 9, SIGKILL: kill)"}) {
    CrateFixture f;
    f.context.set_memory_available(std::uint64_t{8} << 30);
    f.record_build(101, {line});
    auto d = OutOfMemoryDiagnoser().diagnose(f.context);
    ASSERT_TRUE(d) << line;
    EXPECT_EQ(d->issue_type, "out_of_memory");
    EXPECT_FALSE(d->details["evidence"].as_string().empty());
  }
}

TEST(OutOfMemory, ReportsMemoryBelowTheFloorAndNothingAboveIt) {
  CrateFixture f;
  f.context.settings_value.min_free_memory_bytes = 512u << 20;
  f.context.set_memory_available(std::uint64_t{100} << 20);
  auto d = OutOfMemoryDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["available_bytes"].as_int(), std::int64_t{100} << 20);
  f.context.set_memory_available(std::uint64_t{4} << 30);
  EXPECT_FALSE(OutOfMemoryDiagnoser().diagnose(f.context));
}

TEST(DiskFull, ReportsLowFreeSpaceAndEnospcAndIsNotAutoFixable) {
  CrateFixture f;
  f.context.settings_value.min_free_disk_bytes = 1u << 30;
  f.context.set_free_bytes(std::uint64_t{10} << 20);
  auto d = DiskFullDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "disk_full");
  EXPECT_FALSE(d->can_auto_fix);
  EXPECT_EQ(d->details["free_bytes"].as_int(), std::int64_t{10} << 20);

  CrateFixture g;
  g.context.settings_value.min_free_disk_bytes = 0;
  g.record_build(101, {"error: failed to write: No space left on device (os error 28)"});
  auto e = DiskFullDiagnoser().diagnose(g.context);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->details["build_output"].as_string().empty());
}

TEST(DiskFull, AFullStateFolderIsReportedWithItsPath) {
  CrateFixture f;
  const auto state_dir = f.crate.paths().state_dir;
  std::filesystem::create_directories(state_dir);
  f.context.settings_value.min_free_disk_bytes = 64 << 10;
  f.context.set_free_bytes(std::uint64_t{1} << 40);  // the build's device has far more
  f.context.set_free_bytes(state_dir, 4096);
  auto d = DiskFullDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d) << "a full state folder loses the store and the history";
  EXPECT_EQ(d->details["path"].as_string(), state_dir.string());
  EXPECT_EQ(d->details["free_bytes"].as_int(), 4096);
}

TEST(DiskFull, UnknownFreeSpaceIsNoIssueWithoutEvidence) {
  CrateFixture f;
  f.context.settings_value.min_free_disk_bytes = 1u << 30;  // the fake context cannot tell
  EXPECT_FALSE(DiskFullDiagnoser().diagnose(f.context));
}

TEST(DiskFull, RealFreeSpaceAboveTheFloorIsHealthy) {
  CrateFixture f;
  f.context.settings_value.min_free_disk_bytes = 1;
  EXPECT_FALSE(DiskFullDiagnoser().diagnose(f.context));
}

TEST(CorruptedBinary, GarbageIsNotAnElf) {
  CrateFixture f;
  f.write_artifact("this is not a library");
  auto d = CorruptedBinaryDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "corrupted_binary");
}

TEST(CorruptedBinary, AProbeCrashOrMissingSymbolIsCorruption) {
  CrateFixture f;
  f.write_artifact(std::string("\x7f" "ELF") + std::string(100, '\0'));
  f.context.probe = [](const std::filesystem::path&) {
    sdk::ProbeResult r;
    r.crashed = true;
    r.signal = SIGBUS;
    r.error = "probe died of SIGBUS";
    return r;
  };
  auto d = CorruptedBinaryDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["signal"].as_int(), SIGBUS);

  f.context.probe = [](const std::filesystem::path&) {
    sdk::ProbeResult r;
    r.ok = true;
    return r;  // loads, but exports no selfheal_abi_version
  };
  f.context.config_value.set("required_symbols", sdk::Value(sdk::Value::List{"selfheal_abi_version"}));
  d = CorruptedBinaryDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["missing_symbols"].items()[0].as_string(), "selfheal_abi_version");
}

TEST(IncompatibleVersion, ReportsAnAbiMismatchWithBothVersions) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  f.context.config_value.set("check_toolchain", false);
  f.context.probe = [](const std::filesystem::path&) {
    sdk::ProbeResult r;
    r.ok = true;
    r.abi_version = 2;
    r.build_info = "crate_version=0.1.0\nrustc_version=rustc 1.0\n";
    return r;
  };
  auto d = IncompatibleVersionDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  const auto& m = d->details["mismatches"].items().at(0);
  EXPECT_EQ(m["what"].as_string(), "abi_version");
  EXPECT_EQ(m["expected"].as_string(), "1");
  EXPECT_EQ(m["found"].as_string(), "2");
}

TEST(IncompatibleVersion, ReportsACrateVersionChangeAndAcceptsAMatch) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  f.context.config_value.set("check_toolchain", false);
  std::string info = "crate_version=0.0.9\n";
  f.context.probe = [&](const std::filesystem::path&) {
    sdk::ProbeResult r;
    r.ok = true;
    r.abi_version = 1;
    r.build_info = info;
    return r;
  };
  auto d = IncompatibleVersionDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["mismatches"].items()[0]["what"].as_string(), "crate_version");
  info = "crate_version=0.1.0\n";
  EXPECT_FALSE(IncompatibleVersionDiagnoser().diagnose(f.context));
}

TEST(IncompatibleVersion, ComparesWithTheRustcVersionTheHostKnowsOrAsksRustc) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  auto bin = f.crate.root() / "bin";
  selfheal::testing::write_executable(bin / "rustc", "#!/bin/sh\n");
  f.context.search_path = {bin};
  f.context.probe = [](const std::filesystem::path&) {
    sdk::ProbeResult r;
    r.ok = true;
    r.abi_version = 1;
    r.build_info = "crate_version=0.1.0\nrustc_version=rustc 1.90.0\n";
    return r;
  };
  f.context.rustc_versions[bin / "rustc"] = "rustc 1.95.0";
  auto d = IncompatibleVersionDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->details["mismatches"].items()[0]["found"].as_string(), "rustc 1.90.0");
  EXPECT_TRUE(f.context.scripted_runner.calls().empty());
  // Unknown to the host: rustc is asked.
  f.context.rustc_versions.clear();
  f.context.scripted_runner.push_exit(0, {"rustc 1.90.0"});
  EXPECT_FALSE(IncompatibleVersionDiagnoser().diagnose(f.context));
  EXPECT_EQ(f.context.scripted_runner.calls().size(), 1u);
}

// Root ignores permission bits, so the check runs in a child that drops to nobody.
TEST(PermissionError, JudgesWhatTheHostUserCanDoNotWhatRootCould) {
  CrateFixture f;
  f.write_artifact("\x7f" "ELF");
  std::filesystem::create_directories(f.crate.paths().target_dir / "release" / "deps");
  std::filesystem::create_directories(f.crate.paths().target_dir / "release" / ".fingerprint");
  const uid_t nobody = 65534;
  const gid_t nogroup = 65534;
  const bool root = ::getuid() == 0;  // CI runs as root: give the crate to nobody
  if (root) {
    for (auto& p : std::filesystem::recursive_directory_iterator(f.crate.root()))
      ASSERT_EQ(::lchown(p.path().c_str(), nobody, nogroup), 0);
    ASSERT_EQ(::lchown(f.crate.root().c_str(), nobody, nogroup), 0);
    ASSERT_EQ(::lchown(f.crate.paths().state_dir.c_str(), nobody, nogroup), 0);
  }

  auto run_as_nobody = [&]() -> int {
    pid_t pid = ::fork();
    if (pid == 0) {
      if (root && (::setgroups(0, nullptr) != 0 || ::setresgid(nogroup, nogroup, nogroup) != 0 ||
                              ::setresuid(nobody, nobody, nobody) != 0))
        ::_exit(3);
      auto d = PermissionErrorDiagnoser().diagnose(f.context);
      if (!d) ::_exit(0);
      ::_exit(d->details["paths"].items()[0]["path"].as_string() == f.crate.paths().artifact.string()
                  ? 1 : 2);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run_as_nobody(), 0);  // all accessible to nobody
  ASSERT_EQ(::chmod(f.crate.paths().artifact.c_str(), 0), 0);
  EXPECT_EQ(run_as_nobody(), 1);  // the artifact is named
}

TEST(StaleArtifact, ReportsAnArtifactBuiltFromAnotherFingerprint) {
  CrateFixture f;
  f.context.recorded_fingerprint = "sha256:old";
  f.context.fingerprint = "sha256:new";
  auto d = StaleArtifactDiagnoser().diagnose(f.context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->issue_type, "stale_artifact");
  EXPECT_TRUE(d->can_auto_fix);
  EXPECT_EQ(d->details["built_from"].as_string(), "sha256:old");
  EXPECT_EQ(d->details["current"].as_string(), "sha256:new");
}

TEST(StaleArtifact, SaysNothingWhenEitherSideIsUnknownOrTheyMatch) {
  CrateFixture f;
  f.context.fingerprint = "sha256:new";
  EXPECT_FALSE(StaleArtifactDiagnoser().diagnose(f.context));  // never stored
  f.context.recorded_fingerprint = "sha256:new";
  EXPECT_FALSE(StaleArtifactDiagnoser().diagnose(f.context));  // up to date
  f.context.fingerprint = "";
  f.context.recorded_fingerprint = "sha256:old";
  EXPECT_FALSE(StaleArtifactDiagnoser().diagnose(f.context));  // no rustc: cannot tell
}
