// References between sections: issue chains name strategies, components name component plugins
// and crates.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::ManifestTest;

TEST_F(ManifestTest, EveryBrokenReferenceIsReported) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates:
  - { name: core, path: ../crate, library: core_lib }
plugins:
  strategies:
    - { name: build, library: build.so }
  components:
    - { name: bloom_cpp, library: cpp.so }
components:
  bloom:
    implementations: { cpp: bloom_cpp, rust: blom_rust }
    prefer: fastest
    crate: kore
issues:
  not_built: [build, biuld]
  build_failed: clean_build
  disk_full:
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_EQ(load.errors.size(), 6u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "components.bloom.implementations.rust", 12, 46,
                       "no plugins.components entry named 'blom_rust'"));
  EXPECT_TRUE(HasError(load, "components.bloom.prefer", 13, 13,
                       "expected one of auto, cpp, got 'fastest'"));
  EXPECT_TRUE(HasError(load, "components.bloom.crate", 14, 12,
                       "no crate named 'kore' (did you mean 'core'?)"));
  EXPECT_TRUE(HasError(load, "issues.not_built[1]", 16, 22,
                       "no plugins.strategies entry provides strategy 'biuld' (did you mean "
                       "'build'?)"));
  EXPECT_TRUE(HasError(load, "issues.build_failed", 17, 17,
                       "no plugins.strategies entry provides strategy 'clean_build'"));
  EXPECT_TRUE(HasError(load, "issues.disk_full", 18, 3,
                       "expected a list of strategy names (or one name), got null; write []"));
}

TEST_F(ManifestTest, AStrategyOfAnotherKindDoesNotCount) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers: [{ name: build, library: diag.so }]
issues:
  not_built: [build]
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "issues.not_built[0]", 7, 15,
                       "no plugins.strategies entry provides strategy 'build'"));
}

TEST_F(ManifestTest, AStrategyWithOtherErrorsIsStillKnownByName) {
  // The missing library is the one mistake: the issue chain naming "build" is not also blamed.
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  strategies: [{ name: build, library: gone.so }]
issues:
  not_built: [build]
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_EQ(load.errors[0].key, "plugins.strategies[0].library");
}

TEST_F(ManifestTest, SeveralCratesNeedAnExplicitComponentCrate) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates:
  - { name: a, path: ../crate, library: a }
  - { name: b, path: ../crate, library: b }
plugins:
  components:
    - { name: c, library: cpp.so }
components:
  pool:
    implementations: { cpp: c }
  window:
    implementations: { cpp: c }
    crate: b
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "components.pool.crate", 11, 5,
                       "missing key 'crate': the manifest has several crates (a, b)"));
}

TEST_F(ManifestTest, ComponentSpecShape) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  components: [{ name: c, library: cpp.so }]
components:
  pool: [c]
  window:
    implementations: {}
  Bad-Name:
    implementations: { cpp: c }
    prefered: cpp
  cache:
    prefer: auto
)");
  EXPECT_EQ(load.errors.size(), 5u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "components.pool", 7, 9, "expected a map, got a list"));
  EXPECT_TRUE(HasError(load, "components.window.implementations", 9, 22,
                       "at least one implementation is required"));
  EXPECT_TRUE(HasError(load, "components.Bad-Name", 10, 3, "invalid component name 'Bad-Name'"));
  EXPECT_TRUE(HasError(load, "components.Bad-Name.prefered", 12, 5, "did you mean 'prefer'?"));
  EXPECT_TRUE(HasError(load, "components.cache.implementations", 14, 5,
                       "missing required key 'implementations'"));
}

TEST_F(ManifestTest, PreferMayNameAnImplementation) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  components: [{ name: c, library: cpp.so }, { name: r, library: rust.so }]
components:
  pool: { implementations: { cpp: c, rust: r }, prefer: cpp }
)");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->components[0].prefer, "cpp");
}

}  // namespace
}  // namespace selfheal
