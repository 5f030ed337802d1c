// Fault tests with real cargo: each breaks a temporary copy of the tiny fixture crate and checks
// the diagnosis, the strategy chosen, the repair, the verification and the history row.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>

#include "healer_harness.hpp"

using namespace selfheal;
using selfheal::testing::HarnessOptions;
using selfheal::testing::HealerHarness;

namespace {
const FixAttempt& last_row(HealerHarness& h) {
  static std::vector<FixAttempt> rows;
  rows = h.host().history().recent(1);
  if (rows.empty()) throw std::runtime_error("no history row");
  return rows.front();
}
}  // namespace

TEST(HealerFaults, NotBuiltIsBuiltAndVerified) {
  HealerHarness h;
  auto before = h.diagnose();
  ASSERT_TRUE(before.diagnosis);
  EXPECT_EQ(before.diagnosis->issue_type, "not_built");
  EXPECT_EQ(before.diagnosis->recommended_fix, "build");
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.issue_type.value_or(""), "not_built");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_FALSE(h.diagnose().diagnosis);
  const auto& row = last_row(h);
  EXPECT_EQ(row.issue_type, "not_built");
  EXPECT_EQ(row.strategy, "build");
  EXPECT_TRUE(row.success);
  EXPECT_GE(h.count_in_build_log("exit=0"), 1);  // build.log written on success
}

// A fix's build runs settings.build_nice levels below the host (10 by default), all the way down
// to the crate's build script, which records the nice value it runs at.
TEST(HealerFaults, TheBuildRunsAtTheConfiguredNiceBelowTheHost) {
  errno = 0;
  const int host = ::getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  if (host > 9) GTEST_SKIP() << "the test runs at nice " << host << ": 10 lower is capped at 19";
  for (const char* setting : {"", "  build_nice: 0\n", "  build_nice: 4\n"}) {
    SCOPED_TRACE(setting);
    HarnessOptions options;
    options.extra_settings = setting;
    HealerHarness h(options);
    std::string build_rs;
    std::getline(std::ifstream(h.crate_dir() / "build.rs"), build_rs, '\0');
    const auto main_at = build_rs.find("fn main() {");
    ASSERT_NE(main_at, std::string::npos) << build_rs;
    build_rs.insert(main_at + std::strlen("fn main() {"), R"(
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let nice = stat[stat.rfind(')').unwrap() + 2..].split(' ').nth(16).unwrap().to_string();
    let dir = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    std::fs::write(dir.join("../build-script-nice"), nice).unwrap();)");
    std::ofstream(h.crate_dir() / "build.rs", std::ios::trunc) << build_rs;
    auto outcome = h.fix();
    ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
    std::string nice;
    std::ifstream(h.root() / "build-script-nice") >> nice;
    const int lowered = *setting == '\0' ? 10 : std::atoi(setting + std::strlen("  build_nice: "));
    EXPECT_EQ(nice, std::to_string(host + lowered));
    EXPECT_EQ(::getpriority(PRIO_PROCESS, 0), host);  // the host itself is not lowered
  }
}

TEST(HealerFaults, AHealthyCrateIsLeftAlone) {
  HealerHarness h;
  h.build_healthy();
  const auto rows = h.host().history().totals().attempts;
  const auto mtime = std::filesystem::last_write_time(h.artifact());
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success);
  EXPECT_FALSE(outcome.issue_type);
  EXPECT_TRUE(outcome.attempts.empty());
  EXPECT_EQ(h.host().history().totals().attempts, rows);
  EXPECT_EQ(std::filesystem::last_write_time(h.artifact()), mtime);
}

TEST(HealerFaults, WithAutoFixOffAPeriodicCheckReportsButOnlyAFixRequestRepairs) {
  HarnessOptions options;
  options.extra_settings = "  auto_fix: false\n";
  HealerHarness h(options);
  h.host().healer().check_once();
  EXPECT_EQ(h.host().history().totals().attempts, 0);
  EXPECT_FALSE(std::filesystem::exists(h.artifact()));
  EXPECT_EQ(h.diagnose().diagnosis->issue_type, "not_built");
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_TRUE(std::filesystem::exists(h.artifact()));
}

TEST(HealerFaults, ADeletedArtifactIsRebuilt) {
  HealerHarness h;
  h.build_healthy();
  std::filesystem::remove(h.artifact());
  EXPECT_EQ(h.diagnose().diagnosis->issue_type, "not_built");
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success);
  EXPECT_TRUE(std::filesystem::exists(h.artifact()));
}

TEST(HealerFaults, ACompileErrorIsReportedWithItsErrorsAndNotRetriedUntilFixed) {
  HealerHarness h;
  h.build_healthy();
  const std::string good = h.read(h.crate_dir() / "src/lib.rs");
  h.write_crate_file("src/lib.rs", good + "\npub fn broken() -> u32 { undefined_value }\n");
  std::filesystem::remove(h.artifact());
  auto first = h.fix();  // not_built -> build fails -> build_failed remains
  EXPECT_FALSE(first.success);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "build_failed");
  EXPECT_FALSE(d.diagnosis->can_auto_fix);
  const auto& error = d.diagnosis->details["errors"].items().at(0);
  EXPECT_EQ(error["file"].as_string(), "src/lib.rs");
  EXPECT_EQ(error["code"].as_string(), "E0425");
  EXPECT_GT(error["line"].as_int(), 0);
  auto second = h.fix();
  EXPECT_FALSE(second.success);
  EXPECT_TRUE(second.attempts.empty());  // no clean build loop on a source error
  EXPECT_NE(second.error.value_or("").find("not auto-fixable"), std::string::npos);

  h.write_crate_file("src/lib.rs", good);
  auto third = h.fix();
  EXPECT_TRUE(third.success) << third.error.value_or("") << "\nlast build record:\n"
                             << h.read(h.state_dir() / "tiny" / "last-build.status");
  EXPECT_EQ(third.strategy_used, "build");
}

TEST(HealerFaults, ABrokenBuildCacheNeedsACleanBuild) {
  HealerHarness h;
  h.build_healthy();
  // A file where cargo needs a folder: a plain build fails, cargo clean removes it.
  auto deps = h.crate_dir() / "target/release/deps";
  std::filesystem::remove_all(deps);
  std::ofstream(deps) << "not a folder";
  std::filesystem::remove(h.artifact());
  auto first = h.fix();
  EXPECT_FALSE(first.success);
  ASSERT_TRUE(first.remaining);
  EXPECT_EQ(first.remaining->issue_type, "build_failed");
  EXPECT_TRUE(first.remaining->can_auto_fix);
  auto second = h.fix();
  EXPECT_TRUE(second.success) << second.error.value_or("");
  EXPECT_EQ(second.strategy_used, "clean_build")
      << "diagnosed " << second.issue_type.value_or("healthy") << "; build output:\n"
      << h.read(h.state_dir() / "tiny" / "last-build.log") << "\nrecord:\n"
      << h.read(h.state_dir() / "tiny" / "last-build.status") << "\nfirst attempts: "
      << first.attempts.size() << " " << (first.attempts.empty() ? "" : first.attempts[0].strategy);
  EXPECT_EQ(last_row(h).strategy, "clean_build");
}

TEST(HealerFaults, ATruncatedArtifactIsCorruptedAndCleanRebuilt) {
  HealerHarness h;
  h.build_healthy();
  std::filesystem::resize_file(h.artifact(), 1000);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "corrupted_binary");
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "clean_build");
  EXPECT_GT(std::filesystem::file_size(h.artifact()), 1000u);
}

TEST(HealerFaults, GarbageInPlaceOfTheArtifactIsCorrupted) {
  HealerHarness h;
  h.build_healthy();
  std::ofstream(h.artifact(), std::ios::trunc) << std::string(5000, 'G');
  EXPECT_EQ(h.diagnose().diagnosis->issue_type, "corrupted_binary");
  EXPECT_TRUE(h.fix().success);
  EXPECT_FALSE(h.diagnose().diagnosis);
}

TEST(HealerFaults, AnAbiChangeIsIncompatibleUntilRebuiltFromTheNewSource) {
  HealerHarness h;
  h.build_healthy();
  // The adapters now expect ABI 2 and the source says 2, but the artifact was built with 1.
  std::string src = h.read(h.crate_dir() / "src/lib.rs");
  src.replace(src.find("ABI_VERSION: u32 = 1"), 20, "ABI_VERSION: u32 = 2");
  h.write_crate_file("src/lib.rs", src);
  h.options().abi_version = 2;
  h.write_manifest();
  h.restart();
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "incompatible_version");
  const auto& m = d.diagnosis->details["mismatches"].items().at(0);
  EXPECT_EQ(m["expected"].as_string(), "2");
  EXPECT_EQ(m["found"].as_string(), "1");
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "clean_build");
}

TEST(HealerFaults, AMissingCrateIsInstalledFromALocalDirectorySource) {
  HealerHarness h;
  h.write_crate_file("Cargo.toml", h.read(h.crate_dir() / "Cargo.toml") + "tinydep = \"0.1\"\n");
  auto first = h.fix();  // not_built -> build fails offline -> missing_dependencies
  EXPECT_FALSE(first.success);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "missing_dependencies");
  ASSERT_FALSE(d.diagnosis->details["missing_crates"].items().empty());
  EXPECT_EQ(d.diagnosis->details["missing_crates"].items()[0].as_string(), "tinydep");

  // Provide the crate through a local directory source, as `cargo vendor` lays it out.
  auto vendor = h.root() / "vendor";
  std::filesystem::create_directories(vendor / "tinydep" / "src");
  std::ofstream(vendor / "tinydep" / "Cargo.toml")
      << "[package]\nname = \"tinydep\"\nversion = \"0.1.3\"\nedition = \"2021\"\n";
  std::ofstream(vendor / "tinydep" / "src" / "lib.rs") << "pub fn one() -> u32 { 1 }\n";
  std::ofstream(vendor / "tinydep" / ".cargo-checksum.json") << "{\"files\":{},\"package\":null}";
  h.options().strategy_config["install_dependencies"] =
      "{directory_source: " + vendor.string() + ", pins: {tinydep: 0.1.3}}";
  h.write_manifest();
  h.restart();
  auto second = h.fix();
  EXPECT_TRUE(second.success) << second.error.value_or("");
  ASSERT_GE(second.attempts.size(), 1u);
  EXPECT_EQ(second.attempts.front().strategy, "install_dependencies");
  EXPECT_NE(h.read(h.crate_dir() / "Cargo.lock").find("0.1.3"), std::string::npos);
}

TEST(HealerFaults, AHiddenToolchainIsRestoredThroughTheConfiguredInstaller) {
  HealerHarness h;
  // Hide cargo and rustc: no CARGO_HOME/bin, a PATH without them.
  const std::string sysroot_bin = [] {
    std::string out;
    FILE* p = ::popen("rustc --print sysroot", "r");
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    if (p) ::pclose(p);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out + "/bin";
  }();
  ASSERT_TRUE(std::filesystem::exists(sysroot_bin + "/cargo"));
  const std::string old_path = std::getenv("PATH"), old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  const char* old_cargo_home = std::getenv("CARGO_HOME");
  ::setenv("PATH", "/usr/local/sbin:/usr/sbin:/sbin:/bin", 1);
  ::setenv("CARGO_HOME", (h.root() / "empty-cargo-home").c_str(), 1);
  auto toolchain = h.root() / "toolchain";
  h.options().strategy_config["install_rust"] =
      "{command: [/bin/ln, -s, " + sysroot_bin + ", " + toolchain.string() + "], toolchain_bin: " +
      toolchain.string() + "}";
  h.write_manifest();
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "missing_rustup");
  auto outcome = h.fix();
  ::setenv("PATH", old_path.c_str(), 1);
  if (old_cargo_home) ::setenv("CARGO_HOME", old_cargo_home, 1); else ::unsetenv("CARGO_HOME");
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_EQ(outcome.attempts[0].strategy, "install_rust");
  EXPECT_EQ(outcome.attempts[1].strategy, "build");  // the new toolchain was visible to the build
  EXPECT_TRUE(outcome.attempts[1].success);
}

TEST(HealerFaults, ABuildThatRunsOutOfMemoryLowersParallelismAndRetries) {
  HealerHarness h;
  // A rustc wrapper that dies the way an OOM-killed rustc does, once.
  auto wrapper = h.root() / "oom-rustc";
  std::ofstream(wrapper) << "#!/bin/sh\nif [ ! -e " << (h.root() / "oom-once").string()
                         << " ]; then touch " << (h.root() / "oom-once").string()
                         << "; echo 'memory allocation of 68719476736 bytes failed' >&2; kill -9 $$; fi\n"
                            "exec \"$@\"\n";
  ::chmod(wrapper.c_str(), 0755);
  h.options().strategy_config["build"] = "{env: {RUSTC_WRAPPER: " + wrapper.string() + "}}";
  h.options().strategy_config["free_memory"] = "{wait_s: 1, poll_ms: 10}";
  h.write_manifest();
  auto first = h.fix();  // not_built -> build dies -> out_of_memory remains
  EXPECT_FALSE(first.success);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "out_of_memory");
  auto second = h.fix();
  EXPECT_TRUE(second.success) << second.error.value_or("");
  ASSERT_EQ(second.attempts.size(), 2u);
  EXPECT_EQ(second.attempts[0].strategy, "free_memory");
  // The host holds the cap (no side file); the build after free_memory ran with it.
  EXPECT_FALSE(std::filesystem::exists(h.state_dir() / "tiny" / "build-jobs"));
  EXPECT_GE(h.count_in_build_log(" -j 1"), 1);
}

TEST(HealerFaults, ABuildThatHangsIsKilledAtTheTimeoutWithItsWholeGroup) {
  HealerHarness h;
  auto wrapper = h.root() / "hang-rustc";
  auto pidfile = h.root() / "hang.pid";
  std::ofstream(wrapper) << "#!/bin/sh\necho $$ >> " << pidfile.string() << "\nexec sleep 1000\n";
  ::chmod(wrapper.c_str(), 0755);
  h.options().build_timeout = 2;
  h.options().strategy_config["build"] = "{env: {RUSTC_WRAPPER: " + wrapper.string() + "}}";
  h.write_manifest();
  auto outcome = h.fix();
  EXPECT_FALSE(outcome.success);
  ASSERT_EQ(outcome.attempts.size(), 1u);
  EXPECT_NE(outcome.attempts[0].error.find("timed out"), std::string::npos);
  std::ifstream pids(pidfile);
  pid_t pid = 0;
  ASSERT_TRUE(pids >> pid);
  EXPECT_TRUE(selfheal::testing::eventually([&] { return ::kill(pid, 0) != 0; }))
      << "the hanging rustc " << pid << " survived";
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "build_failed");
  EXPECT_TRUE(d.diagnosis->details["timed_out"].as_bool());
}

TEST(HealerFaults, AFullDiskIsReportedAndNotAutoFixed) {
  HarnessOptions o;
  o.min_free_disk_mb = 1024;
  o.free_bytes = std::uint64_t{10} << 20;  // the host's Env says: 10 MiB free everywhere
  HealerHarness h(o);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "disk_full");
  EXPECT_FALSE(d.diagnosis->can_auto_fix);
  auto outcome = h.fix();
  EXPECT_FALSE(outcome.success);
  EXPECT_TRUE(outcome.attempts.empty());
}

TEST(HealerFaults, TwoConcurrentFixRequestsRunOneBuild) {
  HealerHarness h;
  std::promise<FixOutcome> a_done, b_done;
  const auto a = h.host().healer().start_fix(FixRequest{}, [&](const FixOutcome& o) { a_done.set_value(o); });
  const auto b = h.host().healer().start_fix(FixRequest{}, [&](const FixOutcome& o) { b_done.set_value(o); });
  EXPECT_EQ(a, b);  // the second joined the first: its id at once, its outcome when done
  const auto first = a_done.get_future().get();
  const auto second = b_done.get_future().get();
  EXPECT_TRUE(first.success);
  EXPECT_TRUE(second.success);
  EXPECT_EQ(first.fix_id, a);
  EXPECT_EQ(second.fix_id, a);
  EXPECT_EQ(h.count_in_build_log("=== selfheal: exit="), 1);
}

TEST(HealerFaults, AThrowingStrategyIsAFailedAttemptAndTheHostGoesOn) {
  HarnessOptions o;
  o.extra_strategies = std::string("    - name: throwing\n      library: ") +
                       SELFHEAL_FIXTURE_PLUGIN_DIR + "/fixture-throwing-strategy.so\n";
  o.issues["not_built"] = "[throwing, build]";
  HealerHarness h(o);
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_FALSE(outcome.attempts[0].success);
  EXPECT_NE(outcome.attempts[0].error.find("strategy exploded"), std::string::npos);
  EXPECT_EQ(h.host().history().recent(2).back().strategy, "throwing");
}

TEST(HealerFaults, AStrategyThatCrashedItsProbeIsRecordedAsFailed) {
  HarnessOptions o;
  o.extra_strategies = std::string("    - name: crashing\n      library: ") +
                       SELFHEAL_FIXTURE_PLUGIN_DIR + "/fixture-crashing-factory.so\n";
  o.issues["not_built"] = "[crashing, build]";
  HealerHarness h(o);
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success);
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_NE(outcome.attempts[0].error.find("not loaded"), std::string::npos);
  EXPECT_NE(outcome.attempts[0].error.find("quarantined"), std::string::npos);
}

TEST(HealerFaults, AThrowingDiagnoserIsReportedAndTheOthersStillRun) {
  HarnessOptions o;
  o.extra_diagnosers_first = std::string("    - name: throwing_diagnoser\n      library: ") +
                             SELFHEAL_FIXTURE_PLUGIN_DIR + "/fixture-throwing-diagnoser.so\n";
  HealerHarness h(o);
  auto d = h.diagnose();
  ASSERT_TRUE(d.diagnosis);
  EXPECT_EQ(d.diagnosis->issue_type, "not_built");
  ASSERT_EQ(d.diagnoser_errors.size(), 1u);
  EXPECT_NE(d.diagnoser_errors[0].find("diagnoser exploded"), std::string::npos);
}

TEST(HealerFaults, TheMapIsDataChangingItChangesTheStrategy) {
  HarnessOptions o;
  o.issues["not_built"] = "[clean_build]";
  HealerHarness h(o);
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success);
  EXPECT_EQ(outcome.strategy_used, "clean_build");
}

TEST(HealerFaults, HistorySurvivesARestart) {
  HealerHarness h;
  h.build_healthy();
  h.restart();
  auto totals = h.host().history().totals();
  EXPECT_EQ(totals.attempts, 1);
  EXPECT_EQ(totals.successes, 1);
  EXPECT_TRUE(totals.last_successful_build);  // the fix was a build
  EXPECT_EQ(h.host().history().integrity_check(), "ok");
}

// The host remembers what rustc said (sdk::Context::rustc_version); a rustc that changed since
// is asked again, by the diagnosers as by the fingerprint.
TEST(HealerFaults, AChangedRustcIsSeenByTheDiagnosers) {
  HealerHarness h;
  const auto fake_bin = h.root() / "fake-bin";
  std::filesystem::create_directories(fake_bin);
  h.options().extra_settings = "  toolchain_path: [" + fake_bin.string() + "]\n";
  h.write_manifest();
  ASSERT_TRUE(h.fix().success);  // built by the real toolchain (fake-bin is empty)
  ASSERT_FALSE(h.diagnose().diagnosis);
  const auto real_rustc = ToolchainSearchPath::from_environment({}).find("rustc");
  ASSERT_TRUE(real_rustc);
  auto put_rustc = [&](const std::string& body) {
    std::ofstream(fake_bin / "rustc", std::ios::trunc) << "#!/bin/sh\n" << body;
    ::chmod((fake_bin / "rustc").c_str(), 0755);
  };
  put_rustc("echo 'rustc 0.0.1 (an older toolchain)'\n");
  auto older = h.diagnose();
  ASSERT_TRUE(older.diagnosis);
  EXPECT_EQ(older.diagnosis->issue_type, "incompatible_version");
  put_rustc("exec " + real_rustc->string() + " \"$@\"\n");
  EXPECT_FALSE(h.diagnose().diagnosis);
  put_rustc("echo 'error: no default toolchain configured' >&2\nexit 1\n");
  auto broken = h.diagnose();
  ASSERT_TRUE(broken.diagnosis);
  EXPECT_EQ(broken.diagnosis->issue_type, "missing_rustup");
  std::filesystem::remove(fake_bin / "rustc");  // the real one is next on the path
  EXPECT_FALSE(h.diagnose().diagnosis);
}
