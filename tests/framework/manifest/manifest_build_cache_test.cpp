// settings.build_cache and settings.build_cache_dir: on (auto) by default with the cache in the
// state folder, off with one line, the folder configurable, a wrong mode reported where it is.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::ManifestTest;

constexpr std::string_view kCrateAndPlugin = R"(crates:
  - name: core
    path: ../crate
    library: core_lib
plugins:
  strategies:
    - name: build
      library: build.so
)";

std::string with_settings(std::string_view settings_lines) {
  return "version: 1\nsettings:\n  plugin_dir: ../lib\n" + std::string(settings_lines) +
         std::string(kCrateAndPlugin);
}

TEST_F(ManifestTest, TheBuildCacheIsAutoInTheStateFolderByDefault) {
  auto load = parse(with_settings(""));
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& s = load.manifest->settings;
  EXPECT_TRUE(s.build_cache.enabled);
  EXPECT_EQ(s.build_cache.dir, s.state_dir / "sccache");
}

TEST_F(ManifestTest, TheBuildCacheFolderFollowsTheStateFolder) {
  auto load = parse(with_settings("  state_dir: /var/lib/selfheal-test\n"));
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->settings.build_cache.dir, "/var/lib/selfheal-test/sccache");
}

TEST_F(ManifestTest, OneLineTurnsTheBuildCacheOff) {
  auto load = parse(with_settings("  build_cache: off\n"));
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_FALSE(load.manifest->settings.build_cache.enabled);
}

TEST_F(ManifestTest, TheBuildCacheFolderIsResolvedFromTheManifestFolder) {
  auto load = parse(with_settings("  build_cache: auto\n  build_cache_dir: ../cache/rust\n"));
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_TRUE(load.manifest->settings.build_cache.enabled);
  EXPECT_EQ(load.manifest->settings.build_cache.dir, tree_ / "cache/rust");
}

TEST_F(ManifestTest, AnUnknownBuildCacheModeIsReportedWithTheNearestOne) {
  auto load = parse(with_settings("  build_cache: of\n"));
  ASSERT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.build_cache", 4, 16, "expected one of auto, off, got 'of'"));
  EXPECT_TRUE(HasError(load, "settings.build_cache", 4, 16, "did you mean 'off'"));
}

TEST_F(ManifestTest, ABooleanBuildCacheIsNotAMode) {
  auto load = parse(with_settings("  build_cache: false\n"));
  ASSERT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "settings.build_cache", 4, 16, "expected a string, got a boolean"));
}

}  // namespace
}  // namespace selfheal
