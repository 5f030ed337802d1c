// One HTTP/1.1 connection: reads a request within the read timeout and the size limits, hands it
// to the router, writes the answer, and keeps the connection alive when the client asks.
// Lives as long as an operation or a pending answer holds it (shared_from_this); runs on its
// own strand, so its members need no lock.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "http/connection_counter.hpp"
#include "http/http_limits.hpp"
#include "http/router.hpp"

namespace selfheal::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<const Router> router,
          HttpLimits limits, ConnectionCounter::Slot slot);
  void run();

  // Answers a connection over a limit with 503 and `message`, and closes it.
  static void reject(boost::asio::ip::tcp::socket socket, std::chrono::milliseconds timeout,
                     std::string_view message);

 private:
  void read();
  void on_header(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec);
  // Closes or answers a failed read; false when there was no error.
  bool read_failed(boost::beast::error_code ec);
  void answer(Response res);
  void on_write(bool close, boost::beast::error_code ec);
  void linger_then_close();
  void drain(std::size_t drained);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const Router> router_;
  HttpLimits limits_;
  ConnectionCounter::Slot slot_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::shared_ptr<Response> pending_;  // the answer being written
  bool answered_ = false;  // this request has its answer: a second one (a handler that answered,
                           // then threw) is dropped, never written over the first
  std::chrono::steady_clock::time_point read_started_;
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace selfheal::http
