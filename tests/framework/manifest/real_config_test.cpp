// The real config/plugins.yaml against the real build output (build/lib/selfheal, the default
// preset's folder) and the real plugins/components/rust-core crate.
//
// Registered when SELFHEAL_TEST_REAL_DEFAULT_MANIFEST is ON: by default in the build/ tree, whose
// plugins the real config/plugins.yaml names (tests/framework/manifest/CMakeLists.txt).
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {

void expect_default_manifest_content(const Manifest& m, const std::filesystem::path& root);

void check_real_default_manifest() {
  const std::filesystem::path source(SELFHEAL_SOURCE_DIR);
  auto load = load_manifest(source / "config/plugins.yaml", &manifest_testing::no_environment);
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  expect_default_manifest_content(*load.manifest, source.lexically_normal());
}

#if SELFHEAL_TEST_REAL_DEFAULT_MANIFEST
TEST(DefaultManifest, RealConfigValidatesAgainstTheBuildOutput) { check_real_default_manifest(); }
#endif

}  // namespace selfheal
