// What each command prints with --json, and its exit code, on a real world: the tiny fixture
// crate (never built at first), the built plugins and a state folder. The shapes are those of the
// matching HTTP answers (tests/framework/http/endpoints_test.cpp), printed one JSON value per line.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "json_shape.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

boost::json::value json_of(const CliRun& run) {
  boost::system::error_code ec;
  auto v = boost::json::parse(run.out, ec);
  EXPECT_FALSE(ec) << "not one JSON value: " << run.out << run.err;
  return v;
}

TEST(CliJson, CheckPrintsTheLoadedPlanOrEveryErrorWithItsPosition) {
  ServeWorld world;
  world.write_manifest();
  const auto valid = run_selfheal({"check", "--json", "--config", world.manifest_file().string()});
  ASSERT_EQ(valid.exit_code, 0) << valid.err;
  const auto plan = json_of(valid);
  EXPECT_EQ(plan.at("valid"), true);
  EXPECT_EQ(plan.at("file").as_string(), world.manifest_file().string());
  ASSERT_TRUE(field_is(plan, "plugins", Kind::array));
  EXPECT_EQ(plan.at("plugins").as_array().size(), 9u + 6u + 6u);
  for (const auto& p : plan.at("plugins").as_array())
    for (const char* f : {"kind", "name", "library"}) EXPECT_TRUE(field_is(p, f, Kind::string));
  EXPECT_EQ(boost::json::serialize(plan.at("issues").at("not_built")), R"(["build"])");

  // --state-dir / --plugin-dir move the manifest's folders; check prints them resolved.
  const auto moved_state = world.root() / "moved-state";
  const auto moved_plugins = world.root() / "moved-plugins";  // the built plugins, elsewhere
  std::filesystem::create_directory_symlink(SELFHEAL_PLUGIN_DIR, moved_plugins);
  const auto moved = run_selfheal({"check", "--json", "--config", world.manifest_file().string(),
                                   "--state-dir", moved_state.string(), "--plugin-dir",
                                   moved_plugins.string()});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  const auto moved_plan = json_of(moved);
  EXPECT_EQ(moved_plan.at("state_dir").as_string(), moved_state.string());
  EXPECT_EQ(moved_plan.at("plugin_dir").as_string(), moved_plugins.string());
  for (const auto& p : moved_plan.at("plugins").as_array())
    EXPECT_EQ(std::filesystem::path(std::string(p.at("library").as_string())).parent_path(),
              moved_plugins);
  EXPECT_NE(plan.at("state_dir"), moved_plan.at("state_dir"));
  ASSERT_TRUE(field_is(moved_plan, "crates", Kind::array));
  for (const char* f : {"name", "path", "target_dir"})
    EXPECT_TRUE(field_is(moved_plan.at("crates").as_array().at(0), f, Kind::string)) << f;
  const auto empty = run_selfheal({"check", "--config", world.manifest_file().string(),
                                   "--state-dir", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("--state-dir needs a folder"), std::string::npos) << empty.err;

  world.extra_settings = "  chek_interval: 3\n  max_retries: -1\n";
  world.write_manifest();
  const auto invalid = run_selfheal({"check", "--json", "--config", world.manifest_file().string()});
  EXPECT_EQ(invalid.exit_code, 3);
  const auto verdict = json_of(invalid);
  EXPECT_EQ(verdict.at("valid"), false);
  ASSERT_TRUE(field_is(verdict, "errors", Kind::array));
  ASSERT_EQ(verdict.at("errors").as_array().size(), 2u) << verdict;
  for (const auto& e : verdict.at("errors").as_array()) {
    EXPECT_TRUE(field_is(e, "line", Kind::integer));
    EXPECT_TRUE(field_is(e, "column", Kind::integer));
    for (const char* f : {"file", "key", "message", "text"}) EXPECT_TRUE(field_is(e, f, Kind::string));
    EXPECT_EQ(e.at("file").as_string(), world.manifest_file().string());
  }
  EXPECT_EQ(verdict.at("errors").at(0).at("key"), "settings.chek_interval");
  EXPECT_EQ(verdict.at("errors").at(0).at("column"), 3);
}

TEST(CliJson, PluginsListsEveryDescriptorAndFailsWhenOneCannotLoad) {
  ServeWorld world;
  world.write_manifest();
  const auto run = run_selfheal({"plugins", "--json", "--config", world.manifest_file().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto list = json_of(run);
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.as_array().size(), 21u);
  for (const auto& p : list.as_array()) {
    for (const char* f : {"kind", "name", "file", "sha256", "status", "version", "api_version"})
      EXPECT_TRUE(field_is(p, f, Kind::string));
    EXPECT_EQ(p.at("status"), "loaded") << p;
    EXPECT_EQ(p.at("sha256").as_string().size(), 64u);
  }
  // A library that is not a shared object: that plugin fails with the reason, the others load.
  const auto garbage = world.root() / "garbage.so";
  ServeWorld::write_file(garbage, std::string(4096, 'x'));
  auto text = world.manifest_text();
  const std::string library = "library: issue-disk-full.so";
  text.replace(text.find(library), library.size(), "library: " + garbage.string());
  ServeWorld::write_file(world.manifest_file(), text);
  const auto failed = run_selfheal({"plugins", "--json", "--config", world.manifest_file().string()});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  int loaded = 0;
  const auto after = json_of(failed);
  for (const auto& p : after.as_array()) {
    if (p.at("name") == "disk_full") {
      EXPECT_EQ(p.at("status"), "failed") << p;
      EXPECT_TRUE(field_is(p, "error", Kind::string));
    } else {
      loaded += p.at("status") == "loaded";
    }
  }
  EXPECT_EQ(loaded, 20);
  const auto plain = run_selfheal({"plugins", "--config", world.manifest_file().string()});
  EXPECT_EQ(plain.exit_code, 1);
  // The text lists what --help promises: a header, then kind, name, version, file, API, the
  // checksum (12 hex digits of the one --json carries), status and reason, tab-separated.
  std::istringstream lines(plain.out);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(line, "KIND\tNAME\tVERSION\tFILE\tAPI\tSHA256\tSTATUS\tREASON");
  int rows = 0;
  bool disk_full_listed = false;
  while (std::getline(lines, line)) {
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string col; std::getline(fields, col, '\t');) cols.push_back(col);
    ASSERT_EQ(cols.size(), 8u) << line;
    ++rows;
    for (const auto& p : after.as_array()) {
      if (p.at("name").as_string() != cols[1]) continue;
      EXPECT_EQ(cols[3], p.at("file").as_string()) << line;
      const std::string sha(p.at("sha256").as_string());
      EXPECT_EQ(cols[5], sha.empty() ? "-" : sha.substr(0, 12)) << line;
      EXPECT_EQ(cols[6], p.at("status").as_string()) << line;
    }
    if (cols[1] == "disk_full") {
      disk_full_listed = true;
      EXPECT_EQ(cols[6], "failed");
      EXPECT_NE(cols[7], "-");
    }
  }
  EXPECT_EQ(rows, 21);
  EXPECT_TRUE(disk_full_listed) << plain.out;
}

// One world through a crate's life: not built (diagnose 1), fixed with a real cargo build (fix 5),
// healthy (diagnose 0, fix 0), rebuilt clean (clean-build 5); status and history tell it after.
TEST(CliJson, DiagnoseFixCleanBuildStatusAndHistoryFollowTheCrate) {
  ServeWorld world;
  world.write_manifest();
  const auto config = world.manifest_file().string();

  const auto sick = run_selfheal({"diagnose", "--json", "--config", config});
  EXPECT_EQ(sick.exit_code, 1) << sick.err;
  const auto diagnosis = json_of(sick);
  EXPECT_EQ(diagnosis.at("issue_type"), "not_built");
  EXPECT_EQ(diagnosis.at("status"), "issue");
  EXPECT_EQ(diagnosis.at("crate"), "tiny");
  EXPECT_TRUE(field_is(diagnosis, "details", Kind::object));
  EXPECT_TRUE(field_is(diagnosis, "can_auto_fix", Kind::boolean));
  EXPECT_TRUE(field_is(diagnosis, "summary", Kind::string));

  const auto fixed = run_selfheal({"fix", "--json", "--config", config});
  ASSERT_EQ(fixed.exit_code, 5) << fixed.out << fixed.err;
  // Not a terminal: the build's progress as plain lines on stderr, counted against Cargo.lock
  // (one package), and in the log; stdout stays one JSON document.
  EXPECT_NE(fixed.err.find("\nCompiling selfheal-tiny (1/1)\n"), std::string::npos) << fixed.err;
  EXPECT_NE(fixed.err.find("tiny: Compiling selfheal-tiny (1/1) fix_id="), std::string::npos) << fixed.err;
  const auto fix = json_of(fixed);
  EXPECT_EQ(fix.at("success"), true);
  EXPECT_EQ(fix.at("issue_type"), "not_built");
  EXPECT_EQ(fix.at("strategy_used"), "build");
  EXPECT_TRUE(fix.at("error").is_null());
  EXPECT_TRUE(field_is(fix, "fix_id", Kind::integer));
  EXPECT_TRUE(field_is(fix, "attempts", Kind::array));
  EXPECT_TRUE(fix.at("remaining_issue").is_null()) << "fixed, so nothing remains: " << fixed.out;

  const auto healthy = run_selfheal({"diagnose", "--json", "--config", config});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_EQ(json_of(healthy).at("status"), "healthy");
  const auto nothing = run_selfheal({"fix", "--config", config});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.out << nothing.err;
  EXPECT_NE(nothing.out.find("tiny: healthy, nothing to fix"), std::string::npos) << nothing.out;
  // A healthy fix has its own id; no later fix reuses it.
  const auto healthy_fix = run_selfheal({"fix", "--json", "--config", config});
  EXPECT_EQ(healthy_fix.exit_code, 0) << healthy_fix.out << healthy_fix.err;
  const auto healthy_id = json_of(healthy_fix).at("fix_id").to_number<std::int64_t>();
  EXPECT_GT(healthy_id, fix.at("fix_id").to_number<std::int64_t>());
  EXPECT_TRUE(json_of(healthy_fix).at("remaining_issue").is_null());

  const auto clean = run_selfheal({"clean-build", "--json", "--config", config});
  ASSERT_EQ(clean.exit_code, 5) << clean.out << clean.err;
  const auto rebuilt = json_of(clean);
  EXPECT_EQ(rebuilt.at("success"), true);
  EXPECT_EQ(rebuilt.at("message"), "Clean build completed successfully");
  EXPECT_GT(rebuilt.at("fix_id").to_number<std::int64_t>(), healthy_id) << "the healthy fix's id is its own";

  const auto status_run = run_selfheal({"status", "--json", "--config", config});
  EXPECT_EQ(status_run.exit_code, 0) << status_run.err;
  const auto status = json_of(status_run);
  EXPECT_TRUE(field_is(status, "running", Kind::boolean));
  EXPECT_TRUE(field_is(status, "success_rate", Kind::number));
  EXPECT_TRUE(field_is(status, "last_successful_build", Kind::string_or_null));
  EXPECT_TRUE(field_is(status, "retry_counts", Kind::object));
  ASSERT_TRUE(field_is(status, "recent_fixes", Kind::array));
  EXPECT_GE(status.at("total_fix_attempts").to_number<int>(), 2) << status;

  const auto history_run = run_selfheal({"history", "--json", "--limit", "1", "--config", config});
  EXPECT_EQ(history_run.exit_code, 0) << history_run.err;
  const auto history = json_of(history_run);
  ASSERT_TRUE(history.is_array());
  ASSERT_EQ(history.as_array().size(), 1u);
  const auto& newest = history.at(0);
  EXPECT_EQ(newest.at("strategy"), "clean_build");  // newest first
  EXPECT_EQ(newest.at("success"), true);
  EXPECT_TRUE(field_is(newest, "fix_id", Kind::integer));
  for (const char* f : {"timestamp", "crate", "issue_type", "strategy", "message", "trigger"})
    EXPECT_TRUE(field_is(newest, f, Kind::string)) << f;
  EXPECT_TRUE(field_is(newest, "duration_seconds", Kind::number));
  const auto all = run_selfheal({"history", "--json", "--config", config});
  EXPECT_GE(json_of(all).as_array().size(), 2u);
}

TEST(CliJson, ComponentsAndForceCheckReportEveryComponent) {
  ServeWorld world;
  world.write_manifest();
  const auto config = world.manifest_file().string();
  const auto run = run_selfheal({"components", "--json", "--config", config});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = json_of(run);
  EXPECT_TRUE(field_is(report, "loader_running", Kind::boolean));
  EXPECT_TRUE(field_is(report, "check_interval_seconds", Kind::integer));
  ASSERT_TRUE(field_is(report, "components", Kind::object));
  for (const char* name : {"bloom_filter", "sliding_window", "memory_pool"}) {
    SCOPED_TRACE(name);
    const auto& c = report.at("components").at(name);
    EXPECT_EQ(c.at("active_implementation"), "cpp");  // the crate was never built
    const auto& impls = c.at("available_implementations");
    EXPECT_EQ(impls.at("cpp").at("available"), true);
    EXPECT_EQ(impls.at("rust").at("available"), false);
    EXPECT_TRUE(field_is(impls.at("rust"), "error", Kind::string));
    EXPECT_TRUE(field_is(impls.at("cpp"), "performance_score", Kind::number));
    EXPECT_TRUE(field_is(c, "switches", Kind::integer));
  }
  const auto check_run = run_selfheal({"force-check", "--json", "--config", config});
  ASSERT_EQ(check_run.exit_code, 0) << check_run.err;
  const auto check = json_of(check_run);
  EXPECT_EQ(check.at("success"), true);
  EXPECT_TRUE(field_is(check, "changes", Kind::object));
  EXPECT_TRUE(field_is(check, "message", Kind::string));
}

}  // namespace
}  // namespace selfheal::testing
