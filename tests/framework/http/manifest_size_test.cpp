// Issue 14, "Input size": a manifest over 1 MiB is refused before it is parsed, by `check` and by
// a reload, with the file and its size in the error; a refused reload costs the daemon no memory.
#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "http_client.hpp"
#include "process/proc_file.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

// A valid manifest grown to `size` bytes with a plugin config of many small values (each one a
// YAML node, so parsing it would cost memory).
std::string grown_manifest(const ServeWorld& world, std::size_t size) {
  std::string text = world.manifest_text();
  const std::string anchor = "      library: strategy-free-memory.so\n";
  std::string config = "      config: {junk: [";
  while (config.size() + text.size() + 4 < size) config += "0,";
  config += "0]}\n";
  text.insert(text.find(anchor) + anchor.size(), config);
  return text;
}

std::uint64_t rss_kib(pid_t pid) {
  const auto status = process::read_proc_file("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  return at == std::string::npos ? 0 : std::stoull(status.substr(at + 6));
}

TEST(ManifestSize, CheckRefusesAManifestOverOneMebibyteNamingFileAndSize) {
  ServeWorld world;
  const std::string text = grown_manifest(world, 2 * 1024 * 1024);
  ServeWorld::write_file(world.manifest_file(), text);
  auto run = run_selfheal({"check", "--config", world.manifest_file().string()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err.substr(0, 2000);
  EXPECT_NE(run.err.find(world.manifest_file().string() + ": cannot read the manifest: the manifest is " +
                         std::to_string(text.size()) + " bytes, more than the limit of 1048576 bytes"),
            std::string::npos)
      << run.err.substr(0, 2000);
}

TEST(ManifestSize, AReloadOfAnOversizedManifestIsRefusedAndCostsNoMemory) {
  ServeWorld world;
  world.extra_settings = "  auto_fix: false\n";
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_GT(port, 0) << serve.log();
  ASSERT_EQ(http_get(port, "/health").status, 200);
  const auto before = rss_kib(serve.pid());
  const std::string text = grown_manifest(world, 8 * 1024 * 1024);
  ServeWorld::write_file(world.manifest_file(), text);
  const auto reload = http_post(port, "/self-healing/reload");
  ASSERT_EQ(reload.status, 422) << reload.body.substr(0, 2000);
  EXPECT_NE(reload.body.find(std::to_string(text.size()) + " bytes"), std::string::npos)
      << reload.body.substr(0, 2000);
  const auto after = rss_kib(serve.pid());
  EXPECT_LT(after, before + 16 * 1024) << "RSS " << before << " KiB -> " << after << " KiB";
  EXPECT_EQ(http_get(port, "/readyz").status, 200);
}

}  // namespace
}  // namespace selfheal::testing
