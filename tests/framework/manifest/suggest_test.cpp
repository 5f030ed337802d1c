// "Did you mean": edit distance and the nearest candidate.
#include "manifest/suggest.hpp"

#include <gtest/gtest.h>

namespace selfheal::manifest_detail {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("port", "prot"), 2u);
  EXPECT_EQ(edit_distance("chek_interval", "check_interval"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestWithinTwoEdits) {
  const std::vector<std::string> keys{"name", "library", "config"};
  EXPECT_EQ(closest("libary", keys), "library");
  EXPECT_EQ(closest("nmae", keys), "name");
  EXPECT_EQ(closest("settings", keys), std::nullopt);
  EXPECT_EQ(did_you_mean("confg", keys), " (did you mean 'config'?)");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
  EXPECT_EQ(join(keys), "name, library, config");
}

}  // namespace
}  // namespace selfheal::manifest_detail
