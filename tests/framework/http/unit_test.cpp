// Unit tests of the endpoint's parts that need no server: /health's verdicts, the metrics text,
// the token bucket, target parsing and the router's 404/405/401/429.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/health_view.hpp"
#include "api/metrics_view.hpp"
#include "http/http_server.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"

namespace selfheal::http {
namespace {

ComponentStatus component(const std::string& name, const std::string& active, bool rust_available,
                          double rust_score = 10, double cpp_score = 1) {
  ComponentStatus c;
  c.name = name;
  c.active = active;
  c.implementations = {{"cpp", true, cpp_score, 0, "closed", ""},
                       {"rust", rust_available, rust_score, 2, rust_available ? "closed" : "open",
                        rust_available ? "" : "symbol missing"}};
  return c;
}

TEST(HealthReport, HealthyDegradedUnhealthy) {
  Manifest m;
  HealerStatus healer;
  healer.running = true;
  LoaderStatus loader;
  loader.components = {component("bloom_filter", "rust", true)};
  auto r = health_report(m, healer, loader, std::nullopt);
  EXPECT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.body.at("status"), "healthy");
  EXPECT_EQ(r.body.at("self_healing").at("enabled"), true);
  EXPECT_TRUE(r.body.at("self_healing").at("last_successful_build").is_null());

  loader.components = {component("bloom_filter", "cpp", false)};
  r = health_report(m, healer, loader, std::nullopt);
  EXPECT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.body.at("status"), "degraded");
  EXPECT_NE(std::string(r.body.at("reasons").as_array()[0].as_string()).find("symbol missing"), std::string::npos);

  loader.components = {component("bloom_filter", "cpp", true)};  // rust better and available
  EXPECT_EQ(health_report(m, healer, loader, std::nullopt).body.at("status"), "degraded");

  loader.components = {component("bloom_filter", "rust", true)};
  FixOutcome failed;
  failed.error = "cargo failed";
  r = health_report(m, healer, loader, failed);
  EXPECT_EQ(r.body.at("status"), "degraded");
  FixOutcome ok;
  ok.success = true;
  EXPECT_EQ(health_report(m, healer, loader, ok).body.at("status"), "healthy");

  loader.components = {component("bloom_filter", "", false)};
  r = health_report(m, healer, loader, ok);
  EXPECT_EQ(r.status, Status::service_unavailable);
  EXPECT_EQ(r.body.at("status"), "unhealthy");
  EXPECT_TRUE(r.body.at("components").at("bloom_filter").is_null());
}

TEST(HealthReport, APredictedShortfallIsDegradedWithItsReasonAndAMetric) {
  Manifest m;
  HealerStatus healer;
  LoaderStatus loader;
  loader.components = {component("bloom_filter", "rust", true)};
  ResourceWarning w;
  w.resource = "disk";
  w.time_left = std::chrono::seconds(1500);
  w.available_bytes = 900ull << 20;
  w.floor_bytes = 512ull << 20;
  healer.resource_warnings = {w};
  auto r = health_report(m, healer, loader, std::nullopt);
  EXPECT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.body.at("status"), "degraded");
  const std::string reason(r.body.at("reasons").as_array().back().as_string());
  EXPECT_NE(reason.find("predicted: disk free (900 MiB) is falling"), std::string::npos) << reason;
  EXPECT_NE(reason.find("in about 25 min"), std::string::npos) << reason;
  const std::string text = metrics_text({}, loader, 0, healer.resource_warnings);
  EXPECT_NE(text.find("selfheal_predicted_shortfall_seconds{resource=\"disk\"} 1500\n"), std::string::npos) << text;
}

TEST(HealthReport, APinnedImplementationIsTheBest) {
  Manifest m;
  ComponentSpec spec;
  spec.name = "bloom_filter";
  spec.prefer = "cpp";
  m.components = {spec};
  LoaderStatus loader;
  loader.components = {component("bloom_filter", "cpp", true)};
  EXPECT_EQ(health_report(m, {}, loader, std::nullopt).body.at("status"), "healthy");
}

TEST(Metrics, PrometheusTextFromCountersAndComponents) {
  std::vector<FixAttempt> history(3);
  history[0].issue_type = "not_built"; history[0].strategy = "build"; history[0].success = true; history[0].duration_ms = 700;
  history[1].issue_type = "not_built"; history[1].strategy = "build"; history[1].success = false; history[1].duration_ms = 40000;
  history[2].issue_type = "out_of_memory"; history[2].strategy = "free_memory"; history[2].success = true;
  LoaderStatus loader;
  loader.components = {component("bloom_filter", "cpp", false)};
  loader.components[0].switches = 3;
  FixCounters counters;
  for (const auto& a : history) counters.add(a, a.strategy == "build");  // build declares it builds
  const std::string text = metrics_text(counters, loader, 7);
  for (const char* line : {
           "selfheal_fix_attempts_total{issue=\"not_built\",strategy=\"build\",outcome=\"success\"} 1\n",
           "selfheal_fix_attempts_total{issue=\"not_built\",strategy=\"build\",outcome=\"failure\"} 1\n",
           "selfheal_fix_attempts_total{issue=\"out_of_memory\",strategy=\"free_memory\",outcome=\"success\"} 1\n",
           "selfheal_build_duration_seconds_bucket{le=\"0.5\"} 0\n",
           "selfheal_build_duration_seconds_bucket{le=\"1\"} 1\n",
           "selfheal_build_duration_seconds_bucket{le=\"60\"} 2\n",
           "selfheal_build_duration_seconds_bucket{le=\"+Inf\"} 2\n",
           "selfheal_build_duration_seconds_count 2\n",
           "selfheal_build_duration_seconds_sum 40.700000000000003\n",
           "selfheal_component_active{component=\"bloom_filter\",implementation=\"cpp\"} 1\n",
           "selfheal_component_active{component=\"bloom_filter\",implementation=\"rust\"} 0\n",
           "selfheal_component_switches_total{component=\"bloom_filter\"} 3\n",
           "selfheal_breaker_state{component=\"bloom_filter\",implementation=\"rust\",state=\"open\"} 1\n",
           "selfheal_breaker_state{component=\"bloom_filter\",implementation=\"rust\",state=\"closed\"} 0\n",
           "selfheal_component_call_errors_total{component=\"bloom_filter\",implementation=\"rust\"} 2\n",
           "selfheal_http_open_connections 7\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(RateLimiter, ABurstThenTheRate) {
  RateLimiter limiter(2.0, 3.0);
  const auto t0 = RateLimiter::Clock::now() + std::chrono::seconds(1);
  EXPECT_TRUE(limiter.try_acquire(t0));  // refilled to the burst, not beyond
  EXPECT_TRUE(limiter.try_acquire(t0));
  EXPECT_TRUE(limiter.try_acquire(t0));
  EXPECT_FALSE(limiter.try_acquire(t0));
  EXPECT_FALSE(limiter.try_acquire(t0 + std::chrono::milliseconds(400)));
  EXPECT_TRUE(limiter.try_acquire(t0 + std::chrono::milliseconds(600)));  // 2/s: one more
}

TEST(Target, PathAndDecodedQuery) {
  auto t = parse_target("/a%20b?x=1&y=&z=%2F+q&flag");
  EXPECT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/a b");
  EXPECT_EQ(t.query["x"], "1");
  EXPECT_EQ(t.query["y"], "");
  EXPECT_EQ(t.query["z"], "/ q");
  EXPECT_TRUE(t.query.count("flag"));
  EXPECT_FALSE(parse_target("/a%2").ok);
  EXPECT_FALSE(parse_target("/a?x=%zz").ok);
}

// Found by fuzz/fuzz_http_request: a path with a byte that is not UTF-8 came back in the 404's
// {"error": "no such endpoint: ..."}, which made the answer invalid JSON.
TEST(Target, DecodedTextMustBeUtf8) {
  EXPECT_TRUE(parse_target("/caf%C3%A9?q=%E2%82%AC&%F0%9F%98%80=1").ok);
  EXPECT_FALSE(parse_target("/sel\xB6-healing").ok);
  EXPECT_FALSE(parse_target("/a%FF").ok);
  EXPECT_FALSE(parse_target("/a?x=%C3").ok);        // cut short
  EXPECT_FALSE(parse_target("/a?%C0%AF=1").ok);     // overlong
  EXPECT_FALSE(parse_target("/a?x=%ED%A0%80").ok);  // a surrogate
  EXPECT_FALSE(parse_target("/a?x=%F4%90%80%80").ok);  // past U+10FFFF
}

Response route(const Router& router, beast_http::verb method, const std::string& target,
               const std::string& auth = {}) {
  Request req{method, target, 11};
  if (!auth.empty()) req.set(beast_http::field::authorization, auth);
  Response out;
  router.dispatch(std::move(req), [&](Response r) { out = std::move(r); });
  return out;
}

TEST(Router, NotFoundMethodNotAllowedAuthAndRate) {
  std::string token = "t";
  Router router([&] { return token; }, std::make_shared<RateLimiter>(0.0001, 2));
  router.add(beast_http::verb::get, "/a", [](Call c) { c.respond(json_response(Status::ok, "a")); });
  router.add(beast_http::verb::post, "/b", [](Call c) { c.respond(json_response(Status::ok, "b")); });
  router.add(beast_http::verb::get, "/f/{id}", [](Call c) { c.respond(json_response(Status::ok, c.param.c_str())); });
  EXPECT_EQ(route(router, beast_http::verb::get, "/a").result(), Status::ok);
  EXPECT_EQ(route(router, beast_http::verb::get, "/f/42").body(), "\"42\"\n");
  EXPECT_EQ(route(router, beast_http::verb::get, "/f/").result(), Status::not_found);
  EXPECT_EQ(route(router, beast_http::verb::get, "/f/1/2").result(), Status::not_found);
  EXPECT_EQ(route(router, beast_http::verb::get, "/zz").result(), Status::not_found);
  auto r = route(router, beast_http::verb::get, "/b");
  EXPECT_EQ(r.result(), Status::method_not_allowed);
  EXPECT_EQ(r[beast_http::field::allow], "POST");
  EXPECT_EQ(route(router, beast_http::verb::post, "/b").result(), Status::unauthorized);
  EXPECT_EQ(route(router, beast_http::verb::post, "/b", "Bearer x").result(), Status::unauthorized);
  EXPECT_EQ(route(router, beast_http::verb::post, "/b", "Bearer t").result(), Status::ok);
  EXPECT_EQ(route(router, beast_http::verb::post, "/b", "Bearer t").result(), Status::ok);
  EXPECT_EQ(route(router, beast_http::verb::post, "/b", "Bearer t").result(), Status::too_many_requests);
  // Every answer is JSON, also to a target that is not UTF-8.
  for (const char* target : {"/sel\xB6-healing/fixes/x1", "/f/%FF", "/zz?x=%C3"}) {
    auto bad = route(router, beast_http::verb::get, target);
    EXPECT_EQ(bad.result(), Status::bad_request) << target;
    boost::system::error_code ec;
    boost::json::parse(bad.body(), ec);
    EXPECT_FALSE(ec) << target << ": " << bad.body();
  }
  token.clear();  // no token configured: open (the rate limit still applies)
  EXPECT_EQ(route(router, beast_http::verb::post, "/b").result(), Status::too_many_requests);
}

// A handler that answers and then throws: its answer is the one written, the 500 its exception
// would make is dropped (two writes over one buffer before), and the next pipelined request on
// the connection is answered in turn.
TEST(Session, AHandlerThatAnswersThenThrowsGetsOneAnswer) {
  HttpServer server(HttpLimits{}, 1, 1);
  auto router = std::make_shared<Router>([] { return std::string(); }, nullptr);
  router->add(beast_http::verb::get, "/answers-then-throws", [](Call c) {
    c.respond(json_response(Status::ok, "first"));
    throw std::runtime_error("after the answer");
  });
  router->add(beast_http::verb::get, "/a", [](Call c) { c.respond(json_response(Status::ok, "a")); });
  ASSERT_EQ(server.start("127.0.0.1", 0, router), "");
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect(server.endpoint());
  const std::string two = "GET /answers-then-throws HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(two));
  boost::beast::flat_buffer buffer;
  std::vector<Response> answers;
  for (;;) {
    Response res;
    boost::system::error_code ec;
    beast_http::read(socket, buffer, res, ec);
    if (ec) break;
    answers.push_back(std::move(res));
  }
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].result(), Status::ok);
  EXPECT_EQ(answers[0].body(), "\"first\"\n");
  EXPECT_EQ(answers[1].body(), "\"a\"\n");
  server.stop();
}

}  // namespace
}  // namespace selfheal::http
