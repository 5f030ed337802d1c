#include "support/build_record.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "selfheal/sdk/testing/temp_crate.hpp"

using namespace selfheal::plugins;

TEST(BuildRecord, RoundTripsAndReadsTheLastOutput) {
  selfheal::sdk::testing::TempCrate crate;
  const auto& paths = crate.paths();
  EXPECT_FALSE(read_build_record(paths));
  BuildRecord r;
  r.finished_at = 1234;
  r.duration_ms = 56;
  r.started = true;
  r.exit_code = 101;
  r.signal = 0;
  r.command = "cargo build --offline";
  ASSERT_TRUE(write_build_record(paths, r));
  auto back = read_build_record(paths);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->finished_at, 1234);
  EXPECT_EQ(back->exit_code, 101);
  EXPECT_FALSE(back->success());
  EXPECT_EQ(back->command, "cargo build --offline");

  std::ofstream(build_output_file(paths)) << "one\ntwo\nthree\n";
  EXPECT_EQ(read_build_output(paths), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(read_build_output(paths, 7), (std::vector<std::string>{"three"}));
}

TEST(BuildRecord, RotatesTheLogKeepingTheNewest) {
  selfheal::sdk::testing::TempCrate crate;
  auto log = crate.paths().build_log;
  for (int i = 0; i < 4; ++i) {
    std::ofstream(log, std::ios::trunc) << std::string(100, static_cast<char>('a' + i));
    rotate_log(log, 50, 2);
  }
  EXPECT_FALSE(std::filesystem::exists(log));
  std::ifstream one(log.string() + ".1"), two(log.string() + ".2");
  std::string s1, s2;
  one >> s1;
  two >> s2;
  EXPECT_EQ(s1[0], 'd');
  EXPECT_EQ(s2[0], 'c');
  EXPECT_FALSE(std::filesystem::exists(log.string() + ".3"));
}
