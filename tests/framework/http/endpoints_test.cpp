// Every endpoint of a real `selfheal serve`, compared with the original's documented shapes.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "json_shape.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

using bhttp::verb;
namespace json = boost::json;

class Endpoints : public ::testing::Test {
 protected:
  void start() {
    world.write_manifest();
    serve = std::make_unique<ServeProcess>(world.manifest_file().string());
    port = serve->port();
    ASSERT_GT(port, 0) << serve->log();
  }
  ServeWorld world;
  std::unique_ptr<ServeProcess> serve;
  int port = 0;
};

TEST_F(Endpoints, EveryEndpointAnswersWithTheOriginalsShape) {
  start();
  // POST /self-healing/fix: the crate starts unbuilt; the fix (or the automatic one it joins)
  // builds it.
  auto fix = http_post(port, "/self-healing/fix?wait=60");
  ASSERT_EQ(fix.status, 200) << fix.body << fix.error;
  auto f = fix.json();
  EXPECT_TRUE(field_is(f, "success", Kind::boolean));
  EXPECT_TRUE(field_is(f, "issue_type", Kind::string_or_null));
  EXPECT_TRUE(field_is(f, "strategy_used", Kind::string_or_null));
  EXPECT_TRUE(field_is(f, "error", Kind::string_or_null));
  EXPECT_TRUE(field_is(f, "fix_id", Kind::integer));
  EXPECT_TRUE(f.at("success").as_bool()) << fix.body;

  // GET /self-healing/fixes/{id}
  const auto id = f.at("fix_id").as_int64();
  auto progress = http_get(port, "/self-healing/fixes/" + std::to_string(id));
  ASSERT_EQ(progress.status, 200) << progress.body;
  auto p = progress.json();
  EXPECT_TRUE(field_is(p, "fix_id", Kind::integer));
  EXPECT_TRUE(field_is(p, "state", Kind::string));
  EXPECT_TRUE(field_is(p, "strategy", Kind::string_or_null));
  EXPECT_TRUE(field_is(p, "last_lines", Kind::array));
  EXPECT_TRUE(field_is(p, "done", Kind::boolean));
  EXPECT_TRUE(p.at("done").as_bool());
  EXPECT_EQ(p.at("state"), "succeeded");
  EXPECT_TRUE(field_is(p, "outcome", Kind::object));
  EXPECT_EQ(http_get(port, "/self-healing/fixes/987654").status, 404);
  EXPECT_EQ(http_get(port, "/self-healing/fixes/abc").status, 400);

  // GET /self-healing/status
  auto status = http_get(port, "/self-healing/status");
  ASSERT_EQ(status.status, 200);
  auto s = status.json();
  EXPECT_TRUE(field_is(s, "running", Kind::boolean));
  EXPECT_TRUE(field_is(s, "total_fix_attempts", Kind::integer));
  EXPECT_TRUE(field_is(s, "success_rate", Kind::number));
  EXPECT_TRUE(field_is(s, "last_successful_build", Kind::string));  // a build succeeded
  EXPECT_TRUE(field_is(s, "retry_counts", Kind::object));
  EXPECT_TRUE(field_is(s, "recent_fixes", Kind::array));
  EXPECT_TRUE(s.at("running").as_bool());
  EXPECT_GE(s.at("total_fix_attempts").as_int64(), 1);

  // POST /self-healing/diagnose: healthy now
  auto diagnose = http_post(port, "/self-healing/diagnose");
  ASSERT_EQ(diagnose.status, 200) << diagnose.body;
  auto d = diagnose.json();
  EXPECT_TRUE(field_is(d, "issue_type", Kind::string_or_null));
  EXPECT_TRUE(field_is(d, "details", Kind::object));
  EXPECT_TRUE(field_is(d, "recommended_fix", Kind::string_or_null));
  EXPECT_TRUE(field_is(d, "can_auto_fix", Kind::boolean));
  EXPECT_TRUE(d.at("issue_type").is_null()) << diagnose.body;

  // POST /self-healing/force-check
  auto check = http_post(port, "/self-healing/force-check");
  ASSERT_EQ(check.status, 200) << check.body;
  auto c = check.json();
  EXPECT_TRUE(field_is(c, "success", Kind::boolean));
  EXPECT_TRUE(field_is(c, "changes", Kind::object));
  EXPECT_TRUE(field_is(c, "message", Kind::string));
  for (const auto& [k, v] : c.at("changes").as_object()) EXPECT_TRUE(v.is_string()) << k;

  // GET /self-healing/component-status
  auto cs = http_get(port, "/self-healing/component-status");
  ASSERT_EQ(cs.status, 200);
  auto cj = cs.json();
  EXPECT_TRUE(field_is(cj, "loader_running", Kind::boolean));
  EXPECT_TRUE(field_is(cj, "check_interval_seconds", Kind::integer));
  EXPECT_TRUE(field_is(cj, "components", Kind::object));
  EXPECT_EQ(cj.at("check_interval_seconds").as_int64(), 300);
  ASSERT_TRUE(field_is(cj, "file_events", Kind::object)) << cs.body;
  EXPECT_TRUE(field_is(cj.at("file_events"), "watching", Kind::boolean));
  EXPECT_TRUE(field_is(cj.at("file_events"), "events", Kind::integer));
  EXPECT_TRUE(field_is(cj.at("file_events"), "checks", Kind::integer));
  ASSERT_EQ(cj.at("components").as_object().size(), 3u) << cs.body;
  for (const auto& [name, comp] : cj.at("components").as_object()) {
    SCOPED_TRACE(std::string(name));
    EXPECT_TRUE(field_is(comp, "active_implementation", Kind::string));
    EXPECT_TRUE(field_is(comp, "available_implementations", Kind::object));
    for (const auto& [impl, i] : comp.at("available_implementations").as_object()) {
      SCOPED_TRACE(std::string(impl));
      EXPECT_TRUE(field_is(i, "available", Kind::boolean));
      EXPECT_TRUE(field_is(i, "performance_score", Kind::number));
      EXPECT_TRUE(field_is(i, "error_count", Kind::integer));
    }
  }

  // POST /self-healing/clean-build
  auto clean = http_post(port, "/self-healing/clean-build?wait=60");
  ASSERT_EQ(clean.status, 200) << clean.body;
  auto cb = clean.json();
  EXPECT_TRUE(field_is(cb, "success", Kind::boolean));
  EXPECT_TRUE(field_is(cb, "message", Kind::string));
  EXPECT_TRUE(cb.at("success").as_bool()) << clean.body;
  EXPECT_EQ(cb.at("message"), "Clean build completed successfully");

  // GET /health: the tiny crate has no component symbols, so the components run on C++; while
  // the loader reports a rust implementation unavailable, that is degraded (still 200).
  auto health = http_get(port, "/health");
  ASSERT_EQ(health.status, 200) << health.body;
  auto h = health.json();
  EXPECT_TRUE(field_is(h, "status", Kind::string));
  EXPECT_TRUE(field_is(h, "self_healing", Kind::object));
  const auto& sh = h.at("self_healing");
  EXPECT_TRUE(field_is(sh, "enabled", Kind::boolean));
  EXPECT_TRUE(field_is(sh, "fix_attempts", Kind::integer));
  EXPECT_TRUE(field_is(sh, "success_rate", Kind::number));
  EXPECT_TRUE(field_is(sh, "last_successful_build", Kind::string));
  EXPECT_TRUE(field_is(h, "components", Kind::object));
  EXPECT_TRUE(field_is(h, "reasons", Kind::array));
  EXPECT_EQ(h.at("components").at("bloom_filter"), "cpp");
  bool rust_unavailable = false;
  const auto components_now = http_get(port, "/self-healing/component-status").json();
  for (const auto& [name, comp] : components_now.at("components").as_object())
    if (auto* rust = comp.at("available_implementations").as_object().if_contains("rust"))
      rust_unavailable |= !rust->at("available").as_bool();
  if (rust_unavailable) EXPECT_EQ(h.at("status"), "degraded") << health.body;
  else EXPECT_NE(h.at("status"), "unhealthy") << health.body;

  // GET /self-healing/history (paged)
  auto history = http_get(port, "/self-healing/history?limit=1&offset=0");
  ASSERT_EQ(history.status, 200);
  auto hj = history.json();
  EXPECT_TRUE(field_is(hj, "items", Kind::array));
  EXPECT_TRUE(field_is(hj, "limit", Kind::integer));
  EXPECT_TRUE(field_is(hj, "offset", Kind::integer));
  EXPECT_TRUE(field_is(hj, "total", Kind::integer));
  EXPECT_EQ(hj.at("items").as_array().size(), 1u);
  EXPECT_GE(hj.at("total").as_int64(), 2);  // the build and the clean build
  const auto& item = hj.at("items").as_array().front();
  EXPECT_TRUE(field_is(item, "strategy", Kind::string));
  EXPECT_TRUE(field_is(item, "success", Kind::boolean));
  EXPECT_TRUE(field_is(item, "duration_seconds", Kind::number));
  auto page2 = http_get(port, "/self-healing/history?limit=1&offset=1").json();
  ASSERT_EQ(page2.at("items").as_array().size(), 1u);
  EXPECT_NE(page2.at("items").as_array()[0].at("id"), item.at("id"));
  EXPECT_EQ(http_get(port, "/self-healing/history?limit=x").status, 400);

  // GET /self-healing/plugins
  auto plugins = http_get(port, "/self-healing/plugins");
  ASSERT_EQ(plugins.status, 200);
  auto reply = plugins.json();
  ASSERT_TRUE(reply.is_object()) << plugins.body;
  EXPECT_TRUE(field_is(reply.at("version"), "selfheal", Kind::string));
  auto pj = reply.at("plugins");
  ASSERT_TRUE(pj.is_array());
  EXPECT_EQ(pj.as_array().size(), 21u);
  for (const auto& pl : pj.as_array()) {
    EXPECT_TRUE(field_is(pl, "kind", Kind::string));
    EXPECT_TRUE(field_is(pl, "name", Kind::string));
    EXPECT_TRUE(field_is(pl, "status", Kind::string));
    EXPECT_EQ(pl.at("status"), "loaded") << json::serialize(pl);
  }

  // GET /metrics
  auto metrics = http_get(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  for (const char* needle :
       {"selfheal_fix_attempts_total{issue=\"not_built\",strategy=\"build\",outcome=\"success\"} ",
        "selfheal_build_duration_seconds_bucket{le=\"+Inf\"} ", "selfheal_build_duration_seconds_count ",
        "selfheal_component_active{component=\"bloom_filter\",implementation=\"cpp\"} 1",
        "selfheal_component_active{component=\"bloom_filter\",implementation=\"rust\"} 0",
        "selfheal_component_switches_total{component=\"memory_pool\"} ",
        "selfheal_breaker_state{component=\"sliding_window\",implementation=\"cpp\",state=\"closed\"} 1",
        "selfheal_component_call_errors_total{component=\"bloom_filter\",implementation=\"cpp\"} 0",
        "# TYPE selfheal_build_duration_seconds histogram", "selfheal_file_events_total ",
        "selfheal_file_event_checks_total "})
    EXPECT_NE(metrics.body.find(needle), std::string::npos) << needle << "\n" << metrics.body;

  // GET /livez, /readyz; HEAD works where GET does
  EXPECT_EQ(http_get(port, "/livez").status, 200);
  auto ready = http_get(port, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json().at("status"), "ready");
  auto head = http_request(port, verb::head, "/health");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(Endpoints, CppOnlyComponentsAreHealthyAndAComponentWithoutAWorkingImplementationIsUnhealthy) {
  world.components = {{"bloom_filter", "{cpp: bloom_filter_cpp}"}};
  start();
  ASSERT_EQ(http_post(port, "/self-healing/fix?wait=60").json().at("success"), true);
  auto health = http_get(port, "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json().at("status"), "healthy") << health.body;
  EXPECT_TRUE(health.json().at("reasons").as_array().empty());

  // Only a rust implementation, which the tiny crate cannot serve: no working implementation.
  world.components = {{"bloom_filter", "{rust: bloom_filter_rust}"}};
  world.write_manifest();
  auto reload = http_post(port, "/self-healing/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  http_post(port, "/self-healing/force-check");
  auto sick = http_get(port, "/health");
  EXPECT_EQ(sick.status, 503) << sick.body;
  EXPECT_EQ(sick.json().at("status"), "unhealthy") << sick.body;
  EXPECT_TRUE(sick.json().at("components").at("bloom_filter").is_null());
}

TEST_F(Endpoints, AFixThatOutlastsTheWaitAnswers202WithWhereToFollowIt) {
  world.build_config = "{env: {RUSTC_WRAPPER: " + world.hanging_wrapper().string() + "}}";
  start();
  auto fix = http_post(port, "/self-healing/fix?wait=0.2");
  ASSERT_EQ(fix.status, 202) << fix.body;
  auto f = fix.json();
  EXPECT_TRUE(field_is(f, "fix_id", Kind::integer));
  EXPECT_TRUE(field_is(f, "state", Kind::string));
  EXPECT_TRUE(field_is(f, "location", Kind::string));
  const std::string location = std::string(f.at("location").as_string());
  EXPECT_EQ(location, "/self-healing/fixes/" + std::to_string(f.at("fix_id").as_int64()));
  EXPECT_EQ(fix.header("location"), location);
  auto p = http_get(port, location);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_FALSE(p.json().at("done").as_bool());
  EXPECT_TRUE(p.json().at("outcome").is_null());
  EXPECT_TRUE(field_is(p.json(), "elapsed_seconds", Kind::number));
  // A clean build joins the running fix rather than starting a second build.
  auto clean = http_post(port, "/self-healing/clean-build?wait=0");
  EXPECT_EQ(clean.status, 202) << clean.body;
  EXPECT_EQ(clean.json().at("fix_id"), f.at("fix_id"));
}

}  // namespace
}  // namespace selfheal::testing
