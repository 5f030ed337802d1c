// A full state disk against a real `selfheal serve`: the state folder is a small tmpfs, filled
// to ENOSPC. A clean build that succeeded is a success (the crate's fresh diagnosis says so); the
// history write that failed is its own loud error: a log line, a /health reason and a metric.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "serve_harness.hpp"
#include "tmpfs_mount.hpp"

namespace selfheal::testing {
namespace {

TEST(FullStateDisk, ASucceededCleanBuildStaysASuccessAndTheLostHistoryWriteIsLoud) {
  ServeWorld world;
  world.extra_settings = "  auto_fix: false\n";  // the clean build below is the only fix
  // Room for the plugin store's copies (about 55 MiB), which serve writes before the disk is
  // filled: in 4 MiB they did not fit, no plugin loaded, and the crate only looked healthy.
  TmpfsMount state(world.state_dir(), 160 << 20);
  if (!state.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << state.error();
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_TRUE(state.fill(world.state_dir() / "filler")) << "the state disk did not fill";

  auto clean = http_post(port, "/self-healing/clean-build?wait=60");
  ASSERT_EQ(clean.status, 200) << clean.body;
  const auto body = clean.json();
  EXPECT_TRUE(body.at("success").as_bool()) << clean.body;
  EXPECT_FALSE(body.at("attempts").as_array().empty()) << clean.body;
  EXPECT_EQ(clean.body.find("database or disk is full"), std::string::npos) << clean.body;

  EXPECT_TRUE(serve.saw("history write failed", std::chrono::seconds(5))) << serve.log();
  // The log's events say the cause, for a search on disk_full=true.
  EXPECT_TRUE(serve.saw("history write failed (the fix's outcome stands) store=history disk_full=true",
                        std::chrono::seconds(5)))
      << serve.log();
  EXPECT_TRUE(serve.saw("tiny: the artifact store cannot accept the artifact crate=tiny disk_full=true",
                        std::chrono::seconds(10)))
      << serve.log();
  const auto health = http_get(port, "/health");
  EXPECT_NE(health.body.find("fix history cannot be written"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find(world.state_dir().string()), std::string::npos) << "names the path: " << health.body;
  EXPECT_EQ(health.body.find("the last fix failed"), std::string::npos) << health.body;
  const auto metrics = http_get(port, "/metrics").body;
  const auto at = metrics.find("\nselfheal_history_write_errors_total ");
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_NE(metrics.substr(at + 37, 2), "0\n") << metrics.substr(at, 60);
}

}  // namespace
}  // namespace selfheal::testing
