// One HTTP/1.1 connection: reads a request within the read timeout and the size limits, hands it
// to the router, writes the answer, and keeps the connection alive when the client asks.
// Lives as long as an operation or a pending answer holds it (shared_from_this); runs on its
// own strand, so its members need no lock.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "http/http_limits.hpp"
#include "http/router.hpp"

namespace selfheal::http {

// Counts open connections; a Slot gives its place back when destroyed. MT safe.
class ConnectionCounter {
 public:
  class Slot {
   public:
    explicit Slot(std::shared_ptr<ConnectionCounter> counter) : counter_(std::move(counter)) {}
    ~Slot() { if (counter_) counter_->open_.fetch_sub(1); }
    Slot(Slot&&) = default;
    Slot& operator=(Slot&&) = delete;
   private:
    std::shared_ptr<ConnectionCounter> counter_;
  };
  // A slot when fewer than `max` connections are open.
  static std::optional<Slot> try_open(const std::shared_ptr<ConnectionCounter>& self, std::size_t max);
  std::size_t open() const { return open_.load(); }

 private:
  std::atomic<std::size_t> open_{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<const Router> router,
          HttpLimits limits, ConnectionCounter::Slot slot);
  void run();

  // Answers a connection over the limit with 503 and closes it.
  static void reject(boost::asio::ip::tcp::socket socket, std::chrono::milliseconds timeout);

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void answer(Response res);
  void on_write(bool close, boost::beast::error_code ec);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const Router> router_;
  HttpLimits limits_;
  ConnectionCounter::Slot slot_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::shared_ptr<Response> pending_;  // the answer being written
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace selfheal::http
