// Inputs found by fuzz/fuzz_manifest (kept in fuzz/regressions/fuzz_manifest/), each a test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::ManifestTest;

// yaml-cpp 0.7's LoadAll() never returned on this stream: its parser kept yielding empty
// documents without consuming input and LoadAll kept them all, until memory ran out. The parse
// runs in a child process that SIGALRM ends should it hang again, so the failure is a clean one.
TEST_F(ManifestTest, StrayCommaStreamIsAnErrorNotAHang) {
  EXPECT_EXIT(
      {
        ::alarm(60);
        const auto load = parse("\n,\n");
        std::_Exit(!load.manifest && !load.errors.empty() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(ManifestTest, ManyDocumentsAreCountedUpToABound) {
  std::string text(manifest_testing::kMinimal);
  for (int i = 0; i < 20; ++i) text += "---\nversion: 1\n";
  const auto load = parse(text);
  EXPECT_FALSE(load.manifest);
  // The second document's content starts on the line after the first "---", just after the
  // 11 lines of kMinimal.
  EXPECT_TRUE(HasError(load, "", 13, 1, "expected one YAML document, found more than 16"))
      << all_errors(load);
}

// A plugin's config holding an alias to a node that contains it is an endless tree: walking it
// overflowed the stack. Now an error at the config, and the manifest is refused.
TEST_F(ManifestTest, AnAliasToAnEnclosingNodeIsAnErrorNotAStackOverflow) {
  const auto load = parse(R"(
version: 1
settings:
  plugin_dir: ../lib
crates:
  - name: core
    path: ../crate
    library: core_lib
plugins:
  strategies:
    - &p
      name: build
      library: build.so
      config: { k: *p }
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_NE(all_errors(load).find("(an alias to an enclosing node?)"), std::string::npos)
      << all_errors(load);
}

// Aliases that multiply one another expand to millions of values from a few lines.
TEST_F(ManifestTest, AliasesThatExpandPastTheBoundAreAnError) {
  std::string text(manifest_testing::kMinimal);
  text += "      config:\n        a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  const char* names[] = {"a", "b", "c", "d", "e", "f"};
  for (int i = 1; i < 6; ++i) {
    text += std::string("        ") + names[i] + ": &" + names[i] + " [";
    for (int k = 0; k < 10; ++k) text += std::string(k ? ", *" : "*") + names[i - 1];
    text += "]\n";
  }
  const auto load = parse(text);
  EXPECT_FALSE(load.manifest);
  EXPECT_NE(all_errors(load).find("more than 10000 values"), std::string::npos) << all_errors(load);
}

}  // namespace
}  // namespace selfheal
