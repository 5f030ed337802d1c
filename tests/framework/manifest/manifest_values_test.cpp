// A valid manifest reads into the right values; absent settings take their defaults.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::kMinimal;
using manifest_testing::ManifestTest;
using namespace std::chrono_literals;

constexpr const char* kFull = R"(
version: 1
settings:
  check_interval: 30
  max_retries: 5
  build_timeout: 120
  backoff: { base: 0.5, cap: 60, reset_after: 900 }
  state_dir: /var/lib/selfheal
  plugin_dir: ../lib
  log_level: debug
  min_free_memory_mb: 100
  min_free_disk_mb: 0
  build_jobs: 4
  build_nice: 3
  auto_fix: false
  toolchain_path: [/opt/rust/bin, tools/bin]
  http: { bind: 0.0.0.0, port: 0, token: s3cret }
crates:
  - name: core
    path: ../crate
    library: core_lib
    profile: dev
    target_dir: /tmp/target
    abi_version: 7
plugins:
  diagnosers:
    - name: not_built
      library: diag.so
  strategies:
    - name: build
      library: build.so
      config:
        jobs: 3
        ratio: 0.25
        offline: true
        missing: null
        tilde: ~
        text: hello
        quoted_number: "42"
        hex: 0x1F
        list: [1, two, 3.5, false]
        nested: { a: { b: [] } }
    - name: clean_build
      library: clean.so
  components:
    - { name: bloom_cpp, library: cpp.so }
    - { name: bloom_rust, library: rust.so }
components:
  bloom_filter:
    implementations: { cpp: bloom_cpp, rust: bloom_rust }
    prefer: rust
    crate: core
    config: { bits: 1024 }
issues:
  not_built: [build]
  build_failed: clean_build
  disk_full: []
)";

TEST_F(ManifestTest, FullManifestReadsEveryValue) {
  auto load = parse(kFull);
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  EXPECT_TRUE(load.errors.empty());
  const Manifest& m = *load.manifest;
  const auto config = tree_ / "config";
  EXPECT_EQ(m.file, manifest_file());

  const ManifestSettings& s = m.settings;
  EXPECT_EQ(s.check_interval, 30s);
  EXPECT_EQ(s.max_retries, 5u);
  EXPECT_EQ(s.build_timeout, 120s);
  EXPECT_EQ(s.backoff_base, 500ms);
  EXPECT_EQ(s.backoff_cap, 60s);
  EXPECT_EQ(s.retry_reset_after, 900s);
  EXPECT_EQ(s.state_dir, "/var/lib/selfheal");
  EXPECT_EQ(s.plugin_dir, tree_ / "lib");
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.min_free_memory_bytes, 100ull << 20);
  EXPECT_EQ(s.min_free_disk_bytes, 0u);
  EXPECT_EQ(s.build_jobs, 4u);
  EXPECT_EQ(s.build_nice, 3);
  EXPECT_FALSE(s.auto_fix);
  ASSERT_EQ(s.toolchain_path.size(), 2u);
  EXPECT_EQ(s.toolchain_path[0], "/opt/rust/bin");
  EXPECT_EQ(s.toolchain_path[1], config / "tools/bin");
  EXPECT_EQ(s.http.bind_address, "0.0.0.0");
  EXPECT_EQ(s.http.port, 0);
  EXPECT_EQ(s.http.bearer_token, "s3cret");

  ASSERT_EQ(m.crates.size(), 1u);
  const CrateSpec& c = m.crates[0];
  EXPECT_EQ(c.name, "core");
  EXPECT_EQ(c.path, tree_ / "crate");
  EXPECT_EQ(c.library_name, "core_lib");
  EXPECT_EQ(c.profile, "dev");
  EXPECT_EQ(c.target_dir, "/tmp/target");
  EXPECT_EQ(c.abi_version, 7u);
  EXPECT_EQ(c.where.line, 18);
  EXPECT_EQ(c.where.column, 5);

  ASSERT_EQ(m.diagnosers.size(), 1u);
  EXPECT_EQ(m.diagnosers[0].kind, sdk::PluginKind::diagnoser);
  EXPECT_EQ(m.diagnosers[0].name, "not_built");
  EXPECT_EQ(m.diagnosers[0].library, tree_ / "lib/diag.so");
  EXPECT_TRUE(m.diagnosers[0].config.is_null());
  ASSERT_EQ(m.strategies.size(), 2u);
  EXPECT_EQ(m.strategies[0].name, "build");
  EXPECT_EQ(m.strategies[0].where.line, 29);
  EXPECT_EQ(m.strategies[0].where.column, 7);
  EXPECT_EQ(m.strategies[1].name, "clean_build");
  EXPECT_EQ(m.strategies[1].library, tree_ / "lib/clean.so");
  ASSERT_EQ(m.component_plugins.size(), 2u);
  EXPECT_EQ(m.component_plugins[0].kind, sdk::PluginKind::component);
  EXPECT_EQ(m.component_plugins[1].name, "bloom_rust");

  ASSERT_EQ(m.components.size(), 1u);
  const ComponentSpec& bloom = m.components[0];
  EXPECT_EQ(bloom.name, "bloom_filter");
  EXPECT_EQ(bloom.implementations,
            (std::map<std::string, std::string>{{"cpp", "bloom_cpp"}, {"rust", "bloom_rust"}}));
  EXPECT_EQ(bloom.prefer, "rust");
  EXPECT_EQ(bloom.crate, "core");
  EXPECT_EQ(bloom.config["bits"], sdk::Value(1024));
  EXPECT_EQ(bloom.where.line, 48);
  EXPECT_EQ(bloom.where.column, 3);

  EXPECT_EQ(m.issue_strategies,
            (std::map<std::string, std::vector<std::string>>{
                {"not_built", {"build"}}, {"build_failed", {"clean_build"}}, {"disk_full", {}}}));
}

TEST_F(ManifestTest, PluginConfigBecomesPlainValues) {
  auto load = parse(kFull);
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  const sdk::Value& config = load.manifest->strategies[0].config;
  ASSERT_TRUE(config.is_map());
  EXPECT_TRUE(config["jobs"].is_int());
  EXPECT_EQ(config["jobs"].as_int(), 3);
  EXPECT_TRUE(config["ratio"].is_double());
  EXPECT_DOUBLE_EQ(config["ratio"].as_double(), 0.25);
  EXPECT_TRUE(config["offline"].is_bool());
  EXPECT_TRUE(config["offline"].as_bool());
  EXPECT_TRUE(config.contains("missing"));
  EXPECT_TRUE(config["missing"].is_null());
  EXPECT_TRUE(config["tilde"].is_null());
  EXPECT_EQ(config["text"], sdk::Value("hello"));
  EXPECT_EQ(config["quoted_number"], sdk::Value("42"));  // quoted: a string
  EXPECT_EQ(config["hex"], sdk::Value(31));
  EXPECT_EQ(config["list"], sdk::Value(sdk::Value::List{1, "two", 3.5, false}));
  EXPECT_TRUE(config["nested"]["a"]["b"].is_list());
  EXPECT_EQ(config["nested"]["a"]["b"].size(), 0u);
}

TEST_F(ManifestTest, AbsentSettingsTakeTheirDefaults) {
  auto load = parse(R"(
version: 1
crates:
  - { name: core, path: ../crate, library: core_lib }
)");
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  const Manifest& m = *load.manifest;
  const ManifestSettings& s = m.settings;
  EXPECT_EQ(s.check_interval, 300s);
  EXPECT_EQ(s.max_retries, 3u);
  EXPECT_EQ(s.build_timeout, 600s);
  EXPECT_EQ(s.backoff_base, 2s);
  EXPECT_EQ(s.backoff_cap, 300s);
  EXPECT_EQ(s.retry_reset_after, 600s);
  EXPECT_EQ(s.state_dir, tree_ / "config/state");
  EXPECT_EQ(s.plugin_dir, tree_ / "config");
  EXPECT_EQ(s.log_level, "info");
  EXPECT_EQ(s.min_free_memory_bytes, 256ull << 20);
  EXPECT_EQ(s.min_free_disk_bytes, 512ull << 20);
  EXPECT_EQ(s.build_jobs, 0u);
  EXPECT_EQ(s.build_nice, 10);
  EXPECT_TRUE(s.auto_fix);
  EXPECT_EQ(s.watch_debounce, 300ms);
  EXPECT_TRUE(s.toolchain_path.empty());
  EXPECT_EQ(s.http.bind_address, "127.0.0.1");
  EXPECT_EQ(s.http.port, 8787);
  EXPECT_EQ(s.http.bearer_token, "");
  ASSERT_EQ(m.crates.size(), 1u);
  EXPECT_EQ(m.crates[0].profile, "release");
  EXPECT_EQ(m.crates[0].target_dir, tree_ / "crate/target");
  EXPECT_EQ(m.crates[0].abi_version, 1u);
  EXPECT_TRUE(m.all_plugins().empty());
  EXPECT_TRUE(m.components.empty());
  EXPECT_TRUE(m.issue_strategies.empty());
}

TEST_F(ManifestTest, WatchDebounceIsReadInMillisecondsAndZeroTurnsWatchingOff) {
  auto with = [&](const std::string& value) {
    std::string text(kMinimal);
    text.replace(text.find("  plugin_dir"), 0, "  watch_debounce_ms: " + value + "\n");
    return parse(text);
  };
  auto load = with("1500");
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  EXPECT_EQ(load.manifest->settings.watch_debounce, 1500ms);
  load = with("0");
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  EXPECT_EQ(load.manifest->settings.watch_debounce, 0ms);
}

TEST_F(ManifestTest, ComponentDefaultsToTheOnlyCrateAndPreferAuto) {
  auto load = parse(std::string(kMinimal) + R"(  components:
    - { name: c, library: cpp.so }
components:
  pool:
    implementations: { cpp: c }
)");
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  ASSERT_EQ(load.manifest->components.size(), 1u);
  EXPECT_EQ(load.manifest->components[0].crate, "core");
  EXPECT_EQ(load.manifest->components[0].prefer, "auto");
  EXPECT_TRUE(load.manifest->components[0].config.is_null());
}

TEST_F(ManifestTest, AllPluginsListsDiagnosersFirst) {
  auto load = parse(kFull);
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  std::vector<std::string> names;
  for (const PluginSpec* p : load.manifest->all_plugins())
    names.push_back(std::string(to_string(p->kind)) + ":" + p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"diagnoser:not_built", "strategy:build",
                                             "strategy:clean_build", "component:bloom_cpp",
                                             "component:bloom_rust"}));
}

TEST(ManifestNames, PluginKindsAndErrorText) {
  EXPECT_STREQ(to_string(sdk::PluginKind::diagnoser), "diagnoser");
  EXPECT_STREQ(to_string(sdk::PluginKind::strategy), "strategy");
  EXPECT_STREQ(to_string(sdk::PluginKind::component), "component");
  ManifestError e{{"/etc/m.yaml", 3, 9}, "settings.http.port", "must be between 0 and 65535"};
  EXPECT_EQ(e.to_string(), "/etc/m.yaml:3:9: settings.http.port: must be between 0 and 65535");
  ManifestError env{{"environment", 0, 0}, "RUST_MAX_RETRIES", "expected an integer, got 'x'"};
  EXPECT_EQ(env.to_string(), "environment: RUST_MAX_RETRIES: expected an integer, got 'x'");
}

TEST_F(ManifestTest, MinimalManifestIsValid) {
  auto load = parse(std::string(kMinimal));
  ASSERT_TRUE(load.manifest) << manifest_testing::all_errors(load);
  EXPECT_TRUE(load.errors.empty());
}

}  // namespace
}  // namespace selfheal
