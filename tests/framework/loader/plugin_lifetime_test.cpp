// Libraries outlive their objects, objects may outlive the loader, and nothing is unloaded.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "loader_test_support.hpp"
#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/strategy.hpp"

namespace selfheal {
namespace {

using testing::fixture;

TEST(PluginLifetime, SameLibraryLoadedTwiceByTwoSpecsGivesTwoObjects) {
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  PluginLoader loader(testing::probe_program(), runner, log);
  auto first = loader.load(testing::strategy_spec("good-strategy", fixture("good-strategy")));
  auto second = loader.load(testing::strategy_spec("good-strategy", fixture("good-strategy")));
  ASSERT_EQ(first.status, LoadStatus::loaded) << first.error;
  ASSERT_EQ(second.status, LoadStatus::loaded) << second.error;
  EXPECT_NE(first.object.get(), second.object.get());
  EXPECT_EQ(first.sha256, second.sha256);
  sdk::testing::FakeContext context;
  sdk::Diagnosis d;
  d.issue_type = "fixture_issue";
  first.object.reset();  // the other object's library must stay usable
  EXPECT_TRUE(static_cast<sdk::Strategy*>(second.object.get())->apply(context, d).success);
}

TEST(PluginLifetime, ObjectOutlivesTheLoader) {
  std::shared_ptr<sdk::Plugin> object;
  {
    PosixProcessRunner runner;
    sdk::testing::CapturingLogger log;
    PluginLoader loader(testing::probe_program(), runner, log);
    auto r = loader.load(
        testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", fixture("good-diagnoser")));
    ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
    object = r.object;
  }
  // The loader and its handles are gone; the object's deleter still holds its library.
  auto* diagnoser = static_cast<sdk::Diagnoser*>(object.get());
  EXPECT_EQ(diagnoser->issue_types(), std::vector<std::string>{"fixture_issue"});
  object.reset();
  // RTLD_NODELETE: even with every handle closed, the library stays mapped.
  void* still = ::dlopen(fixture("good-diagnoser").c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(still, nullptr);
  if (still != nullptr) ::dlclose(still);
}

TEST(PluginLifetime, NewBytesAtAnAlreadyLoadedPathAreRefused) {
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  PluginLoader loader(testing::probe_program(), runner, log);
  testing::TempDir dir;
  const auto file = testing::copy_to(fixture("good-strategy"), dir.path(), "plugin.so");
  ASSERT_EQ(loader.load(testing::strategy_spec("good-strategy", file)).status, LoadStatus::loaded);
  // Replace it (new inode, new bytes) with another good strategy build.
  std::filesystem::remove(file);
  testing::copy_to(fixture("name-mismatch"), dir.path(), "plugin.so");
  auto r = loader.load(testing::strategy_spec("actual-name", file));
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(testing::contains(r.error, "new bytes need a new path"));
}

}  // namespace
}  // namespace selfheal
