// RUST_CHECK_INTERVAL, RUST_MAX_RETRIES, RUST_BUILD_TIMEOUT override settings; a bad value is an
// error, never a silent default. settings.http.token_env reads the token from the environment.
// The environment is injected (no setenv).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::kMinimal;
using manifest_testing::ManifestTest;
using namespace std::chrono_literals;

std::optional<std::string> lookup(
    const char* name, std::initializer_list<std::pair<std::string_view, const char*>> env) {
  for (const auto& [key, value] : env)
    if (key == name) return std::string(value);
  return std::nullopt;
}

std::optional<std::string> good_overrides(const char* name) {
  return lookup(
      name,
      {{"RUST_CHECK_INTERVAL", "10"}, {"RUST_MAX_RETRIES", "0"}, {"RUST_BUILD_TIMEOUT", "99"}});
}

std::optional<std::string> bad_overrides(const char* name) {
  return lookup(
      name,
      {{"RUST_CHECK_INTERVAL", "abc"}, {"RUST_MAX_RETRIES", "-1"}, {"RUST_BUILD_TIMEOUT", "0"}});
}

std::optional<std::string> odd_overrides(const char* name) {
  return lookup(name, {{"RUST_CHECK_INTERVAL", ""},
                       {"RUST_MAX_RETRIES", "99999999999999999999"},
                       {"RUST_BUILD_TIMEOUT", " 5"}});
}

std::optional<std::string> token_set(const char* name) {
  return lookup(name, {{"SELFHEAL_TOKEN", "from-env"}});
}

std::optional<std::string> token_empty(const char* name) {
  return lookup(name, {{"SELFHEAL_TOKEN", ""}});
}

constexpr const char* kWithSettings = R"(
version: 1
settings:
  check_interval: 30
  max_retries: 5
  build_timeout: 120
crates:
  - { name: core, path: ../crate, library: core_lib }
)";

TEST_F(ManifestTest, EnvironmentOverridesTheManifest) {
  auto load = parse(kWithSettings, &good_overrides);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->settings.check_interval, 10s);
  EXPECT_EQ(load.manifest->settings.max_retries, 0u);
  EXPECT_EQ(load.manifest->settings.build_timeout, 99s);
}

TEST_F(ManifestTest, WithoutEnvironmentTheManifestValuesStay) {
  auto load = parse(kWithSettings);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->settings.check_interval, 30s);
  EXPECT_EQ(load.manifest->settings.max_retries, 5u);
  EXPECT_EQ(load.manifest->settings.build_timeout, 120s);
}

TEST_F(ManifestTest, BadEnvironmentValuesAreErrors) {
  auto load = parse(kWithSettings, &bad_overrides);
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 3u) << all_errors(load);
  for (const auto& e : load.errors) {
    EXPECT_EQ(e.where.file, "environment");
    EXPECT_EQ(e.where.line, 0);
  }
  EXPECT_TRUE(HasError(load, "RUST_CHECK_INTERVAL", 0, 0, "expected an integer, got 'abc'"));
  EXPECT_TRUE(HasError(load, "RUST_MAX_RETRIES", 0, 0, "must be between 0 and 4294967295, got -1"));
  EXPECT_TRUE(
      HasError(load, "RUST_BUILD_TIMEOUT", 0, 0, "must be between 1 and 2147483647, got 0"));
  EXPECT_EQ(load.errors[1].to_string(),
            "environment: RUST_MAX_RETRIES: must be between 0 and 4294967295, got -1");
}

TEST_F(ManifestTest, EmptyHugeOrPaddedEnvironmentValuesAreErrors) {
  auto load = parse(kWithSettings, &odd_overrides);
  ASSERT_EQ(load.errors.size(), 3u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "RUST_CHECK_INTERVAL", 0, 0, "expected an integer, got ''"));
  EXPECT_TRUE(HasError(load, "RUST_MAX_RETRIES", 0, 0, "must be between 0 and 4294967295"));
  EXPECT_TRUE(HasError(load, "RUST_BUILD_TIMEOUT", 0, 0, "expected an integer, got ' 5'"));
}

TEST_F(ManifestTest, EnvironmentErrorsComeWithTheFileErrors) {
  auto load = parse(R"(
version: 1
settings: { log_level: loud }
crates:
  - { name: core, path: ../crate, library: core_lib }
)",
                    &bad_overrides);
  ASSERT_EQ(load.errors.size(), 4u) << all_errors(load);
  EXPECT_EQ(load.errors[0].key, "settings.log_level");  // the file's errors first
  EXPECT_EQ(load.errors[1].where.file, "environment");
}

TEST_F(ManifestTest, TokenFromTheEnvironment) {
  const std::string text = R"(
version: 1
settings:
  http: { token_env: SELFHEAL_TOKEN }
crates:
  - { name: core, path: ../crate, library: core_lib }
)";
  auto load = parse(text, &token_set);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->settings.http.bearer_token, "from-env");

  auto unset = parse(text);
  ASSERT_EQ(unset.errors.size(), 1u) << all_errors(unset);
  EXPECT_TRUE(HasError(unset, "settings.http.token_env", 3, 22,
                       "environment variable SELFHEAL_TOKEN is not set"));

  auto empty = parse(text, &token_empty);
  EXPECT_TRUE(HasError(empty, "settings.http.token_env", 3, 22,
                       "environment variable SELFHEAL_TOKEN is empty"));
}

std::optional<std::string> token_blank(const char* name) {
  return lookup(name, {{"SELFHEAL_TOKEN", "  "}});
}

// A token no client could send back as written (a blank, a space inside, a control character)
// would make every POST fail: it is refused where it is written, and an RFC 6750 token passes.
TEST_F(ManifestTest, TokensNoClientCouldSendAreRefused) {
  const auto with_token = [](const std::string& token) {
    return "version: 1\nsettings:\n  http: { token: \"" + token +
           "\" }\ncrates:\n  - { name: core, path: ../crate, library: core_lib }\n";
  };
  for (const std::string bad : {" ", "   ", "two words", "tab\\tinside", "=abc", "abc=def"}) {
    auto load = parse(with_token(bad));
    ASSERT_EQ(load.errors.size(), 1u) << "token '" << bad << "': " << all_errors(load);
    EXPECT_EQ(load.errors[0].key, "settings.http.token") << bad;
    EXPECT_EQ(load.errors[0].where.line, 3) << bad;
    EXPECT_NE(load.errors[0].message.find("RFC 6750"), std::string::npos) << load.errors[0].message;
  }
  for (const std::string good : {"", "abc", "A-b.c_d~e+f/g", "bWFkZS11cA=="}) {
    auto load = parse(with_token(good));
    ASSERT_TRUE(load.manifest) << "token '" << good << "': " << all_errors(load);
    EXPECT_EQ(load.manifest->settings.http.bearer_token, good);
  }
  auto blank_env = parse(R"(
version: 1
settings:
  http: { token_env: SELFHEAL_TOKEN }
crates:
  - { name: core, path: ../crate, library: core_lib }
)",
                         &token_blank);
  ASSERT_EQ(blank_env.errors.size(), 1u) << all_errors(blank_env);
  EXPECT_TRUE(HasError(blank_env, "settings.http.token_env", 3, 22,
                       "environment variable SELFHEAL_TOKEN: a bearer token (RFC 6750) starts "
                       "with a letter, a digit or one of -._~+/"));
}

// The lookup is a plain function pointer: the moved plugin folder (the test tree's lib/) is
// handed over through this variable.
std::string g_moved_plugin_dir;

std::optional<std::string> moved_folders(const char* name) {
  return lookup(name, {{"SELFHEAL_STATE_DIR", "/srv/selfheal/state/"},
                       {"SELFHEAL_PLUGIN_DIR", g_moved_plugin_dir.c_str()}});
}

std::optional<std::string> empty_state_dir(const char* name) {
  return lookup(name, {{"SELFHEAL_STATE_DIR", ""}});
}

// SELFHEAL_STATE_DIR / SELFHEAL_PLUGIN_DIR (the CLI's --state-dir / --plugin-dir) win over the
// file, and relative plugin libraries follow the overridden plugin_dir, as does the build cache.
TEST_F(ManifestTest, StateAndPluginFoldersComeFromTheEnvironment) {
  const std::string text = R"(
version: 1
settings:
  state_dir: ./here
  plugin_dir: ./nowhere
crates:
  - { name: core, path: ../crate, library: core_lib }
plugins:
  diagnosers:
    - { name: not_built, library: diag.so }
)";
  g_moved_plugin_dir = (tree_ / "lib").string();
  auto load = parse(text, &moved_folders);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& m = *load.manifest;
  EXPECT_EQ(m.settings.state_dir, std::filesystem::path("/srv/selfheal/state"));
  EXPECT_EQ(m.settings.plugin_dir, tree_ / "lib");
  EXPECT_EQ(m.settings.build_cache.dir, std::filesystem::path("/srv/selfheal/state/sccache"));
  ASSERT_EQ(m.diagnosers.size(), 1u);
  EXPECT_EQ(m.diagnosers[0].library, tree_ / "lib" / "diag.so");

  // Without the variables the file's folders stand: plugin_dir ./nowhere has no diag.so.
  auto without = parse(text);
  EXPECT_FALSE(without.manifest);
  EXPECT_NE(all_errors(without).find("nowhere/diag.so' does not exist"), std::string::npos)
      << all_errors(without);

  auto empty = parse(text, &empty_state_dir);
  EXPECT_FALSE(empty.manifest);
  EXPECT_TRUE(HasError(empty, "SELFHEAL_STATE_DIR", 0, 0, "is set but empty")) << all_errors(empty);
}

TEST_F(ManifestTest, TokenAndTokenEnvExcludeEachOther) {
  auto load = parse(R"(
version: 1
settings:
  http: { token: abc, token_env: SELFHEAL_TOKEN }
crates:
  - { name: core, path: ../crate, library: core_lib }
)",
                    &token_set);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "settings.http.token_env", 3, 23, "set either token or token_env, not both"));
}

TEST_F(ManifestTest, TokenEnvMustBeAVariableName) {
  auto load = parse(R"(
version: 1
settings:
  http: { token_env: "1 BAD" }
crates:
  - { name: core, path: ../crate, library: core_lib }
)");
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "settings.http.token_env", 3, 22,
                       "invalid environment variable name '1 BAD'"));
}

TEST(ProcessEnvironment, ReadsTheRealEnvironment) {
  EXPECT_EQ(process_environment("SELFHEAL_MANIFEST_TEST_SURELY_UNSET_VARIABLE"), std::nullopt);
  const char* path = std::getenv("PATH");
  if (path != nullptr) {
    EXPECT_EQ(process_environment("PATH"), std::string(path));
  }
}

TEST_F(ManifestTest, MinimalManifestIgnoresUnrelatedVariables) {
  auto load = parse(std::string(kMinimal), &token_set);
  EXPECT_TRUE(load.manifest) << all_errors(load);
}

}  // namespace
}  // namespace selfheal
