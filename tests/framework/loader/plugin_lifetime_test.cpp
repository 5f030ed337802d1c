// Libraries outlive their objects, objects may outlive the loader, and nothing is unloaded.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "core/sha256.hpp"
#include "loader_test_support.hpp"
#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/strategy.hpp"

namespace selfheal {
namespace {

using testing::fixture;

TEST(PluginLifetime, SameLibraryLoadedTwiceByTwoSpecsGivesTwoObjects) {
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;
  PluginLoader loader(testing::probe_program(), store.path(), runner, log);
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
  testing::TempDir store;
  std::filesystem::path mapped;
  {
    PosixProcessRunner runner;
    sdk::testing::CapturingLogger log;
    PluginLoader loader(testing::probe_program(), store.path(), runner, log);
    auto r = loader.load(
        testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", fixture("good-diagnoser")));
    ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
    object = r.object;
    mapped = r.loaded_from;
  }
  // The loader and its handles are gone; the object's deleter still holds its library.
  auto* diagnoser = static_cast<sdk::Diagnoser*>(object.get());
  EXPECT_EQ(diagnoser->issue_types(), std::vector<std::string>{"fixture_issue"});
  object.reset();
  // RTLD_NODELETE: even with every handle closed, the library stays mapped.
  void* still = ::dlopen(mapped.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(still, nullptr);
  if (still != nullptr) ::dlclose(still);
}

// A reload builds a new loader over the same store: new bytes at the manifest's path must be
// what runs then (dlopen of a path already loaded would hand back the old mapping).
TEST(PluginLifetime, NewBytesAtAnAlreadyLoadedPathRunTheNewCode) {
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store, dir;
  const auto file = testing::copy_to(fixture("good-diagnoser"), dir.path(), "diagnoser.so");
  const auto spec = testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", file);
  sdk::testing::FakeContext context;
  context.crate_paths.name = "demo";
  PluginLoader before(testing::probe_program(), store.path(), runner, log);
  auto old = before.load(spec);
  ASSERT_EQ(old.status, LoadStatus::loaded) << old.error;
  // Replaced (new inode, new bytes) by the next version of the same plugin.
  std::filesystem::remove(file);
  testing::copy_to(fixture("good-diagnoser-v2"), dir.path(), "diagnoser.so");
  for (int round = 0; round < 2; ++round) {  // by the same loader, and by a reload's new one
    PluginLoader fresh(testing::probe_program(), store.path(), runner, log);
    auto r = (round == 0 ? before : fresh).load(spec);
    ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
    EXPECT_EQ(r.sha256, sha256_file(fixture("good-diagnoser-v2")).value_or("?"));
    EXPECT_NE(r.loaded_from, old.loaded_from);
    ASSERT_TRUE(r.descriptor);
    EXPECT_EQ(r.descriptor->version, "0.5.0");
    auto d = static_cast<sdk::Diagnoser*>(r.object.get())->diagnose(context);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->summary, "fixture diagnosis (v2) of demo");
  }
  // The old object still runs its own code.
  EXPECT_EQ(static_cast<sdk::Diagnoser*>(old.object.get())->diagnose(context)->summary,
            "fixture diagnosis of demo");
}

// cp over a loaded plugin writes into the same inode: the mapped code must not be that file.
TEST(PluginLifetime, OverwritingTheFileInPlaceDoesNotTouchTheLoadedCode) {
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store, dir;
  const auto file = testing::copy_to(fixture("good-diagnoser"), dir.path(), "diagnoser.so");
  PluginLoader loader(testing::probe_program(), store.path(), runner, log);
  auto r = loader.load(testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", file));
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  EXPECT_EQ(r.loaded_from.parent_path(), store.path() / r.sha256);
  EXPECT_EQ(std::filesystem::status(r.loaded_from).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
                std::filesystem::perms::others_read);
  testing::write_bytes(file, testing::read_bytes(fixture("good-strategy")));  // same inode
  sdk::testing::FakeContext context;
  context.crate_paths.name = "demo";
  auto* diagnoser = static_cast<sdk::Diagnoser*>(r.object.get());
  EXPECT_EQ(diagnoser->issue_types(), std::vector<std::string>{"fixture_issue"});
  EXPECT_EQ(diagnoser->diagnose(context)->summary, "fixture diagnosis of demo");
}

}  // namespace
}  // namespace selfheal
