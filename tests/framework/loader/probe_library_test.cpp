// PluginLoader::probe_library: any shared library, opened in the probe.
#include <gtest/gtest.h>

#include <csignal>

#include "loader_test_support.hpp"

namespace selfheal {
namespace {

using testing::contains;
using testing::fixture;

class ProbeLibraryTest : public ::testing::Test {
 protected:
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;  // the loader's plugin store
  PluginLoader loader{testing::probe_program(), store.path(), runner, log};
  testing::TempDir dir;
};

TEST_F(ProbeLibraryTest, GoodLibraryWithPresentSymbols) {
  auto r = loader.probe_library(fixture("good-strategy"),
                                {"selfheal_plugin_descriptor", "selfheal_plugin_create"});
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.crashed);
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(r.abi_version);
  EXPECT_TRUE(r.build_info.empty());
}

TEST_F(ProbeLibraryTest, MissingSymbolsAreNamed) {
  auto r = loader.probe_library(fixture("good-strategy"),
                                {"selfheal_plugin_create", "no_such_symbol", "nor_this_one"});
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.crashed);
  EXPECT_TRUE(contains(r.error, fixture("good-strategy").string()));
  EXPECT_TRUE(contains(r.error, "missing exported symbols: no_such_symbol, nor_this_one"));
}

TEST_F(ProbeLibraryTest, ReportsWhatAnArtifactSaysAboutItself) {
  auto r = loader.probe_library(fixture("artifact"), {"selfheal_abi_version"});
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_TRUE(r.abi_version);
  EXPECT_EQ(*r.abi_version, 7u);
  EXPECT_EQ(r.build_info, "crate_version=9.9.9\nrustc_version=rustc 1.0.0\nabi_version=7\n");
}

TEST_F(ProbeLibraryTest, TruncatedAndMissingFilesDoNotLoad) {
  const auto truncated = dir / "truncated.so";
  testing::write_truncated(fixture("good-strategy"), truncated, 1000);
  auto r = loader.probe_library(truncated);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, truncated.string()));

  auto half = dir / "half.so";
  testing::write_truncated(fixture("good-strategy"), half,
                           std::filesystem::file_size(fixture("good-strategy")) / 2);
  auto h = loader.probe_library(half);
  EXPECT_FALSE(h.ok);
  EXPECT_FALSE(h.crashed);
  EXPECT_TRUE(contains(h.error, "truncated ELF file"));

  auto missing = loader.probe_library(dir / "missing.so");
  EXPECT_FALSE(missing.ok);
  EXPECT_FALSE(missing.crashed);
  EXPECT_TRUE(contains(missing.error, "missing.so"));
}

TEST_F(ProbeLibraryTest, CrashWhileOpeningIsReportedAsCrashed) {
  auto r = loader.probe_library(fixture("crashing-init"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.crashed);  // by a signal, or (under ASan) by a report without a verdict
  EXPECT_TRUE(contains(r.error, fixture("crashing-init").string()));
  if (!testing::kAddressSanitizer) {
    EXPECT_EQ(r.signal, SIGSEGV);
    EXPECT_TRUE(contains(r.error, "probe crashed with SIGSEGV"));
  }
}

TEST_F(ProbeLibraryTest, OpeningALibraryRunsNoFactory) {
  auto r = loader.probe_library(fixture("crashing-factory"), {"selfheal_plugin_create"});
  EXPECT_TRUE(r.ok) << r.error;  // only its factory crashes, and library mode never calls it
  EXPECT_FALSE(r.crashed);
}

// Counts the children the loader starts: one per probe that was not answered from memory.
class CountingProbeRunner final : public sdk::ProcessRunner {
 public:
  sdk::ProcessResult run(const sdk::ProcessSpec& spec) override {
    ++runs;
    return real.run(spec);
  }
  PosixProcessRunner real;
  int runs = 0;
};

class ProbeVerdictCacheTest : public ::testing::Test {
 protected:
  CountingProbeRunner counting;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;
  PluginLoader loader{testing::probe_program(), store.path(), counting, log};
  testing::TempDir dir;
};

TEST_F(ProbeVerdictCacheTest, TheSameBytesAreProbedOnceAtAnyPath) {
  const auto a = dir / "a.so", b = dir / "b.so";
  std::filesystem::copy_file(fixture("artifact"), a);
  std::filesystem::copy_file(fixture("artifact"), b);
  auto first = loader.probe_library(a, {"selfheal_abi_version"});
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(counting.runs, 1);
  auto again = loader.probe_library(a, {"selfheal_abi_version"});
  auto elsewhere = loader.probe_library(b, {"selfheal_abi_version"});
  EXPECT_EQ(counting.runs, 1);
  for (const auto& r : {again, elsewhere}) {
    EXPECT_TRUE(r.ok);
    ASSERT_TRUE(r.abi_version);
    EXPECT_EQ(*r.abi_version, 7u);
    EXPECT_EQ(r.build_info, first.build_info);
  }
  // Other required symbols are another question.
  auto more = loader.probe_library(a, {"selfheal_abi_version", "selfheal_build_info"});
  EXPECT_TRUE(more.ok) << more.error;
  EXPECT_EQ(counting.runs, 2);
}

TEST_F(ProbeVerdictCacheTest, BytesRewrittenAtTheSameSizeAreProbedAgain) {
  const auto lib = dir / "lib.so";
  std::filesystem::copy_file(fixture("artifact"), lib);
  ASSERT_TRUE(loader.probe_library(lib).ok);
  // Same size, same path, same inode: only the content says it is not the library probed before.
  auto bytes = testing::read_bytes(lib);
  const auto size = bytes.size();
  std::fill(bytes.begin(), bytes.begin() + 16, '\0');  // no ELF header any more
  testing::write_bytes(lib, bytes);
  ASSERT_EQ(std::filesystem::file_size(lib), size);
  auto r = loader.probe_library(lib);
  EXPECT_EQ(counting.runs, 2);
  EXPECT_FALSE(r.ok);
}

TEST_F(ProbeVerdictCacheTest, ARefusalIsNeverRemembered) {
  const auto lib = dir / "lib.so";
  testing::write_truncated(fixture("artifact"), lib, 1000);
  EXPECT_FALSE(loader.probe_library(lib).ok);
  EXPECT_FALSE(loader.probe_library(lib).ok);
  EXPECT_EQ(counting.runs, 2);
  EXPECT_FALSE(loader.probe_library(fixture("good-strategy"), {"no_such_symbol"}).ok);
  EXPECT_FALSE(loader.probe_library(fixture("good-strategy"), {"no_such_symbol"}).ok);
  EXPECT_EQ(counting.runs, 4);
  // Repaired in place: the good bytes are probed (and accepted) now.
  std::filesystem::copy_file(fixture("artifact"), lib, std::filesystem::copy_options::overwrite_existing);
  EXPECT_TRUE(loader.probe_library(lib).ok);
  EXPECT_EQ(counting.runs, 5);
}

TEST_F(ProbeVerdictCacheTest, ACrashIsNeverRemembered) {
  EXPECT_TRUE(loader.probe_library(fixture("crashing-init")).crashed);
  EXPECT_TRUE(loader.probe_library(fixture("crashing-init")).crashed);
  EXPECT_EQ(counting.runs, 2);
}

}  // namespace
}  // namespace selfheal
