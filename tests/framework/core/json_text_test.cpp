// json_text prints numbers as people and other JSON tools do, and stays valid JSON that reads
// back to the same value.
#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

namespace selfheal {
namespace {

TEST(JsonText, DoublesAreShortestDecimalsNotScientific) {
  EXPECT_EQ(json_text(8.0), "8");
  EXPECT_EQ(json_text(0.01), "0.01");
  EXPECT_EQ(json_text(-2.5), "-2.5");
  EXPECT_EQ(json_text(0.0), "0");
  EXPECT_EQ(json_text(1e300), "1e+300");  // still a JSON number
  EXPECT_EQ(json_text(0.1 + 0.2), "0.30000000000000004");  // exact round trip, not rounded
}

TEST(JsonText, NonFiniteDoublesAreNull) {
  EXPECT_EQ(json_text(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(json_text(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonText, NestedValuesKeepOrderEscapesAndReadBack) {
  boost::json::value v = {{"ratio", 0.25},
                          {"name", "a \"quoted\"\nline"},
                          {"list", {1, 2.5, true, nullptr, "x"}},
                          {"empty", boost::json::object{}},
                          {"none", boost::json::array{}}};
  const std::string text = json_text(v);
  EXPECT_EQ(text,
            R"({"ratio":0.25,"name":"a \"quoted\"\nline","list":[1,2.5,true,null,"x"],"empty":{},"none":[]})");
  EXPECT_EQ(boost::json::parse(text), boost::json::parse(boost::json::serialize(v)));
}

}  // namespace
}  // namespace selfheal
