// Issue 14, "Reload runs the old plugin code": plugins run from the host's content-addressed
// copy, so a reload with new bytes runs them, and overwriting the loaded file in place (cp over
// it) neither crashes the host nor changes the running code.
#include <gtest/gtest.h>

#include "core/sha256.hpp"
#include "http_client.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

std::filesystem::path fixture(const std::string& stem) {
  return std::filesystem::path(SELFHEAL_FIXTURE_PLUGIN_DIR) / ("fixture-" + stem + ".so");
}

void copy_bytes(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);  // in place: same inode, as cp does
  out << in.rdbuf();
}

// The /self-healing/plugins entry named `name`.
boost::json::object plugin_entry(int port, const std::string& name) {
  const auto reply = http_get(port, "/self-healing/plugins").json();
  if (reply.is_object() && reply.as_object().contains("plugins"))
    for (const auto& p : reply.at("plugins").as_array())
      if (p.as_object().at("name") == name.c_str()) return p.as_object();
  return {};
}

std::string diagnosis_summary(int port) {
  const auto r = http_post(port, "/self-healing/diagnose");
  if (r.status != 200) return "HTTP " + std::to_string(r.status) + " " + r.error;
  return std::string(r.json().at("summary").as_string());
}

TEST(PluginReload, ReloadRunsTheNewBytesAndCpOverTheLoadedFileTouchesNothing) {
  ServeWorld world;
  const auto dir = world.root() / "own-plugins";
  std::filesystem::create_directories(dir);
  const auto file = dir / "diagnoser.so";
  copy_bytes(fixture("good-diagnoser"), file);
  world.first_diagnosers = "    - name: good-diagnoser\n      library: " + file.string() + "\n";
  world.extra_settings = "  auto_fix: false\n";
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_GT(port, 0) << serve.log();
  EXPECT_EQ(diagnosis_summary(port), "fixture diagnosis of tiny");
  const auto first = plugin_entry(port, "good-diagnoser");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.at("version"), "0.4.0");
  EXPECT_EQ(first.at("sha256"), sha256_file(fixture("good-diagnoser")).value_or("?").c_str());

  // Another plugin copied over the loaded file, in place: the host keeps running its copy.
  copy_bytes(fixture("good-strategy"), file);
  EXPECT_EQ(diagnosis_summary(port), "fixture diagnosis of tiny") << serve.log();
  ASSERT_TRUE(serve.running()) << serve.log();

  // The next version of the plugin, then a reload: that version runs, and is what is reported.
  copy_bytes(fixture("good-diagnoser-v2"), file);
  const auto reload = http_post(port, "/self-healing/reload");
  ASSERT_EQ(reload.status, 200) << reload.body << serve.log();
  EXPECT_EQ(diagnosis_summary(port), "fixture diagnosis (v2) of tiny") << serve.log();
  const auto next = plugin_entry(port, "good-diagnoser");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.at("status"), "loaded");
  EXPECT_EQ(next.at("version"), "0.5.0");
  const std::string sha = sha256_file(fixture("good-diagnoser-v2")).value_or("?");
  EXPECT_EQ(next.at("sha256"), sha.c_str());
  ASSERT_TRUE(next.contains("loaded_from")) << boost::json::serialize(next);
  const std::filesystem::path loaded_from(std::string(next.at("loaded_from").as_string()));
  EXPECT_EQ(loaded_from, world.state_dir() / "plugins" / sha / "diagnoser.so");
  EXPECT_EQ(sha256_file(loaded_from).value_or(""), sha);
  ASSERT_TRUE(serve.running()) << serve.log();
}

}  // namespace
}  // namespace selfheal::testing
