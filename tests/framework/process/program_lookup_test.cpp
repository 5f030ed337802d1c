#include "process/program_lookup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "process/child_environment.hpp"
#include "test_support.hpp"

namespace selfheal::process {
namespace {

TEST(ProgramLookupTest, SlashMeansAsGiven) {
  sdk::ProcessSpec spec;
  spec.argv = {"./tool"};
  EXPECT_EQ(find_program(spec).path, "./tool");
}

TEST(ProgramLookupTest, SearchPathWinsOverEnvironmentPath) {
  sdk::ProcessSpec spec;
  spec.argv = {"sh"};
  spec.search_path = {"/nonexistent", "/bin"};
  spec.environment = {{"PATH", "/usr/bin"}};
  EXPECT_EQ(find_program(spec).path, "/bin/sh");
}

TEST(ProgramLookupTest, EnvironmentPathBeforeHostPath) {
  sdk::ProcessSpec spec;
  spec.argv = {"sh"};
  spec.environment = {{"PATH", ":/nonexistent:/bin"}};
  EXPECT_EQ(find_program(spec).path, "/bin/sh");
}

TEST(ProgramLookupTest, SkipsDirectoriesAndNonExecutables) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "a");
  std::filesystem::create_directory(dir.path() / "a" / "tool");  // a directory, not a program
  std::filesystem::create_directory(dir.path() / "b");
  { std::ofstream(dir.path() / "b" / "tool") << "#!/bin/sh\n"; }  // not executable
  std::filesystem::create_directory(dir.path() / "c");
  { std::ofstream(dir.path() / "c" / "tool") << "#!/bin/sh\n"; }
  std::filesystem::permissions(dir.path() / "c" / "tool", std::filesystem::perms::owner_all);

  sdk::ProcessSpec spec;
  spec.argv = {"tool"};
  spec.search_path = {dir.path() / "a", dir.path() / "b", dir.path() / "c"};
  const auto found = find_program(spec);
  EXPECT_EQ(found.path, dir.path() / "c" / "tool") << found.error;
}

TEST(ProgramLookupTest, NotFoundNamesTheSearchPath) {
  sdk::ProcessSpec spec;
  spec.argv = {"cargo"};
  spec.search_path = {"a", "b", "c"};
  const auto found = find_program(spec);
  EXPECT_TRUE(found.path.empty());
  EXPECT_EQ(found.error, "cargo: not found in search path a:b:c");
}

TEST(ChildEnvironmentTest, ExactUnlessInherited) {
  sdk::ProcessSpec spec;
  spec.environment = {{"A", "1"}, {"PATH", "/x"}};
  EXPECT_EQ(child_environment(spec), (std::vector<std::string>{"A=1", "PATH=/x"}));

  ::setenv("SELFHEAL_LOOKUP_TEST", "host", 1);
  ::setenv("A", "host", 1);
  spec.inherit_environment = true;
  const auto inherited = child_environment(spec);
  const auto has = [&](const char* entry) {
    return std::find(inherited.begin(), inherited.end(), entry) != inherited.end();
  };
  EXPECT_TRUE(has("SELFHEAL_LOOKUP_TEST=host"));
  EXPECT_TRUE(has("A=1"));
  EXPECT_FALSE(has("A=host"));
  EXPECT_TRUE(has("PATH=/x"));
  ::unsetenv("SELFHEAL_LOOKUP_TEST");
  ::unsetenv("A");
}

}  // namespace
}  // namespace selfheal::process
