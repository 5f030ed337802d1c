#include "loader/elf_check.hpp"

#include <gtest/gtest.h>

#include "loader_test_support.hpp"

namespace selfheal {
namespace {

using testing::fixture;

TEST(ElfCheck, CompleteLibraryPasses) {
  EXPECT_EQ(check_elf_extent(fixture("good-strategy")), "");
  EXPECT_EQ(check_elf_extent(testing::probe_program()), "");  // executables too
}

TEST(ElfCheck, TruncatedCopiesAreNamedWithBothSizes) {
  testing::TempDir dir;
  const auto full = std::filesystem::file_size(fixture("good-strategy"));
  for (std::size_t keep : {std::size_t{100}, std::size_t{1000}, static_cast<std::size_t>(full / 2),
                           static_cast<std::size_t>(full - 1)}) {
    const auto file = dir / "cut.so";
    testing::write_truncated(fixture("good-strategy"), file, keep);
    const auto why = check_elf_extent(file);
    EXPECT_TRUE(testing::contains(why, "truncated ELF file")) << keep;
    EXPECT_TRUE(testing::contains(why, "the file has " + std::to_string(keep))) << keep;
  }
}

TEST(ElfCheck, NonElfAndMissingFilesAreLeftToDlopen) {
  testing::TempDir dir;
  testing::write_garbage(dir / "garbage.so", 4096);
  EXPECT_EQ(check_elf_extent(dir / "garbage.so"), "");
  EXPECT_EQ(check_elf_extent(dir / "missing.so"), "");
  testing::write_bytes(dir / "tiny.so", {'\x7f', 'E', 'L', 'F'});
  EXPECT_NE(check_elf_extent(dir / "tiny.so"), "");
}

}  // namespace
}  // namespace selfheal
