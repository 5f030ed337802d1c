// The kernel's facts the host's real Env reports: free bytes of a real (small, full) filesystem,
// of a path that does not exist yet, and MemAvailable.
#include "core/machine_facts.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"
#include "tmpfs_mount.hpp"

using namespace selfheal;

TEST(MachineFacts, FreeBytesOfAFullFilesystemAreFewAndAMissingPathUsesItsAncestor) {
  selfheal::testing::TempDir dir;
  const auto mount = dir.path() / "small";
  selfheal::testing::TmpfsMount tmpfs(mount, 1 << 20);
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << tmpfs.error();
  auto empty = free_bytes_on(mount);
  ASSERT_TRUE(empty);
  EXPECT_GT(*empty, 0u);
  EXPECT_LE(*empty, std::uint64_t{1} << 20);
  ASSERT_TRUE(tmpfs.fill(mount / "filler"));
  auto full = free_bytes_on(mount / "target" / "release");  // not there yet: the tmpfs counts
  ASSERT_TRUE(full);
  EXPECT_LT(*full, std::uint64_t{64} << 10);
}

TEST(MachineFacts, MemAvailableIsReadFromProcMeminfo) {
  auto available = mem_available_bytes();
  ASSERT_TRUE(available) << "/proc/meminfo has no MemAvailable";
  EXPECT_GT(*available, 0u);
}

TEST(MachineFacts, APathThatDoesNotExistIsMeasuredAtItsNearestAncestor) {
  auto free = free_bytes_on("/nonexistent/selfheal/target");  // falls back to "/"
  ASSERT_TRUE(free);
  EXPECT_GT(*free, 0u);
}
