// Issue 17, "Mistakes are loud": against the real `selfheal` binary, the real built plugins and a
// real manifest on disk. A plugin entry named otherwise than its plugin declares, and an issues:
// key no diagnoser reports, are errors at their file:line:column in `check` (which opens the
// plugins in the probe; --no-load skips that), in `plugins`, at `serve` and on reload (which keeps
// the running manifest). `check` prints the diagnoser order; the API reports the host's version.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "http_client.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

// 1-based "line:column" of the first `needle` in `text`, plus `offset` columns.
std::string position_of(const std::string& text, const std::string& needle, int offset = 0) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return "?";
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  const auto line_start = text.rfind('\n', at);
  const auto column = static_cast<long>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return std::to_string(line) + ":" + std::to_string(column + offset);
}

// The manifest of `world` with `lines` appended to its issues: section (the last one).
std::string with_issues(const ServeWorld& world, const std::string& lines) {
  return world.manifest_text() + lines;
}

TEST(LoudMistakes, CheckReportsAPluginNamedOtherwiseThanItDeclaresAtTheNamesPosition) {
  ServeWorld world;
  world.first_diagnosers = "    - name: not_biult\n      library: issue-not-built.so\n";
  world.write_manifest();
  const std::string text = world.manifest_text();
  const auto run = run_selfheal({"check", "--config", world.manifest_file().string()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  const std::string expected = world.manifest_file().string() + ":" +
                               position_of(text, "not_biult") +
                               ": plugins.diagnosers[0].name: the plugin in ";
  EXPECT_NE(run.err.find(expected), std::string::npos) << expected << "\n" << run.err;
  EXPECT_NE(run.err.find("declares the name 'not_built', not 'not_biult'"), std::string::npos)
      << run.err;
  // --json carries the same error with its position.
  const auto json = run_selfheal({"check", "--json", "--config", world.manifest_file().string()});
  EXPECT_EQ(json.exit_code, 3);
  const auto verdict = boost::json::parse(json.out);
  EXPECT_EQ(verdict.at("valid"), false);
  EXPECT_EQ(verdict.at("errors").at(0).at("key"), "plugins.diagnosers[0].name") << json.out;
  // --no-load checks the manifest alone: the name cannot be judged, so it passes.
  const auto no_load = run_selfheal({"check", "--no-load", "--config", world.manifest_file().string()});
  EXPECT_EQ(no_load.exit_code, 0) << no_load.out << no_load.err;
  EXPECT_NE(no_load.out.find("plugins: not loaded (--no-load)"), std::string::npos) << no_load.out;
  // Nor need the plugins exist: a manifest checked where they are not built.
  ServeWorld unbuilt;
  std::string moved = unbuilt.manifest_text();
  moved.replace(moved.find(SELFHEAL_PLUGIN_DIR), std::string(SELFHEAL_PLUGIN_DIR).size(),
                (unbuilt.root() / "not-built-here").string());
  ServeWorld::write_file(unbuilt.manifest_file(), moved);
  const auto missing = run_selfheal({"check", "--config", unbuilt.manifest_file().string()});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  const auto skipped =
      run_selfheal({"check", "--no-load", "--json", "--config", unbuilt.manifest_file().string()});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_EQ(boost::json::parse(skipped.out).at("plugins_loaded"), false) << skipped.out;
  // The correct name passes with the plugins loaded.
  ServeWorld good;
  good.write_manifest();
  const auto ok = run_selfheal({"check", "--config", good.manifest_file().string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST(LoudMistakes, AnIssueKeyNoDiagnoserReportsIsAnErrorInCheckAndPlugins) {
  ServeWorld world;
  const std::string text = with_issues(world, "  not_biult: [build]\n  target_dir_blot: []\n");
  ServeWorld::write_file(world.manifest_file(), text);
  const auto run = run_selfheal({"check", "--config", world.manifest_file().string()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  const std::string file = world.manifest_file().string();
  EXPECT_NE(run.err.find(file + ":" + position_of(text, "not_biult:") +
                         ": issues.not_biult: no diagnoser reports issue type 'not_biult'; did "
                         "you mean 'not_built'?"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find(file + ":" + position_of(text, "target_dir_blot:") +
                         ": issues.target_dir_blot: no diagnoser reports issue type "
                         "'target_dir_blot'"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("2 error(s)"), std::string::npos) << run.err;

  const auto plugins = run_selfheal({"plugins", "--config", file});
  EXPECT_EQ(plugins.exit_code, 3) << plugins.out << plugins.err;
  EXPECT_NE(plugins.err.find(file + ":" + position_of(text, "target_dir_blot:") +
                             ": issues.target_dir_blot: no diagnoser reports"),
            std::string::npos)
      << plugins.err;

  // Without loading, the key cannot be judged.
  const auto no_load = run_selfheal({"check", "--no-load", "--config", file});
  EXPECT_EQ(no_load.exit_code, 0) << no_load.out << no_load.err;
}

TEST(LoudMistakes, ServeRefusesAnUnknownIssueKeyAndAReloadWithOneKeepsTheRunningManifest) {
  ServeWorld bad;
  ServeWorld::write_file(bad.manifest_file(), with_issues(bad, "  target_dir_blot: []\n"));
  ServeProcess refused(bad.manifest_file().string());
  const auto code = refused.wait_exit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << refused.log();
  EXPECT_EQ(*code, 3) << refused.log();
  EXPECT_NE(refused.log().find("issues.target_dir_blot: no diagnoser reports"), std::string::npos)
      << refused.log();

  ServeWorld world;
  world.extra_settings = "  auto_fix: false\n";
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_GT(port, 0) << serve.log();
  // The new manifest also changes a setting: a refused reload must not apply it either.
  world.check_interval = 7;
  ServeWorld::write_file(world.manifest_file(), with_issues(world, "  target_dir_blot: []\n"));
  const auto reload = http_post(port, "/self-healing/reload");
  ASSERT_EQ(reload.status, 422) << reload.body << serve.log();
  EXPECT_NE(reload.body.find("issues.target_dir_blot: no diagnoser reports"), std::string::npos)
      << reload.body;
  EXPECT_NE(reload.body.find("the running manifest is kept"), std::string::npos) << reload.body;
  EXPECT_EQ(http_get(port, "/readyz").status, 200);
  ASSERT_TRUE(serve.running()) << serve.log();
  // The running host is the old one: the fixed manifest then reloads.
  world.write_manifest();
  EXPECT_EQ(http_post(port, "/self-healing/reload").status, 200) << serve.log();
}

TEST(LoudMistakes, CheckPrintsTheDiagnoserOrderPriorityFirstThenManifestOrder) {
  ServeWorld world;
  world.diagnosers = {"missing_rustup", "not_built", "corrupted_binary"};
  world.first_diagnosers =
      "    - name: out_of_memory\n      library: issue-out-of-memory.so\n      priority: 5\n"
      "    - name: disk_full\n      library: issue-disk-full.so\n      priority: -1\n";
  std::string text = world.manifest_text();
  // Only the issue types these diagnosers report.
  text = text.substr(0, text.find("issues:\n")) + "issues:\n  not_built: [build]\n  disk_full: []\n";
  ServeWorld::write_file(world.manifest_file(), text);
  const auto run = run_selfheal({"check", "--config", world.manifest_file().string()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("diagnoser order: disk_full missing_rustup not_built corrupted_binary "
                         "out_of_memory\n"),
            std::string::npos)
      << run.out;
  const auto json = run_selfheal({"check", "--json", "--config", world.manifest_file().string()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(boost::json::serialize(boost::json::parse(json.out).at("diagnoser_order")),
            R"(["disk_full","missing_rustup","not_built","corrupted_binary","out_of_memory"])");
  // An invalid priority is an error at its position.
  const std::string bad = text.replace(text.find("priority: 5"), 11, "priority: soon");
  ServeWorld::write_file(world.manifest_file(), bad);
  const auto invalid = run_selfheal({"check", "--config", world.manifest_file().string()});
  EXPECT_EQ(invalid.exit_code, 3);
  EXPECT_NE(invalid.err.find(world.manifest_file().string() + ":" +
                             position_of(bad, "soon") + ": plugins.diagnosers[0].priority: "),
            std::string::npos)
      << invalid.err;
}

TEST(LoudMistakes, ThePluginsEndpointReportsTheFactsOfSelfhealVersion) {
  const auto version = run_selfheal({"--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  ServeWorld world;
  world.extra_settings = "  auto_fix: false\n";
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string());
  const int port = serve.port();
  ASSERT_GT(port, 0) << serve.log();
  const auto reply = http_get(port, "/self-healing/plugins");
  ASSERT_EQ(reply.status, 200);
  const auto body = reply.json();
  ASSERT_TRUE(body.is_object()) << reply.body;
  EXPECT_EQ(body.at("plugins").as_array().size(), 21u);
  // Every line of --version, "selfheal X" then "key: value", is a field of `version`.
  std::istringstream lines(version.out);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++count;
    const auto colon = line.find(": ");
    const auto key = count == 1 ? line.substr(0, line.find(' ')) : line.substr(0, colon);
    const auto value = count == 1 ? line.substr(line.find(' ') + 1) : line.substr(colon + 2);
    ASSERT_TRUE(body.at("version").as_object().contains(key)) << key << " in " << reply.body;
    EXPECT_EQ(body.at("version").at(key).as_string(), value.c_str()) << key;
  }
  EXPECT_EQ(body.at("version").as_object().size(), count);
  EXPECT_GE(count, 7u);
  // The status page shows them.
  const auto page = http_get(port, "/");
  EXPECT_NE(page.body.find("host-version"), std::string::npos);
}

}  // namespace
}  // namespace selfheal::testing
