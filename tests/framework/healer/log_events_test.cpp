// The healer's log tells the story (issue 17): every change of a diagnosis, every fix's start and
// outcome, with key=value fields (here as JSON lines, settings.log_format: json).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

// The JSON lines a host logs, parsed.
class LogEventsRecorder {
 public:
  std::shared_ptr<LogSink> sink() {
    auto sink = std::make_shared<LogSink>(LogLevel::info, [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
    sink->set_format(LogFormat::json);
    return sink;
  }
  // The events whose message starts with `prefix`, from source "healer".
  std::vector<boost::json::object> events(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    std::vector<boost::json::object> found;
    for (const auto& line : lines_) {
      auto v = boost::json::parse(line).as_object();  // every line is one JSON object
      if (v.at("source") == "healer" && std::string(v.at("message").as_string()).rfind(prefix, 0) == 0)
        found.push_back(std::move(v));
    }
    return found;
  }
  std::string all() {
    std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& l : lines_) text += l + "\n";
    return text;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST(LogEvents, AFixLogsItsStartEachStrategyItsOutcomeAndTheDiagnosisChanges) {
  LogEventsRecorder log;
  HarnessOptions o;
  o.log_sink = log.sink();
  HealerHarness h(o);
  auto outcome = h.fix();  // the fixture crate starts unbuilt
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("") << log.all();

  const auto started = log.events("fix " + std::to_string(outcome.fix_id) + " of tiny started");
  ASSERT_EQ(started.size(), 1u) << log.all();
  EXPECT_EQ(started[0].at("level"), "INFO");
  EXPECT_EQ(started[0].at("issue"), "not_built");
  EXPECT_EQ(started[0].at("strategies"), "build");
  EXPECT_EQ(started[0].at("trigger"), "manual");
  EXPECT_EQ(started[0].at("fix_id").as_int64(), outcome.fix_id);

  const auto built = log.events("build finished");
  ASSERT_EQ(built.size(), 1u) << log.all();
  EXPECT_EQ(built[0].at("success").as_bool(), true);
  EXPECT_TRUE(built[0].at("duration_ms").is_int64());

  const auto done = log.events("fix " + std::to_string(outcome.fix_id) + " of tiny succeeded");
  ASSERT_EQ(done.size(), 1u) << log.all();
  EXPECT_EQ(done[0].at("issue"), "not_built");
  EXPECT_EQ(done[0].at("strategy"), "build");
  EXPECT_EQ(done[0].at("success").as_bool(), true);
  EXPECT_GE(done[0].at("duration_ms").as_int64(), built[0].at("duration_ms").as_int64());
  EXPECT_FALSE(done[0].contains("remaining_issue"));

  // unknown -> not_built (the first diagnosis), then not_built -> healthy (the verification).
  const auto changes = log.events("diagnosis of tiny changed");
  ASSERT_EQ(changes.size(), 2u) << log.all();
  EXPECT_EQ(changes[0].at("issue_type_before"), "unknown");
  EXPECT_EQ(changes[0].at("issue_type_after"), "not_built");
  EXPECT_EQ(changes[0].at("level"), "WARN");
  EXPECT_EQ(changes[1].at("issue_type_before"), "not_built");
  EXPECT_EQ(changes[1].at("issue_type_after"), "healthy");
  h.diagnose();
  EXPECT_EQ(log.events("diagnosis of tiny changed").size(), 2u) << "an unchanged diagnosis is not logged again";
}

TEST(LogEvents, AFailedBuildLogsItsFirstCompilerError) {
  LogEventsRecorder log;
  HarnessOptions o;
  o.log_sink = log.sink();
  HealerHarness h(o);
  const std::string good = h.read(h.crate_dir() / "src/lib.rs");
  h.write_crate_file("src/lib.rs", good + "\npub fn broken() -> u32 { undefined_value }\n");
  auto outcome = h.fix();  // not_built -> the build fails -> build_failed remains
  ASSERT_FALSE(outcome.success);

  const auto failed = log.events("fix " + std::to_string(outcome.fix_id) + " of tiny failed");
  ASSERT_EQ(failed.size(), 1u) << log.all();
  EXPECT_EQ(failed[0].at("level"), "WARN");
  EXPECT_EQ(failed[0].at("success").as_bool(), false);
  EXPECT_TRUE(failed[0].at("remaining_issue").is_string()) << log.all();
  const std::string first_error(failed[0].at("first_error").as_string());
  EXPECT_NE(first_error.find("src/lib.rs:"), std::string::npos) << first_error;
  EXPECT_NE(first_error.find("error[E0425]"), std::string::npos) << first_error;
  const auto strategy = log.events("build failed for not_built");
  ASSERT_EQ(strategy.size(), 1u) << log.all();
  EXPECT_EQ(strategy[0].at("first_error"), failed[0].at("first_error"));
}

}  // namespace
}  // namespace selfheal::testing
