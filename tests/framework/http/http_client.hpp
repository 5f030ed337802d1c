// A small HTTP client on Beast for the end-to-end tests: one request per connection with a
// deadline, and a raw connection for sending arbitrary bytes (slow clients, huge headers).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>

namespace selfheal::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct HttpResult {
  int status = 0;  // 0: no answer (error says why)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;
  std::chrono::milliseconds took{0};

  boost::json::value json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline HttpResult http_request(int port, bhttp::verb method, const std::string& target,
                               const std::string& body = {},
                               std::map<std::string, std::string> headers = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(90)) {
  const auto start = std::chrono::steady_clock::now();
  HttpResult out;
  net::io_context io;
  beast::tcp_stream stream(io);
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == bhttp::verb::post) {
    req.body() = body;
    req.prepare_payload();
  }
  bhttp::response<bhttp::string_body> res;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == bhttp::verb::head) parser.skip(true);
  beast::flat_buffer buffer;
  stream.expires_after(timeout);
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  stream.async_connect(ep, [&](beast::error_code ec) {
    if (ec) { out.error = "connect: " + ec.message(); return; }
    bhttp::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) { out.error = "write: " + wec.message(); return; }
      bhttp::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
        if (rec) { out.error = "read: " + rec.message(); return; }
        res = parser.release();
        out.status = static_cast<int>(res.result_int());
        out.body = res.body();
        for (const auto& f : res) {
          std::string name(f.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          out.headers[name] = std::string(f.value());
        }
      });
    });
  });
  io.run();
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return out;
}

inline HttpResult http_get(int port, const std::string& target) {
  return http_request(port, bhttp::verb::get, target);
}
inline HttpResult http_post(int port, const std::string& target, const std::string& body = {},
                            std::map<std::string, std::string> headers = {}) {
  return http_request(port, bhttp::verb::post, target, body, std::move(headers));
}

// A plain TCP connection: send bytes, read what comes until the peer closes or a deadline.
class RawConnection {
 public:
  // `from`: the local address to connect from (any of 127.0.0.0/8 is a different client).
  explicit RawConnection(int port, const std::string& from = "127.0.0.1") : socket_(io_) {
    boost::system::error_code ec;
    socket_.open(net::ip::tcp::v4(), ec);
    if (!ec) socket_.bind({net::ip::make_address(from), 0}, ec);
    if (!ec) socket_.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    connected_ = !ec;
  }
  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    boost::system::error_code ec;
    net::write(socket_, net::buffer(bytes), ec);
    return !ec;
  }
  // Reads until the peer closes (closed = true) or `timeout` passes; returns what came.
  std::string read_until_closed(std::chrono::milliseconds timeout, bool& closed) {
    std::string data;
    closed = false;
    char buf[4096];
    std::function<void()> read_more = [&] {
      socket_.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
        data.append(buf, n);
        if (ec) {
          if (ec != net::error::operation_aborted) closed = true;
          return;
        }
        read_more();
      });
    };
    read_more();
    io_.restart();
    io_.run_for(timeout);
    if (!closed) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
    return data;
  }
  // Reads one HTTP response (keeps the connection open); status 0 on failure.
  HttpResult read_response(std::chrono::milliseconds timeout) {
    HttpResult out;
    bhttp::response<bhttp::string_body> res;
    bhttp::async_read(socket_, buffer_, res, [&](boost::system::error_code ec, std::size_t) {
      if (ec) { out.error = ec.message(); return; }
      out.status = static_cast<int>(res.result_int());
      out.body = res.body();
    });
    io_.restart();
    io_.run_for(timeout);
    if (out.status == 0 && out.error.empty()) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
      out.error = "timeout";
    }
    return out;
  }

 private:
  net::io_context io_;
  net::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace selfheal::testing
