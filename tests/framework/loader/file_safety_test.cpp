// check_file_safety(): every folder above a plugin up to /, as OpenSSH's StrictModes checks them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "loader/file_safety.hpp"
#include "loader_test_support.hpp"

namespace selfheal {
namespace {

using testing::contains;
using testing::fixture;

std::filesystem::path make_dir(const std::filesystem::path& dir, mode_t mode) {
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), mode);  // explicit: the umask must not decide
  return dir;
}

TEST(FileSafety, AWorldWritableFolderAboveTheDirectoryIsRefusedByName) {
  testing::TempDir dir;
  const auto open = make_dir(dir / "open", 0777);
  const auto plugins = make_dir(open / "plugins", 0755);
  const auto file = testing::copy_to(fixture("good-strategy"), plugins, "good.so");
  const auto safety = check_file_safety(file);
  EXPECT_FALSE(safety.ok());
  EXPECT_TRUE(contains(safety.error, file.string()));
  EXPECT_TRUE(contains(safety.error, "the folder " + open.string() +
                                         " above it is writable by others (mode 0777)"));
}

TEST(FileSafety, AGroupWritableFolderTwoLevelsUpIsRefused) {
  if (!testing::running_as_root()) GTEST_SKIP() << "needs root to chown";
  testing::TempDir dir;
  const auto group = make_dir(dir / "group", 0775);
  ASSERT_EQ(::chown(group.c_str(), ::geteuid(), 65534), 0);  // a group other than root's
  const auto file = testing::copy_to(fixture("good-strategy"),
                                     make_dir(group / "a" / "b", 0755), "good.so");
  ::chmod((group / "a").c_str(), 0755);
  const auto safety = check_file_safety(file);
  EXPECT_FALSE(safety.ok());
  EXPECT_TRUE(contains(safety.error, "the folder " + group.string() +
                                         " above it is writable by its group (gid 65534)"));
}

// The name the manifest gives passes through an unsafe folder even though the real file does
// not: whoever can write there can point the symlink elsewhere.
TEST(FileSafety, ASymlinkInAnUnsafeFolderIsRefused) {
  testing::TempDir dir;
  const auto safe = make_dir(dir / "safe", 0755);
  testing::copy_to(fixture("good-strategy"), safe, "good.so");
  const auto open = make_dir(dir / "open", 0777);
  std::filesystem::create_directory_symlink(safe, open / "link");
  const auto safety = check_file_safety(open / "link" / "good.so");
  EXPECT_FALSE(safety.ok());
  EXPECT_TRUE(contains(safety.error, open.string() + " above it is writable by others"));
  EXPECT_TRUE(check_file_safety(safe / "good.so").ok()) << check_file_safety(safe / "good.so").error;
}

// /tmp's mode: nobody can rename another's entry in a sticky folder.
TEST(FileSafety, AStickyWorldWritableFolderAboveIsAccepted) {
  testing::TempDir dir;
  const auto sticky = make_dir(dir / "sticky", 01777);
  const auto file =
      testing::copy_to(fixture("good-strategy"), make_dir(sticky / "plugins", 0755), "good.so");
  const auto safety = check_file_safety(file);
  EXPECT_TRUE(safety.ok()) << safety.error;
  EXPECT_EQ(safety.canonical, std::filesystem::canonical(file));
}

}  // namespace
}  // namespace selfheal
