#include "http/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace selfheal::http {
namespace net = boost::asio;
namespace beast = boost::beast;

std::optional<ConnectionCounter::Slot> ConnectionCounter::try_open(
    const std::shared_ptr<ConnectionCounter>& self, std::size_t max) {
  std::size_t open = self->open_.load();
  while (open < max) {
    if (self->open_.compare_exchange_weak(open, open + 1)) return Slot(self);
  }
  return std::nullopt;
}

Session::Session(net::ip::tcp::socket socket, std::shared_ptr<const Router> router,
                 HttpLimits limits, ConnectionCounter::Slot slot)
    : stream_(std::move(socket)), router_(std::move(router)), limits_(limits), slot_(std::move(slot)) {}

void Session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
  parser_->body_limit(limits_.body_bytes);
  // The whole request (header and body) must arrive within the read timeout; an idle
  // keep-alive connection is closed after the same time.
  stream_.expires_after(limits_.read_timeout);
  beast_http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                           self->on_read(ec);
                         });
}

void Session::on_read(beast::error_code ec) {
  if (ec == beast_http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    close();
    return;
  }
  if (ec) {
    keep_alive_ = false;
    head_ = false;
    version_ = 11;
    if (ec == beast_http::error::header_limit)
      answer(error_response(Status::request_header_fields_too_large,
                            "request header larger than " + std::to_string(limits_.header_bytes) + " bytes"));
    else if (ec == beast_http::error::body_limit)
      answer(error_response(Status::payload_too_large,
                            "request body larger than " + std::to_string(limits_.body_bytes) + " bytes"));
    else
      answer(error_response(Status::bad_request, "malformed request: " + ec.message()));
    return;
  }
  stream_.expires_never();
  Request request = parser_->release();
  keep_alive_ = request.keep_alive();
  head_ = request.method() == beast_http::verb::head;
  version_ = request.version();
  // The answer may come from any thread: it is carried back onto this connection's strand.
  auto respond = [self = shared_from_this()](Response res) {
    net::post(self->stream_.get_executor(),
              [self, r = std::make_shared<Response>(std::move(res))]() mutable {
                self->answer(std::move(*r));
              });
  };
  try {
    router_->dispatch(std::move(request), std::move(respond));
  } catch (const std::exception& e) {
    answer(error_response(Status::internal_server_error, e.what()));
  }
}

void Session::answer(Response res) {
  res.version(version_);
  res.keep_alive(keep_alive_);
  res.set(beast_http::field::server, "selfheal");
  if (head_) {
    res.content_length(res.body().size());
    res.body().clear();
  } else {
    res.prepare_payload();
  }
  const bool close_after = res.need_eof();
  pending_ = std::make_shared<Response>(std::move(res));
  stream_.expires_after(limits_.write_timeout);
  beast_http::async_write(stream_, *pending_,
                          [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                            self->on_write(close_after, ec);
                          });
}

void Session::on_write(bool close_after, beast::error_code ec) {
  pending_.reset();
  if (ec || close_after) {
    close();
    return;
  }
  read();
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void Session::reject(net::ip::tcp::socket socket, std::chrono::milliseconds timeout) {
  struct Rejected {
    beast::tcp_stream stream;
    Response res;
  };
  auto r = std::make_shared<Rejected>(Rejected{beast::tcp_stream(std::move(socket)),
                                               error_response(Status::service_unavailable,
                                                              "too many open connections")});
  r->res.keep_alive(false);
  r->res.set(beast_http::field::retry_after, "1");
  r->res.prepare_payload();
  r->stream.expires_after(timeout);
  beast_http::async_write(r->stream, r->res, [r](beast::error_code, std::size_t) {
    beast::error_code ignored;
    r->stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    r->stream.socket().close(ignored);
  });
}

}  // namespace selfheal::http
