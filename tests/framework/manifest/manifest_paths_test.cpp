// Relative paths resolve against the manifest's folder (library: against plugin_dir) and are
// stored absolute and lexically normalised; reading the manifest file itself.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::kMinimal;
using manifest_testing::ManifestTest;
using manifest_testing::yaml;

TEST_F(ManifestTest, RelativePathsResolveAgainstTheManifestFolder) {
  auto load = parse(R"(
version: 1
settings:
  state_dir: state/../var//x/
  plugin_dir: ../lib/
  toolchain_path: [bin, ./../tools/./bin, /opt/cargo/bin/]
crates:
  - name: core
    path: ../crate/.
    library: core_lib
    target_dir: ../out
plugins:
  strategies:
    - { name: build, library: sub/../build.so }
    - { name: clean, library: /ABS/../LIB/clean.so/.. }
)");
  // The absolute library does not exist; everything else resolves.
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "plugins.strategies[1].library", 14, 31, "library '/LIB' does not exist"));

  auto ok = parse(R"(
version: 1
settings:
  state_dir: state/../var//x/
  plugin_dir: ../lib/
  toolchain_path: [bin, ./../tools/./bin, /opt/cargo/bin/]
crates:
  - name: core
    path: ../crate/.
    library: core_lib
    target_dir: ../out
plugins:
  strategies:
    - { name: build, library: sub/../build.so }
)");
  ASSERT_TRUE(ok.manifest) << all_errors(ok);
  const Manifest& m = *ok.manifest;
  EXPECT_EQ(m.settings.state_dir, tree_ / "config/var/x");
  EXPECT_EQ(m.settings.plugin_dir, tree_ / "lib");
  EXPECT_EQ(m.settings.toolchain_path,
            (std::vector<std::filesystem::path>{tree_ / "config/bin", tree_ / "tools/bin",
                                                "/opt/cargo/bin"}));
  EXPECT_EQ(m.crates[0].path, tree_ / "crate");
  EXPECT_EQ(m.crates[0].target_dir, tree_ / "out");
  EXPECT_EQ(m.strategies[0].library, tree_ / "lib/build.so");
}

TEST_F(ManifestTest, LibrariesDefaultToTheManifestFolder) {
  tree_.write("config/here.so");
  auto load = parse(R"(
version: 1
crates: [{ name: core, path: ../crate, library: core_lib }]
plugins:
  diagnosers: [{ name: here, library: here.so }]
)");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->diagnosers[0].library, tree_ / "config/here.so");
}

TEST_F(ManifestTest, ManifestPathIsNormalised) {
  auto load = parse_manifest(yaml(kMinimal), tree_ / "config/../config/./plugins.yaml",
                             &manifest_testing::no_environment);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->file, manifest_file());
  EXPECT_EQ(load.manifest->settings.plugin_dir, tree_ / "lib");
}

TEST_F(ManifestTest, RelativeManifestPathIsAnchoredAtTheWorkingDirectory) {
  const auto crate = (tree_ / "crate").string();
  auto load =
      parse_manifest("version: 1\ncrates: [{ name: c, path: '" + crate + "', library: c }]\n",
                     "some/dir/m.yaml", &manifest_testing::no_environment);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto cwd = std::filesystem::current_path();
  EXPECT_EQ(load.manifest->file, cwd / "some/dir/m.yaml");
  EXPECT_EQ(load.manifest->settings.state_dir, cwd / "some/dir/state");
  EXPECT_EQ(load.manifest->crates[0].path, tree_ / "crate");
}

TEST_F(ManifestTest, LoadsAManifestFile) {
  tree_.write("config/plugins.yaml", yaml(kMinimal));
  auto load = load_manifest(manifest_file(), &manifest_testing::no_environment);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->file, manifest_file());
  ASSERT_EQ(load.manifest->strategies.size(), 1u);
  EXPECT_EQ(load.manifest->strategies[0].library, tree_ / "lib/build.so");
}

TEST_F(ManifestTest, FileErrorsNameTheFile) {
  tree_.write("config/bad.yaml", "version: 1\nsettings: { max_retries: x }\n");
  auto load = load_manifest(tree_ / "config/bad.yaml", &manifest_testing::no_environment);
  EXPECT_TRUE(HasError(load, "settings.max_retries", 2, 26, "expected an integer"));
  EXPECT_EQ(load.errors[0].where.file, tree_ / "config/bad.yaml");
}

TEST_F(ManifestTest, MissingFileIsOneErrorNamingIt) {
  const auto missing = tree_ / "config/nope.yaml";
  auto load = load_manifest(missing, &manifest_testing::no_environment);
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_EQ(load.errors[0].where.file, missing);
  EXPECT_EQ(load.errors[0].where.line, 0);
  EXPECT_EQ(load.errors[0].to_string(),
            missing.string() + ": cannot read the manifest: No such file or directory");
}

TEST_F(ManifestTest, AFolderIsNotAManifest) {
  auto load = load_manifest(tree_ / "lib", &manifest_testing::no_environment);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_NE(load.errors[0].message.find("it is a folder"), std::string::npos);
}

}  // namespace
}  // namespace selfheal
