// Every command the overview lists has a --help (and -h) that prints its usage and exit codes,
// exits 0 and needs no manifest; the overview itself is what `selfheal`, `--help` and `help` print.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "cli_run.hpp"
#include "selfheal/sdk/version.hpp"

namespace selfheal::testing {
namespace {

// The command names of the overview's "commands:" section.
std::vector<std::string> listed_commands(const std::string& overview) {
  std::vector<std::string> names;
  std::istringstream in(overview.substr(overview.find("commands:\n") + 10));
  std::string line;
  std::smatch m;
  while (std::getline(in, line) && !line.empty())
    if (std::regex_match(line, m, std::regex(R"(  ([a-z-]+) +\S.*)"))) names.push_back(m[1]);
  return names;
}

TEST(CliHelp, TheOverviewListsEveryCommandAndBareSelfhealIsAUsageError) {
  const auto help = run_selfheal({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(run_selfheal({"help"}).out, help.out);
  EXPECT_EQ(run_selfheal({"-h"}).out, help.out);
  const auto names = listed_commands(help.out);
  const std::set<std::string> listed(names.begin(), names.end());
  for (const char* expected : {"serve", "check", "plugins", "diagnose", "fix", "clean-build",
                               "status", "history", "components", "force-check"})
    EXPECT_TRUE(listed.count(expected)) << expected << " missing from:\n" << help.out;
  EXPECT_NE(help.out.find("Exit codes:"), std::string::npos);

  const auto bare = run_selfheal({});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.out, help.out);
}

// --version (and -V) names the program's version and what it was built with, one key per line,
// as `rustc -vV` does; the SDK line is the one plugins are checked against.
TEST(CliHelp, VersionNamesTheProgramAndWhatItWasBuiltWith) {
  const auto run = run_selfheal({"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run_selfheal({"-V"}).out, run.out);
  EXPECT_TRUE(std::regex_search(run.out, std::regex(R"(^selfheal \d+\.\d+\.\d+\n)"))) << run.out;
  const std::string sdk = "sdk-api: " + std::to_string(SELFHEAL_SDK_VERSION_MAJOR) + "." +
                          std::to_string(SELFHEAL_SDK_VERSION_MINOR) + "\n";
  EXPECT_NE(run.out.find(sdk), std::string::npos) << run.out;
  for (const char* key : {R"(\ncxx-abi: \S+\n)", R"(\nboost: 1\.\d+\.\d+\n)",
                          R"(\nyaml-cpp: \d+\.\d+\.\d+\n)", R"(\nsqlite: 3\.\d+\.\d+ )",
                          R"(\nbuild-type: \w+\n)"})
    EXPECT_TRUE(std::regex_search(run.out, std::regex(key))) << key << " in:\n" << run.out;
  EXPECT_NE(run_selfheal({"--help"}).out.find("--version"), std::string::npos);
}

TEST(CliHelp, EveryListedCommandPrintsItsUsageAndExitCodes) {
  for (const auto& name : listed_commands(run_selfheal({"--help"}).out)) {
    SCOPED_TRACE(name);
    const auto help = run_selfheal({name, "--help"});
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_EQ(help.out.rfind("usage: selfheal " + name, 0), 0u) << help.out;
    EXPECT_NE(help.out.find("\nexit: "), std::string::npos) << help.out;
    EXPECT_GE(std::count(help.out.begin(), help.out.end(), '\n'), 3) << "no description: " << help.out;
    EXPECT_TRUE(help.err.empty()) << help.err;
    // --help wins over everything else on the line, even a missing manifest.
    EXPECT_EQ(run_selfheal({name, "--config", "/nonexistent.yaml", "-h"}).out, help.out);
  }
}

}  // namespace
}  // namespace selfheal::testing
