// Broken and unsafe libraries: the host (this test process) must survive every one of them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sha256.hpp"
#include "loader_test_support.hpp"

namespace selfheal {
namespace {

using testing::contains;
using testing::fixture;

class PluginLoaderFaultTest : public ::testing::Test {
 protected:
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;  // the loader's plugin store
  PluginLoader loader{testing::probe_program(), store.path(), runner, log};
  testing::TempDir dir;

  PluginRecord load_good_from(const std::filesystem::path& file) {
    return loader.load(testing::strategy_spec("good-strategy", file));
  }
};

TEST_F(PluginLoaderFaultTest, TruncatedCopiesAreRefusedBeforeDlopen) {
  const auto size = std::filesystem::file_size(fixture("good-strategy"));
  for (std::size_t keep : {std::size_t{1000}, static_cast<std::size_t>(size / 2)}) {
    const auto file = dir / ("truncated-" + std::to_string(keep) + ".so");
    testing::write_truncated(fixture("good-strategy"), file, keep);
    auto r = load_good_from(file);
    EXPECT_EQ(r.status, LoadStatus::failed) << keep << ": " << r.error;
    EXPECT_FALSE(r.object);
    EXPECT_TRUE(contains(r.error, file.string())) << keep;
    EXPECT_TRUE(contains(r.error, "truncated ELF file")) << keep;
    EXPECT_TRUE(contains(r.error, "the file has " + std::to_string(keep))) << keep;
    EXPECT_EQ(r.sha256, sha256_file(file).value_or("?"));
  }
}

TEST_F(PluginLoaderFaultTest, GarbageBytesAreRefused) {
  const auto file = dir / "garbage.so";
  testing::write_garbage(file, 8192);
  auto r = load_good_from(file);
  EXPECT_EQ(r.status, LoadStatus::failed) << r.error;
  EXPECT_TRUE(contains(r.error, file.string()));
  EXPECT_TRUE(contains(r.error, "dlopen failed"));
}

TEST_F(PluginLoaderFaultTest, WorldWritableFileIsRefusedNamingItsMode) {
  const auto file = testing::copy_to(fixture("good-strategy"), dir.path(), "writable.so");
  ASSERT_EQ(::chmod(file.c_str(), 0666), 0);
  auto r = load_good_from(file);
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, file.string()));
  EXPECT_TRUE(contains(r.error, "writable by others (mode 0666)"));
  EXPECT_TRUE(r.sha256.empty());  // refused before anything else
}

TEST_F(PluginLoaderFaultTest, FileInWorldWritableDirectoryIsRefused) {
  const auto open_dir = dir / "open";
  std::filesystem::create_directory(open_dir);
  const auto file = testing::copy_to(fixture("good-strategy"), open_dir, "good.so");
  ASSERT_EQ(::chmod(open_dir.c_str(), 0777), 0);
  auto r = load_good_from(file);
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, file.string()));
  EXPECT_TRUE(contains(
      r.error, "its directory " + open_dir.string() + " is writable by others (mode 0777)"));
}

TEST_F(PluginLoaderFaultTest, SymlinkInWorldWritableDirectoryIsRefused) {
  const auto open_dir = dir / "open";
  std::filesystem::create_directory(open_dir);
  ASSERT_EQ(::chmod(open_dir.c_str(), 0777), 0);
  const auto link = open_dir / "link.so";
  std::filesystem::create_symlink(fixture("good-strategy"), link);
  auto r = load_good_from(link);
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, "its directory " + open_dir.string()));
}

TEST_F(PluginLoaderFaultTest, StickyWorldWritableDirectoryIsAccepted) {
  const auto tmp_like = dir / "sticky";
  std::filesystem::create_directory(tmp_like);
  const auto file = testing::copy_to(fixture("good-strategy"), tmp_like, "good.so");
  ASSERT_EQ(::chmod(tmp_like.c_str(), 01777), 0);
  auto r = load_good_from(file);
  EXPECT_EQ(r.status, LoadStatus::loaded) << r.error;
}

TEST_F(PluginLoaderFaultTest, GroupWritableIsRefusedUnlessTheGroupIsRoot) {
  if (!testing::running_as_root()) GTEST_SKIP() << "needs root to chown";
  const auto file = testing::copy_to(fixture("good-strategy"), dir.path(), "group.so");
  ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(file.c_str(), 0664), 0);
  EXPECT_EQ(load_good_from(file).status, LoadStatus::loaded);

  const auto other = testing::copy_to(fixture("good-strategy"), dir.path(), "group2.so");
  ASSERT_EQ(::chown(other.c_str(), 0, 65534), 0);
  ASSERT_EQ(::chmod(other.c_str(), 0664), 0);
  auto r = load_good_from(other);
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, "writable by its group (gid 65534) (mode 0664)"));
}

TEST_F(PluginLoaderFaultTest, FileOwnedBySomeoneElseIsRefused) {
  if (!testing::running_as_root()) GTEST_SKIP() << "needs root to chown";
  const auto file = testing::copy_to(fixture("good-strategy"), dir.path(), "foreign.so");
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  auto r = load_good_from(file);
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, file.string()));
  EXPECT_TRUE(contains(r.error, "owned by uid 65534"));
  EXPECT_TRUE(contains(r.error, "(mode 0644)"));
}

TEST_F(PluginLoaderFaultTest, CrashingFactoryIsQuarantinedAndTheHostSurvives) {
  auto r = loader.load(testing::strategy_spec("crashing-factory", fixture("crashing-factory")));
  EXPECT_EQ(r.status, LoadStatus::quarantined) << r.error;
  EXPECT_FALSE(r.object);
  EXPECT_TRUE(contains(r.error, fixture("crashing-factory").string()));
  EXPECT_TRUE(contains(r.error, "; quarantined"));
  // Under AddressSanitizer the probe reports the SEGV itself and exits 1 instead of dying.
  if (!testing::kAddressSanitizer) {
    EXPECT_TRUE(contains(r.error, "probe crashed with SIGSEGV while loading"));
  }
  ASSERT_TRUE(r.descriptor);  // the probe printed it before calling the factory
  EXPECT_EQ(r.descriptor->name, "crashing-factory");
  // Still here, and still able to load.
  EXPECT_EQ(load_good_from(fixture("good-strategy")).status, LoadStatus::loaded);
}

TEST_F(PluginLoaderFaultTest, CrashWhileOpeningIsQuarantined) {
  auto r = loader.load(testing::strategy_spec("crashing-init", fixture("crashing-init")));
  EXPECT_EQ(r.status, LoadStatus::quarantined) << r.error;
  EXPECT_FALSE(r.descriptor);  // it died before the descriptor could be read
  if (!testing::kAddressSanitizer) {
    EXPECT_TRUE(contains(r.error, "probe crashed with SIGSEGV while loading " +
                                      fixture("crashing-init").string() + "; quarantined"));
  }
}

TEST_F(PluginLoaderFaultTest, HangingFactoryIsQuarantinedWhenTheProbeTimesOut) {
  PluginLoader quick(testing::probe_program(), store.path(), runner, log, std::chrono::seconds(2));
  const auto started = std::chrono::steady_clock::now();
  auto r = quick.load(testing::strategy_spec("hanging-factory", fixture("hanging-factory")));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, LoadStatus::quarantined) << r.error;
  EXPECT_TRUE(contains(
      r.error, "probe timed out after 2 s while loading " + fixture("hanging-factory").string()));
  EXPECT_LT(took, std::chrono::seconds(30));
}

TEST_F(PluginLoaderFaultTest, LoadAllLoadsTheGoodAndReportsTheBad) {
  const auto garbage = dir / "garbage.so";
  testing::write_garbage(garbage, 4096);
  const std::vector<PluginSpec> specs = {
      testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", fixture("good-diagnoser")),
      testing::strategy_spec("crashing-factory", fixture("crashing-factory")),
      testing::strategy_spec("wrong-major", fixture("wrong-major")),
      testing::strategy_spec("good-strategy", fixture("good-strategy")),
      testing::strategy_spec("garbage", garbage),
      testing::spec(sdk::PluginKind::component, "good-component", fixture("good-component")),
  };
  std::vector<const PluginSpec*> pointers;
  for (const auto& s : specs) pointers.push_back(&s);
  pointers.insert(pointers.begin() + 2, nullptr);  // skipped
  auto records = loader.load_all(pointers);
  ASSERT_EQ(records.size(), specs.size());
  const LoadStatus expected[] = {LoadStatus::loaded, LoadStatus::quarantined, LoadStatus::failed,
                                 LoadStatus::loaded, LoadStatus::failed,      LoadStatus::loaded};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(records[i].spec.name, specs[i].name);
    EXPECT_EQ(records[i].status, expected[i]) << specs[i].name << ": " << records[i].error;
    EXPECT_EQ(records[i].object != nullptr, expected[i] == LoadStatus::loaded) << specs[i].name;
    if (expected[i] != LoadStatus::loaded) {
      EXPECT_TRUE(contains(records[i].error, specs[i].library.string()));
    }
  }
}

}  // namespace
}  // namespace selfheal
