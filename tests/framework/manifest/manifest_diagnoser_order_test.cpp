// The order diagnosers run in: `priority:` (lower first, unset is 0), ties in manifest order;
// and the positions kept for errors only the plugins can reveal (entry names, issues: keys).
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::ManifestTest;

std::vector<std::string> order(const Manifest& m) {
  std::vector<std::string> names;
  for (const auto& d : m.diagnosers) names.push_back(d.name);
  return names;
}

TEST_F(ManifestTest, DiagnosersRunInManifestOrderWithoutPriorities) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers:
    - { name: c, library: diag.so }
    - { name: a, library: diag.so }
    - { name: b, library: diag.so }
)");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(order(*load.manifest), (std::vector<std::string>{"c", "a", "b"}));
}

TEST_F(ManifestTest, LowerPriorityRunsFirstAndTiesKeepTheManifestOrder) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers:
    - { name: first_listed, library: diag.so }
    - { name: late, library: diag.so, priority: 10 }
    - { name: second_listed, library: diag.so, priority: 0 }
    - { name: early, library: diag.so, priority: -5 }
    - { name: also_early, library: diag.so, priority: -5 }
)");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(order(*load.manifest), (std::vector<std::string>{"early", "also_early", "first_listed",
                                                             "second_listed", "late"}));
  // all_plugins() (what the host loads, in order) follows the same order.
  EXPECT_EQ(load.manifest->all_plugins().front()->name, "early");
}

TEST_F(ManifestTest, AnInvalidPriorityIsAnErrorAtItsPosition) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers:
    - { name: a, library: diag.so, priority: high }
    - { name: b, library: diag.so, priority: 2.5 }
    - { name: c, library: diag.so, priority: 99999999999 }
  strategies:
    - { name: build, library: build.so, priority: 1 }
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "plugins.diagnosers[0].priority", 6, 46, "integer"));
  EXPECT_TRUE(HasError(load, "plugins.diagnosers[1].priority", 7, 46, "integer"));
  EXPECT_TRUE(HasError(load, "plugins.diagnosers[2].priority", 8, 46, ""));
  // Only diagnosers run in an order: elsewhere the key is unknown.
  EXPECT_TRUE(HasError(load, "plugins.strategies[0].priority", 10, 41, "unknown key"));
}

TEST_F(ManifestTest, EntryNamesAndIssueKeysKeepTheirPositions) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers:
    - { name: zed, library: diag.so, priority: 1 }
    - name: not_built
      library: diag.so
  strategies: [{ name: build, library: build.so }]
issues:
  not_built: [build]
  target_dir_blot: []
)");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& m = *load.manifest;
  ASSERT_EQ(m.diagnosers.size(), 2u);
  EXPECT_EQ(m.diagnosers[0].name, "not_built");
  EXPECT_EQ(m.diagnosers[0].name_key, "plugins.diagnosers[1].name");
  EXPECT_EQ(m.diagnosers[0].name_where.line, 7);
  EXPECT_EQ(m.diagnosers[0].name_where.column, 13);
  EXPECT_EQ(m.diagnosers[1].name_key, "plugins.diagnosers[0].name");
  EXPECT_EQ(m.diagnosers[1].name_where.line, 6);
  EXPECT_EQ(m.diagnosers[1].name_where.column, 15);
  ASSERT_EQ(m.issue_where.count("target_dir_blot"), 1u);
  EXPECT_EQ(m.issue_where.at("target_dir_blot").line, 12);
  EXPECT_EQ(m.issue_where.at("target_dir_blot").column, 3);
}

// `selfheal check --no-load`: the plugins' files need not exist (a manifest checked where the
// plugins are not built); everything else is still checked.
TEST_F(ManifestTest, MissingLibrariesAreNoErrorWhenTheyAreNotRequired) {
  const std::string text = R"(
version: 1
settings: { plugin_dir: ../lib }
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers: [{ name: d, library: nowhere.so, priority: x }]
)";
  auto strict = parse(text);
  EXPECT_TRUE(HasError(strict, "plugins.diagnosers[0].library", 5, 36, "does not exist"));
  auto relaxed = parse_manifest(manifest_testing::yaml(text), manifest_file(),
                                &manifest_testing::no_environment,
                                ManifestReadOptions{.require_libraries = false});
  ASSERT_EQ(relaxed.errors.size(), 1u) << all_errors(relaxed);
  EXPECT_EQ(relaxed.errors[0].key, "plugins.diagnosers[0].priority");
}

}  // namespace
}  // namespace selfheal
