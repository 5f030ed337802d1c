// What a hostile client sends a real `selfheal serve`: oversized trailers and chunk extensions,
// transfer codings a proxy might read differently, and slow connections that try to hold every
// slot. The server answers each with a JSON error and keeps serving everybody else.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "json_shape.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

using Env = std::map<std::string, std::string>;

// The status of the one answer to `bytes` sent on a new connection.
int status_of(int port, const std::string& bytes) {
  RawConnection raw(port);
  if (!raw.connected() || !raw.send(bytes)) return -1;
  return raw.read_response(std::chrono::seconds(10)).status;
}

std::string chunked_post(const std::string& transfer_encoding) {
  return "POST /self-healing/diagnose HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + transfer_encoding +
         "\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
}

TEST(HostileRequests, AHugeTrailerOrChunkExtensionGets431AndTheServerLives) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  // A 70 KB trailer field ended the process with std::length_error from Beast's field storage.
  const std::string trailer = "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Big: " +
                              std::string(70 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_of(s.port, trailer), 431);
  const std::string extension = "POST /self-healing/diagnose HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "1;e=" + std::string(70 * 1024, 'b') + "\r\nx\r\n0\r\n\r\n";
  EXPECT_EQ(status_of(s.port, extension), 431);
  // Many trailer fields, each small, add up the same way.
  std::string many = "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-" + std::to_string(i) + ": value\r\n";
  EXPECT_EQ(status_of(s.port, many + "\r\n"), 431);
  // A small trailer is fine.
  EXPECT_EQ(status_of(s.port, "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Sum: 1\r\n\r\n"), 200);
  EXPECT_TRUE(s.serve->running()) << s.serve->log();
  EXPECT_EQ(http_get(s.port, "/livez").status, 200);
}

TEST(HostileRequests, TransferEncodingMustBeExactlyChunked) {
  Served s;
  ASSERT_GT(s.port, 0) << s.serve->log();
  EXPECT_EQ(status_of(s.port, chunked_post("chunked")), 200);
  EXPECT_EQ(status_of(s.port, chunked_post("Chunked ")), 200);
  EXPECT_EQ(status_of(s.port, chunked_post("gzip, chunked")), 501);
  EXPECT_EQ(status_of(s.port, chunked_post("chunked, identity")), 400);
  EXPECT_EQ(status_of(s.port, chunked_post("xchunked")), 400);
  EXPECT_EQ(status_of(s.port, chunked_post("chunked, chunked")), 400);
  EXPECT_EQ(status_of(s.port, chunked_post("chunked\r\nTransfer-Encoding: identity")), 400);
  EXPECT_EQ(status_of(s.port, chunked_post("")), 400);
  EXPECT_TRUE(s.serve->running()) << s.serve->log();
}

TEST(HostileRequests, OneSlowClientCannotLockOthersOut) {
  // The report: 300 slow connections from one address kept the 256 slots full for 40 s.
  Served s(Env{{"SELFHEAL_HTTP_MAX_CONNECTIONS", "16"}, {"SELFHEAL_HTTP_MAX_CONNECTIONS_PER_CLIENT", "4"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  std::vector<std::unique_ptr<RawConnection>> slow;
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port, "127.0.0.2"));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send("GET /health HTTP/1.1\r\nHo");  // and never more
  }
  // Connections are admitted in order: once the last one has its answer, all earlier ones have.
  bool last_closed = false;
  const std::string last = slow.back()->read_until_closed(std::chrono::seconds(10), last_closed);
  if (last_closed && last.find(" 503 ") != std::string::npos) ++refused;
  slow.pop_back();
  for (auto& c : slow) {
    bool closed = false;
    const std::string answer = c->read_until_closed(std::chrono::milliseconds(200), closed);
    if (closed && answer.find(" 503 ") != std::string::npos) ++refused;
  }
  EXPECT_EQ(refused, 26) << "one address holds at most 4 connections";
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http_get(s.port, "/health").status, 200) << i;
}

TEST(HostileRequests, AFullServerStillAnswersItsProbes) {
  Served s(Env{{"SELFHEAL_HTTP_MAX_CONNECTIONS", "8"}, {"SELFHEAL_HTTP_MAX_CONNECTIONS_PER_CLIENT", "4"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  std::vector<std::unique_ptr<RawConnection>> held;  // 8 addresses x 1: every slot taken
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.port, "127.0.1." + std::to_string(i + 1)));
    held.back()->send("GET /self-healing/status HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(held.back()->read_response(std::chrono::seconds(10)).status, 200) << i;
  }
  EXPECT_EQ(http_get(s.port, "/self-healing/status").status, 503);
  for (const char* probe : {"/livez", "/readyz", "/health"}) EXPECT_EQ(http_get(s.port, probe).status, 200) << probe;
}

TEST(HostileRequests, AHeaderMustArriveWithinTheHeaderTimeout) {
  Served s(Env{{"SELFHEAL_HTTP_HEADER_TIMEOUT_MS", "300"}});
  ASSERT_GT(s.port, 0) << s.serve->log();
  RawConnection raw(s.port);
  const auto start = std::chrono::steady_clock::now();
  // One byte at a time, as a slowloris client: each arrives before any per-read timeout would fire.
  bool closed = false;
  for (char c : std::string("GET /health HTTP/1.1\r\nHost: x\r\nX: ")) {
    if (!raw.send(std::string(1, c))) break;
    raw.read_until_closed(std::chrono::milliseconds(50), closed);
    if (closed) break;
  }
  if (!closed) raw.read_until_closed(std::chrono::seconds(10), closed);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(http_get(s.port, "/livez").status, 200);
}

}  // namespace
}  // namespace selfheal::testing
