#include "http/http_server.hpp"

namespace selfheal::http {
namespace net = boost::asio;

HttpServer::HttpServer(HttpLimits limits, std::size_t io_threads, std::size_t pool_threads)
    : limits_(limits), io_thread_count_(io_threads), io_(static_cast<int>(io_threads)), pool_(pool_threads) {}

HttpServer::~HttpServer() { stop(); }

std::string HttpServer::start(const std::string& address, std::uint16_t port,
                              std::shared_ptr<const Router> router) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address == "localhost" ? "127.0.0.1" : address, ec);
  if (ec) return "invalid listen address '" + address + "': " + ec.message();
  listener_ = std::make_shared<Listener>(io_, std::move(router), limits_);
  if (auto error = listener_->listen({ip, port}); !error.empty()) return error;
  listener_->start();
  for (std::size_t i = 0; i < io_thread_count_; ++i) threads_.emplace_back([this] { run_contained(io_, report_); });
  return {};
}

net::ip::tcp::endpoint HttpServer::endpoint() const {
  return listener_ ? listener_->local_endpoint() : net::ip::tcp::endpoint{};
}

void HttpServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (listener_) listener_->stop();
  pool_.join();  // queued and running jobs end; their answers are posted to io_
  io_.stop();    // pending operations are abandoned; their sockets close with their sessions
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  listener_.reset();
}

}  // namespace selfheal::http
