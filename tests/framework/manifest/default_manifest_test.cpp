// The default manifest, config/plugins.yaml, validates and says what the design says. It is
// checked in a copy of its folder tree with fake plugin files and a fake crate, so that this test
// does not depend on the build (real_config_test.cpp checks it against the real build output).
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::TempTree;
using namespace std::chrono_literals;

const std::vector<std::pair<std::string, std::string>> kDiagnosers{
    {"missing_rustup", "issue-missing-rustup.so"},
    {"permission_error", "issue-permission-error.so"},
    {"disk_full", "issue-disk-full.so"},
    {"out_of_memory", "issue-out-of-memory.so"},
    {"missing_dependencies", "issue-missing-dependencies.so"},
    {"build_failed", "issue-build-failed.so"},
    {"not_built", "issue-not-built.so"},
    {"corrupted_binary", "issue-corrupted-binary.so"},
    {"incompatible_version", "issue-incompatible-version.so"},
    {"stale_artifact", "issue-stale-artifact.so"},
};
const std::vector<std::pair<std::string, std::string>> kStrategies{
    {"build", "strategy-build.so"},
    {"clean_build", "strategy-clean-build.so"},
    {"install_dependencies", "strategy-install-dependencies.so"},
    {"fix_permissions", "strategy-fix-permissions.so"},
    {"free_memory", "strategy-free-memory.so"},
    {"install_rust", "strategy-install-rust.so"},
    {"restore_from_cache", "strategy-restore-from-cache.so"},
};
const std::vector<std::pair<std::string, std::string>> kComponentPlugins{
    {"bloom_filter_cpp", "component-bloom-filter-cpp.so"},
    {"bloom_filter_rust", "component-bloom-filter-rust.so"},
    {"sliding_window_cpp", "component-sliding-window-cpp.so"},
    {"sliding_window_rust", "component-sliding-window-rust.so"},
    {"memory_pool_cpp", "component-memory-pool-cpp.so"},
    {"memory_pool_rust", "component-memory-pool-rust.so"},
};

void expect_plugins(const std::vector<PluginSpec>& actual,
                    const std::vector<std::pair<std::string, std::string>>& expected,
                    const std::filesystem::path& plugin_dir, sdk::PluginKind kind) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i].kind, kind);
    EXPECT_EQ(actual[i].name, expected[i].first) << "entry " << i;
    EXPECT_EQ(actual[i].library, plugin_dir / expected[i].second);
    if (actual[i].name == "corrupted_binary") {
      // The only built-in given a config: the symbols every artifact must export.
      EXPECT_EQ(actual[i].config["required_symbols"].items().size(), 2u);
    } else {
      EXPECT_TRUE(actual[i].config.is_null()) << actual[i].name;
    }
  }
}

// Checks the default manifest's content; `root` is the folder that holds config/.
void expect_default_content(const Manifest& m, const std::filesystem::path& root) {
  const auto plugin_dir = root / "build/lib/selfheal";
  EXPECT_EQ(m.file, root / "config/plugins.yaml");
  EXPECT_EQ(m.settings.plugin_dir, plugin_dir);
  EXPECT_EQ(m.settings.state_dir, root / "build/state");
  EXPECT_EQ(m.settings.check_interval, 300s);
  EXPECT_EQ(m.settings.max_retries, 3u);
  EXPECT_EQ(m.settings.build_timeout, 600s);
  EXPECT_EQ(m.settings.backoff_base, 2s);
  EXPECT_EQ(m.settings.backoff_cap, 300s);
  EXPECT_EQ(m.settings.retry_reset_after, 600s);
  EXPECT_EQ(m.settings.log_level, "info");
  EXPECT_EQ(m.settings.http.bind_address, "127.0.0.1");
  EXPECT_EQ(m.settings.http.port, 8787);
  EXPECT_EQ(m.settings.http.bearer_token, "");

  ASSERT_EQ(m.crates.size(), 1u);
  EXPECT_EQ(m.crates[0].name, "rust-core");
  EXPECT_EQ(m.crates[0].path, root / "plugins/components/rust-core");
  EXPECT_EQ(m.crates[0].library_name, "selfheal_rust_core");
  EXPECT_EQ(m.crates[0].profile, "release");
  EXPECT_EQ(m.crates[0].target_dir, root / "plugins/components/rust-core/target");

  expect_plugins(m.diagnosers, kDiagnosers, plugin_dir, sdk::PluginKind::diagnoser);
  expect_plugins(m.strategies, kStrategies, plugin_dir, sdk::PluginKind::strategy);
  expect_plugins(m.component_plugins, kComponentPlugins, plugin_dir, sdk::PluginKind::component);

  ASSERT_EQ(m.components.size(), 3u);
  const char* names[] = {"bloom_filter", "sliding_window", "memory_pool"};
  for (std::size_t i = 0; i < 3; ++i) {
    const ComponentSpec& c = m.components[i];
    const std::string name = names[i];
    EXPECT_EQ(c.name, name);
    EXPECT_EQ(c.implementations, (std::map<std::string, std::string>{{"cpp", name + "_cpp"},
                                                                     {"rust", name + "_rust"}}));
    EXPECT_EQ(c.prefer, "rust");  // the original always used Rust when it was available
    EXPECT_EQ(c.crate, "rust-core");
  }

  using Chain = std::vector<std::string>;
  EXPECT_EQ(m.issue_strategies, (std::map<std::string, Chain>{
                                    {"not_built", {"restore_from_cache", "build"}},
                                    {"build_failed", {"clean_build"}},
                                    {"missing_dependencies", {"install_dependencies", "build"}},
                                    {"incompatible_version", {"clean_build"}},
                                    {"stale_artifact", {"build"}},
                                    {"corrupted_binary", {"restore_from_cache", "clean_build"}},
                                    {"missing_rustup", {"install_rust", "build"}},
                                    {"permission_error", {"fix_permissions", "restore_from_cache", "build"}},
                                    {"out_of_memory", {"free_memory", "build"}},
                                    {"disk_full", {}},
                                }));
}

TEST(DefaultManifest, ValidatesInACopyOfItsTree) {
  TempTree tree;
  std::filesystem::create_directories(tree / "config");
  std::filesystem::copy_file(std::filesystem::path(SELFHEAL_SOURCE_DIR) / "config/plugins.yaml",
                             tree / "config/plugins.yaml");
  for (const auto* list : {&kDiagnosers, &kStrategies, &kComponentPlugins})
    for (const auto& [name, file] : *list)
      tree.write(std::filesystem::path("build/lib/selfheal") / file);
  tree.crate("plugins/components/rust-core");

  auto load = load_manifest(tree / "config/plugins.yaml", &manifest_testing::no_environment);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  expect_default_content(*load.manifest, tree.root());
}

TEST(DefaultManifest, NamesEveryMissingPluginFile) {
  // Without the build output every library is an error, each at its own line.
  TempTree tree;
  std::filesystem::create_directories(tree / "config");
  std::filesystem::copy_file(std::filesystem::path(SELFHEAL_SOURCE_DIR) / "config/plugins.yaml",
                             tree / "config/plugins.yaml");
  tree.crate("plugins/components/rust-core");
  auto load = load_manifest(tree / "config/plugins.yaml", &manifest_testing::no_environment);
  EXPECT_EQ(load.errors.size(), kDiagnosers.size() + kStrategies.size() + kComponentPlugins.size())
      << all_errors(load);
  for (const auto& e : load.errors) {
    EXPECT_NE(e.message.find("does not exist"), std::string::npos) << e.to_string();
    EXPECT_GT(e.where.line, 0);
  }
}

}  // namespace

// Used by real_config_test.cpp.
void expect_default_manifest_content(const Manifest& m, const std::filesystem::path& root) {
  expect_default_content(m, root);
}

}  // namespace selfheal
