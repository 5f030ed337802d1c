// The HTTP server: an io_context run by two I/O threads that only parse, route and write, and a
// thread pool for the work that can take long (diagnose, fix start, force-check, reload, history
// and metrics queries); answers are posted back to the connection's strand.
// start/stop from one thread (the serve command's); everything else is MT safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/http_limits.hpp"
#include "http/io_runner.hpp"
#include "http/listener.hpp"
#include "http/router.hpp"

namespace selfheal::http {

class HttpServer {
 public:
  explicit HttpServer(HttpLimits limits, std::size_t io_threads = 2, std::size_t pool_threads = 4);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  boost::asio::io_context& io() { return io_; }
  boost::asio::thread_pool& pool() { return pool_; }
  const HttpLimits& limits() const { return limits_; }

  // Where an exception that escaped a connection's handler is reported; set before start().
  void on_handler_error(HandlerErrorReport report) { report_ = std::move(report); }

  // Binds `address:port` (port 0: a free port) and starts serving `router`.
  // Returns an error message, or "" on success.
  std::string start(const std::string& address, std::uint16_t port, std::shared_ptr<const Router> router);
  boost::asio::ip::tcp::endpoint endpoint() const;
  std::size_t open_connections() const { return listener_ ? listener_->open_connections() : 0; }

  // Stops accepting, lets the pool's running jobs end, closes every connection, joins the threads.
  void stop();

 private:
  HttpLimits limits_;
  std::size_t io_thread_count_;
  boost::asio::io_context io_;
  boost::asio::thread_pool pool_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  HandlerErrorReport report_;
  bool stopped_ = false;
};

}  // namespace selfheal::http
