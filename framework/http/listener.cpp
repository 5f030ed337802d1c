#include "http/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace selfheal::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, std::shared_ptr<const Router> router, HttpLimits limits)
    : io_(io),
      acceptor_(net::make_strand(io)),
      router_(std::move(router)),
      limits_(limits),
      connections_(std::make_shared<ConnectionCounter>(ConnectionCounter::Limits{
          limits.max_connections, limits.probe_headroom, limits.max_connections_per_client})) {}

std::string Listener::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return "cannot listen on " + endpoint.address().to_string() + ":" +
           std::to_string(endpoint.port()) + ": " + ec.message();
  }
  return {};
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() { accept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  // Every connection gets its own strand.
  acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](
                                                    boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!ec) {
      boost::system::error_code peer_error;
      const auto peer = socket.remote_endpoint(peer_error);
      ConnectionCounter::Refusal why{};
      if (peer_error) {
        // The client is already gone.
      } else if (auto slot = self->connections_->try_open(peer.address(), why)) {
        std::make_shared<Session>(std::move(socket), self->router_, self->limits_, std::move(*slot))
            ->run();
      } else {
        Session::reject(std::move(socket), self->limits_.write_timeout,
                        why == ConnectionCounter::Refusal::client_full
                            ? "too many open connections from your address"
                            : "too many open connections");
      }
    }
    // Errors such as EMFILE are transient: keep accepting.
    self->accept();
  });
}

}  // namespace selfheal::http
