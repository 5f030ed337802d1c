// Errors and limits of the endpoint: 404/405/400/413/431/401/429, the read timeout, the
// connection limit and 200 concurrent connections.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "json_shape.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

using bhttp::verb;
using Env = std::map<std::string, std::string>;

::testing::AssertionResult json_error(const HttpResult& r, int status) {
  if (r.status != status) return ::testing::AssertionFailure() << "status " << r.status << ": " << r.body << r.error;
  if (r.header("content-type") != "application/json")
    return ::testing::AssertionFailure() << "content-type " << r.header("content-type");
  return field_is(r.json(), "error", Kind::string);
}

TEST(Limits, UnknownPathsWrongMethodsAndMalformedRequestsGetJsonErrors) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  EXPECT_TRUE(json_error(http_get(s.port, "/nope"), 404));
  EXPECT_TRUE(json_error(http_get(s.port, "/self-healing/unknown"), 404));
  auto wrong = http_get(s.port, "/self-healing/fix");
  EXPECT_TRUE(json_error(wrong, 405));
  EXPECT_EQ(wrong.header("allow"), "POST");
  auto wrong2 = http_post(s.port, "/health");
  EXPECT_TRUE(json_error(wrong2, 405));
  EXPECT_EQ(wrong2.header("allow"), "GET, HEAD");
  EXPECT_TRUE(json_error(http_request(s.port, verb::delete_, "/self-healing/status"), 405));
  EXPECT_TRUE(json_error(http_post(s.port, "/self-healing/diagnose", "{not json"), 400));
  EXPECT_TRUE(json_error(http_post(s.port, "/self-healing/fix?wait=soon"), 400));
  EXPECT_TRUE(json_error(http_get(s.port, "/self-healing/status%zz"), 400));

  // Not HTTP at all: 400 and the connection is closed.
  RawConnection raw(s.port);
  ASSERT_TRUE(raw.connected());
  raw.send("HELLO THERE\r\n\r\n");
  bool closed = false;
  auto answer = raw.read_until_closed(std::chrono::seconds(10), closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"error\""), std::string::npos) << answer;
}

TEST(Limits, AHugeHeaderGets431AndAHugeBody413) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  auto huge = http_request(s.port, verb::get, "/health", {}, {{"X-Filler", std::string(16 * 1024, 'a')}});
  EXPECT_TRUE(json_error(huge, 431));

  // The body limit is judged from Content-Length, before the body is read.
  RawConnection raw(s.port);
  raw.send("POST /self-healing/diagnose HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  bool closed = false;
  auto answer = raw.read_until_closed(std::chrono::seconds(10), closed);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  EXPECT_TRUE(closed);

  auto big = http_post(s.port, "/self-healing/diagnose", std::string(70 * 1024, ' '));
  EXPECT_TRUE(json_error(big, 413));
  // A body under the limit is fine.
  EXPECT_EQ(http_post(s.port, "/self-healing/diagnose", "{\"crate\": \"tiny\"}").status, 200);
}

TEST(Limits, ASlowClientIsDisconnectedAfterTheReadTimeout) {
  Served s(Env{{"SELFHEAL_HTTP_READ_TIMEOUT_MS", "500"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  RawConnection raw(s.port);
  ASSERT_TRUE(raw.connected());
  const auto start = std::chrono::steady_clock::now();
  raw.send("GET /health HTTP/1.1\r\nHost: x\r\n");  // half a request, never finished
  bool closed = false;
  raw.read_until_closed(std::chrono::seconds(10), closed);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "the server kept a half request open";
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(5));
  // The server still answers others.
  EXPECT_EQ(http_get(s.port, "/livez").status, 200);
}

TEST(Limits, KeepAliveServesSeveralRequestsOnOneConnection) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  RawConnection raw(s.port);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(raw.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = raw.read_response(std::chrono::seconds(10));
    EXPECT_EQ(r.status, 200) << r.error;
  }
}

TEST(Limits, TwoHundredConcurrentConnectionsAreAllServed) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 200; ++i) {
    // From four addresses: one address may hold 64 connections at most.
    connections.push_back(std::make_unique<RawConnection>(s.port, "127.0.0." + std::to_string(1 + i % 4)));
    ASSERT_TRUE(connections.back()->connected()) << i;
  }
  // All 200 are open at once; each sends a request and gets its answer.
  for (auto& c : connections) ASSERT_TRUE(c->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  int ok = 0;
  for (auto& c : connections) {
    auto r = c->read_response(std::chrono::seconds(20));
    if (r.status == 200) ++ok;
  }
  EXPECT_EQ(ok, 200);
}

TEST(Limits, ConnectionsOverTheLimitGet503) {
  Served s(Env{{"SELFHEAL_HTTP_MAX_CONNECTIONS", "3"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.port));
    held.back()->send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(held.back()->read_response(std::chrono::seconds(10)).status, 200);  // accepted, kept alive
  }
  auto over = http_get(s.port, "/self-healing/status");
  EXPECT_TRUE(json_error(over, 503));
  // The probes still get through, in the headroom kept for them.
  EXPECT_EQ(http_get(s.port, "/livez").status, 200);
  EXPECT_EQ(http_get(s.port, "/health").status, 200);
  held.pop_back();  // a slot frees when a connection closes
  EXPECT_TRUE(eventually([&] { return http_get(s.port, "/self-healing/status").status == 200; }));
}

TEST(Limits, MutatingRequestsNeedTheBearerTokenWhenOneIsConfigured) {
  Served s(Env{}, "  http: {token: s3cret}\n");
  ASSERT_GT(s.port, 0) << s.serve->log();
  auto none = http_post(s.port, "/self-healing/diagnose");
  EXPECT_TRUE(json_error(none, 401));
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");
  EXPECT_TRUE(json_error(http_post(s.port, "/self-healing/diagnose", {}, {{"Authorization", "Bearer nope"}}), 401));
  EXPECT_EQ(http_post(s.port, "/self-healing/diagnose", {}, {{"Authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(http_get(s.port, "/self-healing/status").status, 200);  // reads stay open
}

TEST(Limits, MutatingRequestsAreRateLimited) {
  Served s(Env{{"SELFHEAL_HTTP_RATE", "0.001"}, {"SELFHEAL_HTTP_BURST", "2"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  EXPECT_EQ(http_post(s.port, "/self-healing/diagnose").status, 200);
  EXPECT_EQ(http_post(s.port, "/self-healing/diagnose").status, 200);
  auto limited = http_post(s.port, "/self-healing/diagnose");
  EXPECT_TRUE(json_error(limited, 429));
  EXPECT_EQ(limited.header("retry-after"), "1");
  EXPECT_EQ(http_get(s.port, "/health").status, 200);  // reads are not limited
}

TEST(Limits, ANonLoopbackAddressWithoutATokenIsRefusedAtStart) {
  ServeWorld world;
  world.write_manifest();
  ServeProcess serve(world.manifest_file().string(), {}, {"--listen", "0.0.0.0:0"});
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 4);
  EXPECT_TRUE(serve.saw("without a bearer token")) << serve.log();
}

}  // namespace
}  // namespace selfheal::testing
