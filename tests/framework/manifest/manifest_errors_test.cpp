// Each kind of error names the file, the exact line and column, and the dotted key; a manifest's
// errors are all collected in one pass.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::ManifestTest;

TEST_F(ManifestTest, SyntaxErrorIsReportedAtItsPosition) {
  auto load = parse(R"(
version: 1
settings:
  check_interval: 30: 40
)");
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "", 3, 21, "illegal map value"));
  EXPECT_EQ(load.errors[0].where.file, manifest_file());
  EXPECT_EQ(load.errors[0].to_string(), manifest_file().string() + ":3:21: illegal map value");
}

TEST_F(ManifestTest, UnclosedFlowListIsASyntaxError) {
  auto load = parse("version: 1\ncrates: [a, b\nplugins: {}\n");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_EQ(load.errors[0].key, "");
  EXPECT_GT(load.errors[0].where.line, 0);
  EXPECT_NE(load.errors[0].message.find("flow"), std::string::npos) << all_errors(load);
}

TEST_F(ManifestTest, UnknownKeysAtEveryLevelSuggestTheNearest) {
  auto load = parse(R"(
version: 1
settings:
  chek_interval: 30
  plugin_dir: ../lib
  http: { bind: 127.0.0.1, prot: 1 }
crates:
  - { name: core, path: ../crate, library: core_lib, profle: release }
extra: 1
)");
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "settings.chek_interval", 3, 3,
                       "unknown key 'chek_interval' (did you mean 'check_interval'?)"));
  EXPECT_TRUE(HasError(load, "settings.chek_interval", 3, 3,
                       "allowed keys: check_interval, max_retries, build_timeout, backoff"));
  EXPECT_TRUE(HasError(load, "settings.http.prot", 5, 28, "did you mean 'port'?"));
  EXPECT_TRUE(HasError(load, "crates[0].profle", 7, 54, "did you mean 'profile'?"));
  EXPECT_TRUE(HasError(load, "extra", 8, 1,
                       "unknown key 'extra'; allowed keys: version, settings, crates, plugins, "
                       "components, issues"));
  // Sorted by position, and formatted as file:line:column: key: message.
  EXPECT_EQ(load.errors[0].key, "settings.chek_interval");
  EXPECT_EQ(load.errors[3].key, "extra");
  EXPECT_EQ(load.errors[3].to_string().rfind(manifest_file().string() + ":8:1: extra: ", 0), 0u);
}

TEST_F(ManifestTest, WrongTypesAndRangesAreAllReported) {
  auto load = parse(R"(
version: 1
settings:
  check_interval: abc
  max_retries: -1
  build_timeout: 2.5
  log_level: verbose
  http: { port: 70000, bind: true }
  backoff: { base: 10, cap: 5 }
  toolchain_path: /usr/bin
crates:
  - { name: core, path: ../crate, library: core_lib, abi_version: "1" }
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_EQ(load.errors.size(), 9u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "settings.check_interval", 3, 19, "expected an integer, got a string 'abc'"));
  EXPECT_TRUE(
      HasError(load, "settings.max_retries", 4, 16, "must be between 0 and 4294967295, got -1"));
  EXPECT_TRUE(
      HasError(load, "settings.build_timeout", 5, 18, "expected an integer, got a float 2.5"));
  EXPECT_TRUE(HasError(load, "settings.log_level", 6, 14,
                       "expected one of debug, info, warning, error, got 'verbose'"));
  EXPECT_TRUE(
      HasError(load, "settings.http.port", 7, 17, "must be between 0 and 65535, got 70000"));
  EXPECT_TRUE(HasError(load, "settings.http.bind", 7, 30, "expected a string, got a boolean true"));
  EXPECT_TRUE(HasError(load, "settings.backoff.cap", 8, 29, "must be >= base"));
  EXPECT_TRUE(
      HasError(load, "settings.toolchain_path", 9, 19, "expected a list, got a string '/usr/bin'"));
  EXPECT_TRUE(
      HasError(load, "crates[0].abi_version", 11, 67, "expected an integer, got a string '1'"));
}

TEST_F(ManifestTest, AutoFixMustBeABoolean) {
  auto load = parse(R"(
version: 1
settings:
  auto_fix: 1
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.auto_fix", 3, 13, "expected true or false, got an integer 1")) << all_errors(load);
}

TEST_F(ManifestTest, LogFormatIsTextOrJson) {
  auto load = parse(R"(
version: 1
settings:
  log_format: jsno
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.log_format", 3, 15,
                       "expected one of text, json, got 'jsno' (did you mean 'json'?)")) << all_errors(load);
  auto good = parse(R"(
version: 1
settings:
  log_format: json
crates:
  - { name: core, path: ../crate, library: core_lib }
)");
  ASSERT_TRUE(good.manifest) << all_errors(good);
  EXPECT_EQ(good.manifest->settings.log_format, "json");
}

TEST_F(ManifestTest, WatchDebounceIsANonNegativeNumberOfMilliseconds) {
  auto load = parse(R"(
version: 1
settings:
  watch_debounce_ms: -5
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.watch_debounce_ms", 3, 22,
                       "must be between 0 and 3600000, got -5")) << all_errors(load);
}

TEST_F(ManifestTest, BuildNiceIsANiceIncrementFrom0To19) {
  auto load = parse(R"(
version: 1
settings:
  build_nice: 20
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.build_nice", 3, 15, "must be between 0 and 19, got 20"))
      << all_errors(load);
}

TEST_F(ManifestTest, EmptyValueIsReportedAtItsKey) {
  auto load = parse(R"(
version: 1
settings:
  check_interval:
  max_retries: 1
crates:
  - { name: core, path: ../crate, library: core_lib }
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "settings.check_interval", 3, 3, "expected an integer, got null"));
}

TEST_F(ManifestTest, MissingRequiredKeysAreReportedAtTheirMap) {
  auto load = parse(R"(
version: 1
crates:
  - name: core
    library: core_lib
  - path: ../crate
    name: other
plugins:
  strategies:
    - name: build
    - library: ../lib/build.so
)");
  EXPECT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "crates[0].path", 3, 5, "missing required key 'path'"));
  EXPECT_TRUE(HasError(load, "crates[1].library", 5, 5, "missing required key 'library'"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[0].library", 9, 7, "missing required key"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[1].name", 10, 7, "missing required key 'name'"));
}

TEST_F(ManifestTest, MissingTopLevelKeys) {
  auto load = parse("# a comment\nsettings: {}\n");
  EXPECT_EQ(load.errors.size(), 2u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "version", 2, 1, "missing required key 'version'"));
  EXPECT_TRUE(HasError(load, "crates", 2, 1, "missing required key 'crates'"));
}

TEST_F(ManifestTest, VersionMustBeOne) {
  auto load = parse(R"(
version: 2
crates:
  - { name: core, path: ../crate, library: core_lib }
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "version", 1, 10, "unsupported version 2; this host reads version 1"));
  EXPECT_TRUE(HasError(parse("version: one\ncrates: []\n"), "version", 1, 10,
                       "expected an integer, got a string 'one'"));
}

TEST_F(ManifestTest, EmptyOrNonMapDocuments) {
  auto empty = parse("");
  ASSERT_EQ(empty.errors.size(), 1u) << all_errors(empty);
  EXPECT_TRUE(HasError(empty, "", 1, 1, "the manifest is empty"));
  auto comments_only = parse("# nothing\n");
  EXPECT_TRUE(HasError(comments_only, "", 1, 1, "the manifest is empty"));
  auto list = parse("- a\n- b\n");
  ASSERT_EQ(list.errors.size(), 1u) << all_errors(list);
  EXPECT_TRUE(HasError(list, "", 1, 1, "expected a map, got a list"));
  auto two = parse(R"(
version: 1
crates: [{ name: core, path: ../crate, library: core_lib }]
---
version: 1
)");
  ASSERT_EQ(two.errors.size(), 1u) << all_errors(two);
  EXPECT_TRUE(HasError(two, "", 4, 1, "expected one YAML document, found 2"));
}

TEST_F(ManifestTest, CratesMustNotBeEmpty) {
  auto load = parse("version: 1\ncrates: []\n");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "crates", 2, 9, "at least one crate is required"));
}

TEST_F(ManifestTest, DuplicateCrateAndPluginNames) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates:
  - { name: core, path: ../crate, library: core_lib }
  - { name: core, path: ../crate, library: other_lib }
plugins:
  strategies:
    - { name: build, library: build.so }
    - { name: build, library: clean.so }
  diagnosers:
    - { name: build, library: diag.so }
)");
  EXPECT_EQ(load.errors.size(), 2u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "crates[1].name", 5, 13, "duplicate crate name 'core' (first at line 4)"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[1].name", 9, 15,
                       "duplicate strategy name 'build' (first at line 8)"));
}

TEST_F(ManifestTest, DuplicateYamlKeys) {
  auto load = parse(R"(
version: 1
settings:
  plugin_dir: ../lib
  max_retries: 2
  max_retries: 4
crates:
  - { name: core, path: ../crate, library: core_lib }
plugins:
  strategies:
    - { name: build, library: build.so, config: { a: 1, a: 2 } }
issues:
  not_built: [build]
  not_built: []
)");
  EXPECT_EQ(load.errors.size(), 3u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "settings.max_retries", 5, 3,
                       "duplicate key 'max_retries' (first at line 4)"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[0].config.a", 10, 57, "duplicate key 'a'"));
  EXPECT_TRUE(HasError(load, "issues.not_built", 13, 3, "duplicate key 'not_built'"));
}

TEST_F(ManifestTest, LibraryMustExistAndBeAFile) {
  auto load = parse(R"(
version: 1
settings: { plugin_dir: ../lib }
crates:
  - { name: core, path: ../crate, library: core_lib }
plugins:
  strategies:
    - { name: build, library: build.so }
    - { name: fix, library: missing.so }
    - { name: abs, library: /nonexistent/x.so }
    - { name: dir, library: ../lib }
)");
  EXPECT_EQ(load.errors.size(), 3u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "plugins.strategies[1].library", 8, 29,
                       "library '" + (tree_ / "lib/missing.so").string() + "' does not exist"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[2].library", 9, 29,
                       "library '/nonexistent/x.so' does not exist"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[3].library", 10, 29,
                       "library '" + (tree_ / "lib").string() + "' is not a file"));
}

TEST_F(ManifestTest, CrateFolderMustHoldCargoToml) {
  tree_.write("nocargo/README");
  auto load = parse(R"(
version: 1
crates:
  - { name: a, path: ../nocargo, library: a }
  - { name: b, path: ../absent, library: b }
  - { name: c, path: ../crate/Cargo.toml, library: c }
)");
  EXPECT_EQ(load.errors.size(), 3u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "crates[0].path", 3, 22,
                       "no Cargo.toml in crate folder '" + (tree_ / "nocargo").string() + "'"));
  EXPECT_TRUE(HasError(load, "crates[1].path", 4, 22,
                       "crate folder '" + (tree_ / "absent").string() + "' does not exist"));
  EXPECT_TRUE(HasError(load, "crates[2].path", 5, 22, "is not a folder"));
}

TEST_F(ManifestTest, NamesMustFollowTheirPattern) {
  auto load = parse(R"(
version: 1
crates:
  - { name: Core, path: ../crate, library: core-lib }
issues:
  NotBuilt: []
  2fast: []
  not_built: []
)");
  EXPECT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "crates[0].name", 3, 13, "invalid crate name 'Core': must match [a-z0-9_-]+"));
  EXPECT_TRUE(HasError(load, "crates[0].library", 3, 44,
                       "invalid library name 'core-lib': must match [A-Za-z0-9_]+"));
  EXPECT_TRUE(HasError(load, "issues.NotBuilt", 5, 3,
                       "invalid issue type 'NotBuilt': must match [a-z][a-z0-9_]*"));
  EXPECT_TRUE(HasError(load, "issues.2fast", 6, 3, "invalid issue type '2fast'"));
}

TEST_F(ManifestTest, SectionsOfTheWrongShape) {
  auto load = parse(R"(
version: 1
settings: [1, 2]
crates:
  core: { path: ../crate }
plugins:
  strategies: { name: build }
  diagnosers:
    - just-a-name
)");
  EXPECT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "settings", 2, 11, "expected a map, got a list"));
  EXPECT_TRUE(HasError(load, "crates", 4, 3, "expected a list, got a map"));
  EXPECT_TRUE(HasError(load, "plugins.strategies", 6, 15, "expected a list, got a map"));
  EXPECT_TRUE(
      HasError(load, "plugins.diagnosers[0]", 8, 7, "expected a map, got a string 'just-a-name'"));
}

TEST_F(ManifestTest, EmptyListItemsAreReportedAtTheirDash) {
  auto load = parse(R"(
version: 1
crates:
  -
  - { name: core, path: ../crate, library: core_lib }
  - ~
plugins:
  strategies:
    # an empty entry
    -   
)");
  EXPECT_EQ(load.errors.size(), 3u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "crates[0]", 3, 3, "expected a map, got null"));
  EXPECT_TRUE(HasError(load, "crates[2]", 5, 5, "expected a map, got null"));
  EXPECT_TRUE(HasError(load, "plugins.strategies[0]", 9, 5, "expected a map, got null"));
}

}  // namespace
}  // namespace selfheal
