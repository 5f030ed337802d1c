#include "support/cargo_messages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

using namespace selfheal::plugins;

TEST(CargoMessages, ExtractsCompilerErrorsArtifactsAndPlainLines) {
  std::vector<std::string> lines = {
      R"({"reason":"compiler-message","package_id":"x","message":{"level":"error","code":{"code":"E0425","explanation":"..."},"message":"cannot find value `y` in this scope","spans":[{"file_name":"src/lib.rs","line_start":3,"column_start":5,"is_primary":true}]}})",
      R"({"reason":"compiler-message","message":{"level":"warning","code":null,"message":"unused","spans":[]}})",
      R"({"reason":"compiler-artifact","filenames":["/t/release/libx.so"]})",
      R"({"reason":"build-finished","success":false})",
      "error: could not compile `x` (lib) due to 1 previous error",
  };
  auto out = parse_cargo_output(lines);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].code, "E0425");
  EXPECT_EQ(out.errors[0].file, "src/lib.rs");
  EXPECT_EQ(out.errors[0].line, 3);
  EXPECT_EQ(out.errors[0].column, 5);
  EXPECT_EQ(out.artifacts, std::vector<std::string>{"/t/release/libx.so"});
  EXPECT_TRUE(out.finished);
  EXPECT_FALSE(out.finished_success);
  ASSERT_EQ(out.plain_lines.size(), 1u);
  auto v = to_value(out.errors);
  EXPECT_EQ(v.items()[0]["message"].as_string(), "cannot find value `y` in this scope");
}

TEST(CargoMessages, GarbageLinesAreKeptAsPlainText) {
  auto out = parse_cargo_output({"{not json", "{\"reason\":", ""});
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.plain_lines.size(), 3u);
}

// Found by fuzz/fuzz_build_output: a position of 1e300 was converted to an integer, which is
// undefined behaviour; a number out of int64's range now reads as the fallback.
TEST(CargoMessages, OutOfRangePositionsAreNotConverted) {
  auto out = parse_cargo_output({
      R"({"reason":"compiler-message","message":{"level":"error","message":"m","spans":[{"file_name":"a.rs","line_start":1e300,"column_start":-1e300,"is_primary":true}]}})"});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].line, 0);
  EXPECT_EQ(out.errors[0].column, 0);

  using selfheal::sdk::Value;
  EXPECT_EQ(Value(1e300).as_int(7), 7);
  EXPECT_EQ(Value(-1e300).as_int(7), 7);
  EXPECT_EQ(Value(0x1p63).as_int(7), 7);
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()).as_int(7), 7);
  EXPECT_EQ(Value(-0x1p63).as_int(7), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(Value(-2.9).as_int(7), -2);
}
