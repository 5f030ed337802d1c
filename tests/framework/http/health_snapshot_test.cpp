// GET /health's prepared answer (api/health_snapshot.hpp) on a real host: it follows the host's
// events without a request, a change no event announces makes it stale rather than wrong, and
// the route answers exactly what health_report says for the same state.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <optional>

#include "../healer/healer_harness.hpp"
#include "api/api_context.hpp"
#include "api/health_snapshot.hpp"
#include "api/health_view.hpp"

namespace selfheal::http {
namespace {

using selfheal::testing::eventually;
using selfheal::testing::HarnessOptions;
using selfheal::testing::HealerHarness;

// Long enough that only events refresh the answer while a test runs.
constexpr std::chrono::milliseconds kNoTimedRefresh = std::chrono::hours(1);

// What GET /health answered before the snapshot: health_report on the host's state now.
std::string report_body_now(Host& host) {
  auto r = health_report(host.manifest(), host.healer().status(1), host.components().status(),
                         host.healer().last_outcome(), host.plugins());
  return json_response(r.status, r.body).body();
}

// The tiny crate, not built, with not_built mapped to a strategy that throws: a fix fails at
// once, without cargo. No automatic fixes: only the test changes the state.
HarnessOptions failing_fix_options(bool components = false) {
  HarnessOptions o;
  o.extra_settings = "  auto_fix: false\n";
  o.extra_strategies = std::string("    - name: throwing\n      library: ") +
                       SELFHEAL_FIXTURE_PLUGIN_DIR + "/fixture-throwing-strategy.so\n";
  o.issues["not_built"] = "[throwing]";
  o.components = components;
  return o;
}

// The harness's files with a host shared as the server shares it (the harness keeps its own
// host unique). Destroyed before the harness removes its folder.
struct SharedHostWorld {
  explicit SharedHostWorld(HarnessOptions options) : harness(std::move(options)) {
    auto load = load_manifest(harness.manifest_file());
    if (!load.manifest) throw std::runtime_error(load.errors.front().to_string());
    Host::Options o;
    o.probe_program = std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
    o.log_sink = std::make_shared<LogSink>(LogLevel::error);
    host = std::make_shared<Host>(std::move(*load.manifest), o);
  }
  HealerHarness harness;
  std::shared_ptr<Host> host;
};

bool kept_current(HealthSnapshot& snapshot, const std::shared_ptr<Host>& host,
                  const std::string& containing = {}) {
  const auto kept = snapshot.kept();
  return kept && kept->current_for(host) && kept->body.find(containing) != std::string::npos;
}

TEST(HealthSnapshot, AFixEndRebuildsItWithoutARequestAndItIsTheReport) {
  SharedHostWorld w(failing_fix_options());
  HealthSnapshot snapshot([&w] { return w.host; }, kNoTimedRefresh);
  ASSERT_TRUE(eventually([&] { return kept_current(snapshot, w.host); }));
  EXPECT_EQ(snapshot.kept()->body, report_body_now(*w.host));

  const auto outcome = w.host->healer().fix(FixRequest{});
  ASSERT_FALSE(outcome.success);
  // No request asked: the fix's events did.
  ASSERT_TRUE(eventually([&] { return kept_current(snapshot, w.host, "the last fix failed"); }))
      << (snapshot.kept() ? snapshot.kept()->body : "none");
  const auto kept = snapshot.kept();
  EXPECT_EQ(kept->body, report_body_now(*w.host));
  EXPECT_EQ(kept->status, Status::ok);
  const auto healing = boost::json::parse(kept->body).at("self_healing");
  EXPECT_EQ(healing.at("fix_attempts").as_int64(), 1) << kept->body;
  EXPECT_EQ(healing.at("success_rate").to_number<double>(), 0.0) << kept->body;
}

TEST(HealthSnapshot, TheChecksStartingAndStoppingRebuildIt) {
  SharedHostWorld w(failing_fix_options());
  HealthSnapshot snapshot([&w] { return w.host; }, kNoTimedRefresh);
  ASSERT_TRUE(eventually([&] { return kept_current(snapshot, w.host, "\"enabled\":false"); }));
  w.host->healer().start();
  EXPECT_TRUE(eventually([&] { return kept_current(snapshot, w.host, "\"enabled\":true"); }));
  w.host->healer().stop();
  EXPECT_TRUE(eventually([&] { return kept_current(snapshot, w.host, "\"enabled\":false"); }));
  EXPECT_EQ(snapshot.kept()->body, report_body_now(*w.host));
}

TEST(HealthSnapshot, ABreakerTripMakesItStaleAndTheNextGetBuildsItAgain) {
  SharedHostWorld w(failing_fix_options(/*components=*/true));
  HealthSnapshot snapshot([&w] { return w.host; }, kNoTimedRefresh);
  ASSERT_TRUE(eventually([&] { return kept_current(snapshot, w.host); }));
  const auto before = snapshot.kept();
  auto& components = w.host->components();
  const auto version = components.version();
  for (int i = 0; i < 100 && components.version() == version; ++i) components.record_call_error("bloom_filter");
  ASSERT_NE(components.version(), version) << "the breaker never tripped";
  // A trip announces no event (its check does, in a started loader): stale, never served.
  EXPECT_FALSE(before->current_for(w.host));
  const auto fresh = snapshot.get(w.host);
  EXPECT_TRUE(fresh->current_for(w.host));
  EXPECT_EQ(fresh->body, report_body_now(*w.host));
  const auto next = snapshot.get(w.host);  // kept (or the refresh thread's equal rebuild)
  EXPECT_TRUE(next->current_for(w.host));
  EXPECT_EQ(next->body, fresh->body);
}

TEST(HealthSnapshot, AnotherHostIsNeverServedTheOldOnesAnswer) {
  SharedHostWorld w(failing_fix_options());
  HealthSnapshot snapshot([&w] { return w.host; }, kNoTimedRefresh);
  ASSERT_TRUE(eventually([&] { return kept_current(snapshot, w.host); }));
  const auto old = snapshot.kept();
  auto load = load_manifest(w.harness.manifest_file());
  ASSERT_TRUE(load.manifest);
  Host::Options o;
  o.probe_program = std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
  o.log_sink = std::make_shared<LogSink>(LogLevel::error);
  auto reloaded = std::make_shared<Host>(std::move(*load.manifest), o);
  EXPECT_FALSE(old->current_for(reloaded));
  const auto fresh = snapshot.get(reloaded);
  EXPECT_TRUE(fresh->current_for(reloaded));
  EXPECT_EQ(fresh->body, report_body_now(*reloaded));
}

// The route: the prepared body, byte for byte what health_report makes, also right after an
// event a client could have seen (the fix's own answer).
TEST(HealthRoute, AnswersWhatTheReportSaysAlsoRightAfterAFix) {
  SharedHostWorld w(failing_fix_options());
  HostHolder hosts;
  hosts.swap(w.host);
  HealthSnapshot snapshot([&hosts] { return hosts.get(); });
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  ApiContext ctx{hosts, snapshot, io, pool, [] { return ReloadResult{}; }, [] { return std::size_t{0}; }};
  Router router({}, nullptr);
  add_ops_routes(router, ctx);
  auto get_health = [&router] {
    std::optional<Response> answer;
    Request request{beast_http::verb::get, "/health", 11};
    router.dispatch(std::move(request), [&answer](Response r) { answer = std::move(r); });
    return answer;
  };

  auto first = get_health();
  ASSERT_TRUE(first) << "answered at once, on the calling thread";
  EXPECT_EQ(first->result(), Status::ok);
  EXPECT_EQ(first->at(beast_http::field::content_type), "application/json");
  EXPECT_EQ(first->body(), report_body_now(*w.host));

  ASSERT_FALSE(w.host->healer().fix(FixRequest{}).success);
  auto after = get_health();
  ASSERT_TRUE(after);
  EXPECT_NE(after->body().find("the last fix failed"), std::string::npos) << after->body();
  EXPECT_EQ(after->body(), report_body_now(*w.host));
  pool.join();
}

}  // namespace
}  // namespace selfheal::http
