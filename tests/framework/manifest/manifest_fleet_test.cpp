// The `fleet:` section: off when absent, defaults when empty braces, every value checked and
// reported at its position.
#include <gtest/gtest.h>

#include <algorithm>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::kMinimal;
using manifest_testing::ManifestTest;
using namespace std::chrono_literals;

TEST_F(ManifestTest, FleetIsOffWhenAbsent) {
  auto load = parse(std::string(kMinimal));
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_FALSE(load.manifest->fleet.enabled);
}

TEST_F(ManifestTest, AnEmptyFleetMapTakesTheDefaults) {
  auto load = parse(std::string(kMinimal) + "fleet: {}\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& f = load.manifest->fleet;
  EXPECT_TRUE(f.enabled);
  EXPECT_EQ(f.redis_host, "127.0.0.1");
  EXPECT_EQ(f.redis_port, 6379);
  EXPECT_EQ(f.key_prefix, "selfheal");
  EXPECT_EQ(f.timeout, 2000ms);
  EXPECT_TRUE(f.password.empty());
  EXPECT_TRUE(f.publish);
  EXPECT_TRUE(f.fetch);
}

TEST_F(ManifestTest, EveryFleetKeyIsRead) {
  auto env = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "FLEET_PASSWORD") return "hunter2";
    return std::nullopt;
  };
  auto load = parse(std::string(kMinimal) + R"(fleet:
  redis: cache.internal:6380
  key_prefix: "team-a:selfheal"
  timeout_ms: 250
  password_env: FLEET_PASSWORD
  publish: false
  fetch: true
)", env);
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& f = load.manifest->fleet;
  EXPECT_TRUE(f.enabled);
  EXPECT_EQ(f.redis_host, "cache.internal");
  EXPECT_EQ(f.redis_port, 6380);
  EXPECT_EQ(f.key_prefix, "team-a:selfheal");
  EXPECT_EQ(f.timeout, 250ms);
  EXPECT_EQ(f.password, "hunter2");
  EXPECT_FALSE(f.publish);
  EXPECT_TRUE(f.fetch);
}

TEST_F(ManifestTest, FleetAddressFormsAndEnabledFalse) {
  auto load = parse(std::string(kMinimal) + "fleet: { redis: \"[::1]:7000\", enabled: false }\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_FALSE(load.manifest->fleet.enabled);
  EXPECT_EQ(load.manifest->fleet.redis_host, "::1");
  EXPECT_EQ(load.manifest->fleet.redis_port, 7000);

  load = parse(std::string(kMinimal) + "fleet: { redis: redis.local }\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_EQ(load.manifest->fleet.redis_host, "redis.local");
  EXPECT_EQ(load.manifest->fleet.redis_port, 6379);
}

// The line of the first key appended after kMinimal.
int after_minimal() {
  const std::string text = manifest_testing::yaml(kMinimal);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
}

TEST_F(ManifestTest, FleetErrorsAreLocatedAndUnknownKeysSuggested) {
  const int fleet = after_minimal();
  auto load = parse(std::string(kMinimal) + R"(fleet:
  redis: "127.0.0.1:99999"
  key_prefix: "has space"
  timeout_ms: 0
  publsh: true
  fetch: yes
  password_env: UNSET_VARIABLE
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_EQ(load.errors.size(), 6u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "fleet.redis", fleet + 1, 10, "the port must be an integer 1 … 65535"));
  EXPECT_TRUE(HasError(load, "fleet.key_prefix", fleet + 2, 15, "must match [A-Za-z0-9_.:-]+"));
  EXPECT_TRUE(HasError(load, "fleet.timeout_ms", fleet + 3, 15, "between 1 and 60000"));
  EXPECT_TRUE(HasError(load, "fleet.publsh", fleet + 4, 3, "did you mean 'publish'?"));
  EXPECT_TRUE(HasError(load, "fleet.fetch", fleet + 5, 10, "expected true or false"));
  EXPECT_TRUE(HasError(load, "fleet.password_env", fleet + 6, 17, "environment variable UNSET_VARIABLE is not set"));
}

TEST_F(ManifestTest, AnEmptyFleetValueIsAnErrorThatSaysWhatToWrite) {
  auto load = parse(std::string(kMinimal) + "fleet:\n");
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_EQ(load.errors[0].key, "fleet");
  EXPECT_NE(load.errors[0].message.find("fleet: {}"), std::string::npos) << all_errors(load);

  load = parse(std::string(kMinimal) + "fleet: [a]\n");
  EXPECT_FALSE(load.manifest);
  EXPECT_TRUE(HasError(load, "fleet", after_minimal(), 8, "expected a map"));
}

TEST_F(ManifestTest, BadFleetAddresses) {
  for (const char* bad : {"\":6379\"", "\"host:\"", "\"a:b:c\"", "\"[::1\"", "\"host:port\""}) {
    auto load = parse(std::string(kMinimal) + "fleet: { redis: " + bad + " }\n");
    EXPECT_FALSE(load.manifest) << bad;
    ASSERT_EQ(load.errors.size(), 1u) << bad << "\n" << all_errors(load);
    EXPECT_EQ(load.errors[0].key, "fleet.redis");
    EXPECT_NE(load.errors[0].message.find("invalid Redis address"), std::string::npos) << all_errors(load);
  }
}

}  // namespace
}  // namespace selfheal
