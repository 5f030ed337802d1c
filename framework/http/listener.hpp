// Accepts connections and starts a Session for each, or rejects it with 503 when the connection
// limit is reached. Runs on the I/O threads; stop() closes the acceptor.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "http/session.hpp"

namespace selfheal::http {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, std::shared_ptr<const Router> router, HttpLimits limits);

  // Binds and listens; returns an error message, or "" on success.
  std::string listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();
  std::size_t open_connections() const { return connections_->open(); }

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<const Router> router_;
  HttpLimits limits_;
  std::shared_ptr<ConnectionCounter> connections_;
};

}  // namespace selfheal::http
