// Every command the overview lists has a --help (and -h) that prints its usage and exit codes,
// exits 0 and needs no manifest; the overview itself is what `selfheal`, `--help` and `help` print.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "cli_run.hpp"

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
