// Issue 14, "Honest health": a diagnoser that failed to load means the host cannot know it is
// healthy: /health says degraded with the reason, `diagnose` exits 1 and its JSON summary names
// the failed plugins.
#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "http_client.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

// Two diagnosers that cannot load: not a library at all, and a name the plugin does not declare.
constexpr const char* kBrokenDiagnosers =
    "    - name: passwd\n      library: /etc/passwd\n"
    "    - name: renamed_not_built\n      library: issue-not-built.so\n";

// Only C++ implementations and no automatic fixes: nothing else makes the host degraded.
void make_quiet(ServeWorld& world) {
  world.first_diagnosers = kBrokenDiagnosers;
  world.extra_settings = "  auto_fix: false\n";
  world.components = {{"bloom_filter", "{cpp: bloom_filter_cpp}"},
                      {"sliding_window", "{cpp: sliding_window_cpp}"},
                      {"memory_pool", "{cpp: memory_pool_cpp}"}};
}

bool has_reason(const boost::json::value& health, const std::string& part) {
  for (const auto& r : health.at("reasons").as_array())
    if (std::string(r.as_string()).find(part) != std::string::npos) return true;
  return false;
}

TEST(HonestHealth, HealthIsDegradedNamingEachDiagnoserThatDidNotLoad) {
  ServeWorld world;
  make_quiet(world);
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_GT(port, 0) << serve.log();
  const auto health = http_get(port, "/health");
  ASSERT_EQ(health.status, 200) << health.body;
  const auto body = health.json();
  EXPECT_EQ(body.at("status"), "degraded") << health.body;
  EXPECT_TRUE(has_reason(body, "diagnoser passwd failed: /etc/passwd")) << health.body;
  EXPECT_TRUE(has_reason(body, "diagnoser renamed_not_built failed")) << health.body;
  EXPECT_TRUE(has_reason(body, "the manifest expects 'renamed_not_built'")) << health.body;
}

TEST(HonestHealth, DiagnoseExitsOneAndItsSummaryNamesTheFailedPlugins) {
  ServeWorld world;
  make_quiet(world);
  world.diagnosers.clear();  // nothing else could find an issue: only the broken ones
  world.write_manifest();
  auto text = run_selfheal({"diagnose", "--config", world.manifest_file().string()});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_EQ(text.out.find(": healthy"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("degraded"), std::string::npos) << text.out;

  auto json = run_selfheal({"diagnose", "--json", "--config", world.manifest_file().string()});
  EXPECT_EQ(json.exit_code, 1) << json.out << json.err;
  const auto report = boost::json::parse(json.out);
  const std::string summary(report.at("summary").as_string());
  EXPECT_NE(summary.find("passwd"), std::string::npos) << summary;
  EXPECT_NE(summary.find("renamed_not_built"), std::string::npos) << summary;
  EXPECT_EQ(report.at("status"), "degraded") << json.out;
  EXPECT_EQ(report.at("failed_plugins").as_array().size(), 2u) << json.out;
}

}  // namespace
}  // namespace selfheal::testing
