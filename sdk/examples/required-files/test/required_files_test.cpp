// Unit test without the host: the SDK's testing kit provides the context and a real crate folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <selfheal/sdk/testing/fake_context.hpp>
#include <selfheal/sdk/testing/temp_crate.hpp>

#include "required_files_diagnoser.hpp"

namespace sdk = selfheal::sdk;
using sdk::testing::FakeContext;
using sdk::testing::TempCrate;

namespace {

struct RequiredFilesTest : ::testing::Test {
  TempCrate crate;
  FakeContext context;
  example::RequiredFilesDiagnoser diagnoser;
  RequiredFilesTest() { context.crate_paths = crate.paths(); }
};

TEST_F(RequiredFilesTest, HealthyWhenEveryDefaultFileIsThere) {
  EXPECT_FALSE(diagnoser.diagnose(context).has_value());
  EXPECT_TRUE(context.log.lines().empty());
}

TEST_F(RequiredFilesTest, ReportsTheNewIssueTypeForADeletedSource) {
  std::filesystem::remove(crate.paths().root / "src/lib.rs");
  auto d = diagnoser.diagnose(context);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->issue_type, "missing_required_file");
  ASSERT_EQ(d->details["missing"].size(), 1u);
  EXPECT_EQ(d->details["missing"].items()[0].as_string(), "src/lib.rs");
  EXPECT_TRUE(d->can_auto_fix);
  ASSERT_EQ(context.log.lines().size(), 1u);
  EXPECT_EQ(context.log.lines()[0].rfind("WARN ", 0), 0u);
  // A diagnoser only looks: it ran no process.
  EXPECT_TRUE(context.scripted_runner.calls().empty());
}

TEST_F(RequiredFilesTest, ChecksTheFilesItsConfigNames) {
  context.config_value.set("files", sdk::Value(sdk::Value::List{"README.md", "Cargo.toml"}));
  auto d = diagnoser.diagnose(context);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->details["missing"].size(), 1u);
  EXPECT_EQ(d->details["missing"].items()[0].as_string(), "README.md");

  crate.write("README.md", "# temp crate\n");
  EXPECT_FALSE(diagnoser.diagnose(context).has_value());
}

TEST_F(RequiredFilesTest, DeclaresItsIssueType) {
  EXPECT_EQ(diagnoser.issue_types(), std::vector<std::string>{"missing_required_file"});
}

}  // namespace
