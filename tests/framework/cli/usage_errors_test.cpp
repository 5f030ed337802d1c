// Command-line mistakes exit 2 with the reason on stderr (and the command's usage); manifest
// problems exit 3 with file:line:column; nothing of this reaches a plugin or a build.
#include <gtest/gtest.h>

#include <regex>

#include "cli_run.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliUsageErrors, AnUnknownCommandNamesItAndPrintsTheOverview) {
  const auto run = run_selfheal({"sreve"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(has(run.err, "unknown command 'sreve'")) << run.err;
  EXPECT_TRUE(has(run.err, "commands:")) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(CliUsageErrors, UnknownOptionsMissingValuesAndStrayArgumentsAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"check", "--bogus"}, "selfheal check: unknown option '--bogus' for 'check'"},
      {{"check", "--config"}, "selfheal check: --config needs a value"},
      {{"status", "extra"}, "selfheal status: unexpected argument 'extra'"},
      {{"serve", "--json"}, "selfheal serve: unknown option '--json' for 'serve'"},
      {{"check", "--help=yes"}, "selfheal check: unknown option '--help' for 'check'"},
  };
  for (const auto& c : cases) {
    const auto run = run_selfheal(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.message;
    EXPECT_TRUE(has(run.err, c.message)) << run.err;
    EXPECT_TRUE(has(run.err, "usage: selfheal " + c.args.front())) << run.err;
  }
}

TEST(CliUsageErrors, BadOptionValuesAreUsageErrorsBeforeAnythingIsLoaded) {
  ServeWorld world;
  world.write_manifest();
  const auto config = world.manifest_file().string();
  const auto limit = run_selfheal({"history", "--config", config, "--limit", "x"});
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_TRUE(has(limit.err, "--limit must be a positive integer, got 'x'")) << limit.err;
  const auto listen = run_selfheal({"serve", "--config", config, "--listen", "nonsense"});
  EXPECT_EQ(listen.exit_code, 2);
  EXPECT_TRUE(has(listen.err, "--listen expects HOST:PORT, got 'nonsense'")) << listen.err;
  for (const char* command : {"diagnose", "fix", "clean-build"}) {
    const auto run = run_selfheal({command, "--config", config, "--crate", "nope"});
    EXPECT_EQ(run.exit_code, 2) << command << run.err;
    EXPECT_TRUE(has(run.err, "unknown crate 'nope'; the manifest has: tiny")) << run.err;
  }
  // Nothing ran: no build was started and no history was written.
  EXPECT_FALSE(std::filesystem::exists(world.crate_dir() / "target"));
}

TEST(CliUsageErrors, AnInvalidManifestExits3WithFileLineAndColumnForEveryCommand) {
  ServeWorld world;
  world.extra_settings = "  chek_interval: 3\n";
  world.write_manifest();
  const auto config = world.manifest_file().string();
  for (const char* command : {"check", "plugins", "diagnose", "fix", "clean-build", "status",
                              "history", "components", "force-check", "serve"}) {
    const auto run = run_selfheal({command, "--config", config});
    EXPECT_EQ(run.exit_code, 3) << command << run.err;
    EXPECT_TRUE(std::regex_search(
        run.err, std::regex(R"(plugins\.yaml:\d+:3: settings\.chek_interval: unknown key 'chek_interval' \(did you mean 'check_interval'\?\))")))
        << command << ": " << run.err;
    EXPECT_TRUE(has(run.err, "1 error(s) in ")) << run.err;
  }
  const auto missing = run_selfheal({"check", "--config", (world.root() / "none.yaml").string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(has(missing.err, "none.yaml: cannot read the manifest")) << missing.err;
}

}  // namespace
}  // namespace selfheal::testing
