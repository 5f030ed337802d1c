#include "http/session.hpp"

#include "http/request_checks.hpp"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace selfheal::http {
namespace net = boost::asio;
namespace beast = boost::beast;

Session::Session(net::ip::tcp::socket socket, std::shared_ptr<const Router> router,
                 HttpLimits limits, ConnectionCounter::Slot slot)
    : stream_(std::move(socket)),
      buffer_(limits.buffer_bytes),
      router_(std::move(router)),
      limits_(limits),
      slot_(std::move(slot)) {}

void Session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
  parser_->body_limit(limits_.body_bytes);
  // The header must arrive within the header timeout (an idle keep-alive connection waits for
  // the next one as long), the whole request within the read timeout.
  read_started_ = std::chrono::steady_clock::now();
  stream_.expires_after(std::min(limits_.header_timeout, limits_.read_timeout));
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  self->on_header(ec);
                                });
}

bool Session::read_failed(beast::error_code ec) {
  if (!ec) return false;
  if (ec == beast_http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    close();
    return true;
  }
  keep_alive_ = false;
  head_ = false;
  version_ = 11;
  answer(refusal(ec, limits_));
  return true;
}

void Session::on_header(beast::error_code ec) {
  if (read_failed(ec)) return;
  const auto& header = parser_->get();
  head_ = header.method() == beast_http::verb::head;
  version_ = header.version();
  if (auto refused = check_transfer_encoding(header)) {
    keep_alive_ = false;  // the rest of the bytes cannot be framed
    answer(std::move(*refused));
    return;
  }
  if (slot_.probe_only() && !is_probe_target(header.target())) {
    keep_alive_ = false;
    answer(error_response(Status::service_unavailable, "too many open connections"));
    return;
  }
  // A request without a body (GET, HEAD) is complete with its header: routed now, without an
  // async_read that would only complete through the queue.
  if (parser_->is_done()) {
    on_read({});
    return;
  }
  stream_.expires_at(read_started_ + limits_.read_timeout);
  beast_http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code read_ec, std::size_t) {
                           self->on_read(read_ec);
                         });
}

void Session::on_read(beast::error_code ec) {
  if (read_failed(ec)) return;
  Request request = parser_->release();
  // A connection in the headroom answers one probe and closes, giving its place back.
  keep_alive_ = request.keep_alive() && !slot_.probe_only();
  head_ = request.method() == beast_http::verb::head;
  answered_ = false;
  version_ = request.version();
  // The answer may come from any thread: it is carried back onto this connection's strand. A
  // handler that answers at once, on the strand, writes it now: no second trip through the queue.
  auto respond = [self = shared_from_this()](Response res) {
    net::dispatch(self->stream_.get_executor(), [self, r = std::move(res)]() mutable {
      self->answer(std::move(r));
    });
  };
  try {
    router_->dispatch(std::move(request), std::move(respond));
  } catch (const std::exception& e) {
    answer(error_response(Status::internal_server_error, e.what()));
  }
  // Not answered yet (the work went to the pool): no read timeout while it runs. An answer
  // given at once has set the write timeout already.
  if (!pending_) stream_.expires_never();
}

void Session::answer(Response res) {
  if (answered_) return;
  answered_ = true;
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
  if (ec) {
    close();
    return;
  }
  if (close_after) {
    linger_then_close();
    return;
  }
  read();
}

// As nginx's lingering close: after an answer that ends the connection, stop sending and read
// (and drop) what the client still sends, for a short while. Closing with unread bytes makes the
// kernel answer with RST, which can destroy the answer before the client reads it (a 431 sent
// to a client still sending its 70 KB header).
void Session::linger_then_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(2));
  buffer_.consume(buffer_.size());
  drain(0);
}

void Session::drain(std::size_t drained) {
  constexpr std::size_t kChunk = 4096, kMostDrained = 1 << 20;
  if (drained >= kMostDrained) return close();
  const auto space = buffer_.prepare(std::min(kChunk, buffer_.max_size()));  // never committed
  stream_.async_read_some(space, [self = shared_from_this(), drained](beast::error_code ec, std::size_t n) {
    if (ec) return self->close();  // the client's end (EOF), its reset, or the lingering time
    self->drain(drained + n);
  });
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void Session::reject(net::ip::tcp::socket socket, std::chrono::milliseconds timeout,
                     std::string_view message) {
  struct Rejected {
    beast::tcp_stream stream;
    Response res;
  };
  auto r = std::make_shared<Rejected>(Rejected{beast::tcp_stream(std::move(socket)),
                                               error_response(Status::service_unavailable, message)});
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
