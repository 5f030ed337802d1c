// The checks a request passes before the router (Transfer-Encoding, probe targets), the
// connection counter's three limits, and the I/O loop that contains a handler's exception.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include "http/connection_counter.hpp"
#include "http/io_runner.hpp"
#include "http/request_checks.hpp"

namespace selfheal::http {
namespace {

std::optional<Status> te_refusal(std::initializer_list<const char*> values) {
  Request::header_type header;
  for (const char* v : values) header.insert(beast_http::field::transfer_encoding, v);
  auto refused = check_transfer_encoding(header);
  if (!refused) return std::nullopt;
  return refused->result();
}

TEST(TransferEncoding, OnlyExactlyChunkedPasses) {
  EXPECT_EQ(te_refusal({}), std::nullopt);
  EXPECT_EQ(te_refusal({"chunked"}), std::nullopt);
  EXPECT_EQ(te_refusal({" CHUNKED\t"}), std::nullopt);
  EXPECT_EQ(te_refusal({"gzip, chunked"}), Status::not_implemented);
  EXPECT_EQ(te_refusal({"gzip", "chunked"}), Status::not_implemented);
  EXPECT_EQ(te_refusal({"chunked, identity"}), Status::bad_request);
  EXPECT_EQ(te_refusal({"xchunked"}), Status::bad_request);
  EXPECT_EQ(te_refusal({"chunked", "chunked"}), Status::bad_request);
  EXPECT_EQ(te_refusal({"chunked;q=1"}), Status::bad_request);
  EXPECT_EQ(te_refusal({""}), Status::bad_request);
  EXPECT_EQ(te_refusal({","}), Status::bad_request);
}

TEST(TransferEncoding, TheRefusalNamesOnlyPrintableBytes) {
  Request::header_type header;
  header.insert(beast_http::field::transfer_encoding, "chu\x92\x92" "ed");
  auto refused = check_transfer_encoding(header);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->body().find("chu??ed"), std::string::npos) << refused->body();
}

TEST(ProbeTargets, LivezReadyzHealthOnly) {
  EXPECT_TRUE(is_probe_target("/livez"));
  EXPECT_TRUE(is_probe_target("/health?x=1"));
  EXPECT_TRUE(is_probe_target("/readyz"));
  EXPECT_FALSE(is_probe_target("/healthz"));
  EXPECT_FALSE(is_probe_target("/self-healing/status"));
}

TEST(ConnectionCounter, PerClientLimitThenHeadroomThenFull) {
  auto counter = std::make_shared<ConnectionCounter>(ConnectionCounter::Limits{2, 1, 2});
  const auto a = boost::asio::ip::make_address("10.0.0.1");
  const auto b = boost::asio::ip::make_address("10.0.0.2");
  const auto c = boost::asio::ip::make_address("10.0.0.3");
  ConnectionCounter::Refusal why{};
  auto a1 = counter->try_open(a, why);
  auto a2 = counter->try_open(a, why);
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(a1->probe_only());
  EXPECT_FALSE(counter->try_open(a, why));
  EXPECT_EQ(why, ConnectionCounter::Refusal::client_full);
  auto b1 = counter->try_open(b, why);  // above max: the headroom
  ASSERT_TRUE(b1);
  EXPECT_TRUE(b1->probe_only());
  EXPECT_FALSE(counter->try_open(c, why));
  EXPECT_EQ(why, ConnectionCounter::Refusal::server_full);
  EXPECT_EQ(counter->open(), 3u);
  a1.reset();
  EXPECT_EQ(counter->open(), 2u);
  auto a3 = counter->try_open(a, why);  // a's place came back
  ASSERT_TRUE(a3);
}

TEST(ConnectionCounter, AnIpv6ClientIsCountedByItsSlash64) {
  EXPECT_EQ(ConnectionCounter::client_key(boost::asio::ip::make_address("2001:db8::1")),
            ConnectionCounter::client_key(boost::asio::ip::make_address("2001:db8::ffff:2")));
  EXPECT_NE(ConnectionCounter::client_key(boost::asio::ip::make_address("2001:db8:0:1::1")),
            ConnectionCounter::client_key(boost::asio::ip::make_address("2001:db8::1")));
  EXPECT_EQ(ConnectionCounter::client_key(boost::asio::ip::make_address("::ffff:10.0.0.1")), "10.0.0.1");
}

TEST(IoRunner, AnExceptionFromAHandlerIsReportedAndRunningGoesOn) {
  boost::asio::io_context io;
  std::vector<std::string> reports;
  bool later_ran = false;
  boost::asio::post(io, [] { throw std::length_error("field value too large"); });
  boost::asio::post(io, [&] { later_ran = true; });
  const auto contained = run_contained(io, [&](std::string_view what) { reports.emplace_back(what); });
  EXPECT_EQ(contained, 1u);
  EXPECT_TRUE(later_ran);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0], "field value too large");
}

}  // namespace
}  // namespace selfheal::http
