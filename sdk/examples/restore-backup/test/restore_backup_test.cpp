// Unit test without the host: FakeContext (config, captured logs, scripted processes) and a
// TempCrate to restore into.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <selfheal/sdk/testing/fake_context.hpp>
#include <selfheal/sdk/testing/temp_crate.hpp>
#include <sstream>

#include "restore_backup_strategy.hpp"

namespace sdk = selfheal::sdk;
namespace fs = std::filesystem;
using sdk::testing::FakeContext;
using sdk::testing::TempCrate;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RestoreBackupTest : ::testing::Test {
  TempCrate crate;
  FakeContext context;
  example::RestoreBackupStrategy strategy;
  fs::path backup = crate.root() / "backup";

  RestoreBackupTest() {
    context.crate_paths = crate.paths();
    context.config_value.set("backup_dir", backup.string());
    fs::create_directories(backup / "src");
    std::ofstream(backup / "src/lib.rs") << "// from the backup\n";
    fs::remove(crate.paths().root / "src/lib.rs");
  }
  static sdk::Diagnosis missing(std::vector<std::string> files) {
    sdk::Diagnosis d;
    d.issue_type = "missing_required_file";
    sdk::Value list = sdk::Value::list();
    for (auto& f : files) list.push_back(f);
    d.details.set("missing", list);
    return d;
  }
};

TEST_F(RestoreBackupTest, CopiesTheMissingFileBack) {
  auto d = missing({"src/lib.rs"});
  ASSERT_TRUE(strategy.can_fix(d));
  auto r = strategy.apply(context, d);
  ASSERT_TRUE(r.success) << r.error;
  EXPECT_EQ(read(crate.paths().root / "src/lib.rs"), "// from the backup\n");
  EXPECT_EQ(r.details["restored"].items().at(0).as_string(), "src/lib.rs");
  ASSERT_EQ(context.log.lines().size(), 1u);
  EXPECT_NE(context.log.lines()[0].find("restored src/lib.rs"), std::string::npos);
  EXPECT_TRUE(context.scripted_runner.calls().empty());  // no verify command configured
}

TEST_F(RestoreBackupTest, FailsWithoutABackupOfTheFile) {
  auto r = strategy.apply(context, missing({"src/main.rs"}));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("no backup of src/main.rs"), std::string::npos);
}

TEST_F(RestoreBackupTest, RefusesPathsOutsideTheCrate) {
  EXPECT_FALSE(strategy.apply(context, missing({"../escape"})).success);
  EXPECT_FALSE(strategy.apply(context, missing({"/etc/passwd"})).success);
}

TEST_F(RestoreBackupTest, NeedsABackupDir) {
  context.config_value = sdk::Value::map();
  auto r = strategy.apply(context, missing({"src/lib.rs"}));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("backup_dir"), std::string::npos);
}

TEST_F(RestoreBackupTest, CannotFixADiagnosisWithoutMissingFiles) {
  sdk::Diagnosis d;
  d.issue_type = "not_built";
  EXPECT_FALSE(strategy.can_fix(d));
}

TEST_F(RestoreBackupTest, RunsTheVerifyCommandInTheCrate) {
  context.config_value.set("verify", sdk::Value(sdk::Value::List{"cargo", "check", "--offline"}));
  context.scripted_runner.push_exit(0, {"Checking temp-crate v0.1.0", "Finished"});
  auto r = strategy.apply(context, missing({"src/lib.rs"}));
  ASSERT_TRUE(r.success) << r.error;
  const auto calls = context.scripted_runner.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], (std::vector<std::string>{"cargo", "check", "--offline"}));
  EXPECT_EQ(context.progress.size(), 2u);  // output lines went to report_progress
  EXPECT_EQ(r.log_tail.back(), "Finished");
}

TEST_F(RestoreBackupTest, AFailedVerificationFailsTheFix) {
  context.config_value.set("verify", sdk::Value(sdk::Value::List{"cargo", "check", "--offline"}));
  context.scripted_runner.push_exit(101, {"error[E0425]: cannot find value"});
  auto r = strategy.apply(context, missing({"src/lib.rs"}));
  EXPECT_FALSE(r.success);
  EXPECT_NE(r.error.find("exit code 101"), std::string::npos);
  EXPECT_EQ(r.log_tail.size(), 1u);
}

TEST_F(RestoreBackupTest, StopsWhenCancelled) {
  context.cancel.cancel();
  EXPECT_EQ(strategy.apply(context, missing({"src/lib.rs"})).error, "cancelled");
}

}  // namespace
