// LogSink's two formats: text lines with logfmt key=value fields, and JSON lines.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

namespace selfheal {
namespace {

std::vector<std::string> log_lines_of(LogFormat format, const LogFields& fields, std::string_view message) {
  std::vector<std::string> lines;
  LogSink sink(LogLevel::info, [&](std::string_view line) { lines.emplace_back(line); });
  sink.set_format(format);
  sink.write(LogLevel::info, "healer", message, fields);
  sink.write(LogLevel::debug, "healer", "below the threshold");
  return lines;
}

TEST(LogSink, TextLinesCarryKeyValueFieldsQuotedWhenNeeded) {
  const auto lines = log_lines_of(LogFormat::text,
                                  LogFields()
                                      .add("issue", "not_built")
                                      .add("duration_ms", 1234)
                                      .add("success", false)
                                      .add("error", "cargo build failed with \"exit\" code 101")
                                      .add("empty", ""),
                                  "fix 3 of tiny failed\nsecond line");
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  // "<UTC time> <LEVEL> [<source>] <message> fields"
  EXPECT_EQ(line.find(" INFO [healer] fix 3 of tiny failed second line issue=not_built duration_ms=1234"
                      " success=false error=\"cargo build failed with \\\"exit\\\" code 101\" empty=\"\""),
            24u)
      << line;
  EXPECT_EQ(line[10], 'T') << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogSink, TextLinesWithoutFieldsAreAsBefore) {
  const auto lines = log_lines_of(LogFormat::text, {}, "building rust-core");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(24), " INFO [healer] building rust-core");
}

TEST(LogSink, JsonLinesAreOneObjectWithTypedFields) {
  const auto lines = log_lines_of(LogFormat::json,
                                  LogFields()
                                      .add("issue", "not_built")
                                      .add("duration_ms", std::int64_t{1234})
                                      .add("success", true)
                                      .add("first_error", "src/lib.rs:3:5: error[E0425]: \"x\"\tnot found\\")
                                      .add("message", "a field named as a member"),
                                  "fix 3 of tiny succeeded\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  const auto v = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(v.at("level"), "INFO");
  EXPECT_EQ(v.at("source"), "healer");
  EXPECT_EQ(v.at("message"), "fix 3 of tiny succeeded\n");
  EXPECT_EQ(v.at("time").as_string().size(), 24u);
  EXPECT_EQ(v.at("issue"), "not_built");
  EXPECT_EQ(v.at("duration_ms").as_int64(), 1234);
  EXPECT_EQ(v.at("success").as_bool(), true);
  EXPECT_EQ(v.at("first_error"), "src/lib.rs:3:5: error[E0425]: \"x\"\tnot found\\");
  EXPECT_EQ(v.at("message_field"), "a field named as a member");
  // The members come in a fixed order, so a human reading the file sees time first.
  EXPECT_EQ(lines[0].rfind("{\"time\":", 0), 0u);
}

TEST(LogSink, FormatNamesParse) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_FALSE(parse_log_format("JSON"));
}

}  // namespace
}  // namespace selfheal
