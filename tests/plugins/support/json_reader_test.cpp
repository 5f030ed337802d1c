#include "support/json_reader.hpp"

#include <gtest/gtest.h>

using selfheal::plugins::parse_json;

TEST(JsonReader, ParsesNestedDocument) {
  auto v = parse_json(R"({"a":[1,2.5,"x\n\u00e9",true,null],"b":{"c":-3}})");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["a"].items().size(), 5u);
  EXPECT_EQ((*v)["a"].items()[0].as_int(), 1);
  EXPECT_DOUBLE_EQ((*v)["a"].items()[1].as_double(), 2.5);
  EXPECT_EQ((*v)["a"].items()[2].as_string(), "x\n\xc3\xa9");
  EXPECT_TRUE((*v)["a"].items()[3].as_bool());
  EXPECT_TRUE((*v)["a"].items()[4].is_null());
  EXPECT_EQ((*v)["b"]["c"].as_int(), -3);
}

TEST(JsonReader, RefusesMalformedInput) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "\"unterminated", "{\"a\":1} x", "tru",
                          "{\"a\":\"\x01\"}"}) {
    EXPECT_FALSE(parse_json(bad)) << bad;
  }
}

TEST(JsonReader, LimitsDepth) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  EXPECT_FALSE(parse_json(deep));
}
