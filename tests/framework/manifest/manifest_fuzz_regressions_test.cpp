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

}  // namespace
}  // namespace selfheal
