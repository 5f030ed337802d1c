#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <functional>

namespace selfheal::testing {

namespace net = boost::asio;
namespace beast = boost::beast;

HttpResult http_request(int port, bhttp::verb method, const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers, std::chrono::milliseconds timeout) {
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

struct RawConnection::Socket {
  net::io_context io;
  net::ip::tcp::socket socket{io};
  beast::flat_buffer buffer;
  bool connected = false;
};

RawConnection::RawConnection(int port, const std::string& from) : socket_(std::make_unique<Socket>()) {
  boost::system::error_code ec;
  auto& s = socket_->socket;
  s.open(net::ip::tcp::v4(), ec);
  if (!ec) s.bind({net::ip::make_address(from), 0}, ec);
  if (!ec) s.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  socket_->connected = !ec;
}

RawConnection::~RawConnection() = default;

bool RawConnection::connected() const { return socket_->connected; }

bool RawConnection::send(const std::string& bytes) {
  boost::system::error_code ec;
  net::write(socket_->socket, net::buffer(bytes), ec);
  return !ec;
}

std::string RawConnection::read_until_closed(std::chrono::milliseconds timeout, bool& closed) {
  auto& io = socket_->io;
  auto& socket = socket_->socket;
  std::string data;
  closed = false;
  char buf[4096];
  std::function<void()> read_more = [&] {
    socket.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
      data.append(buf, n);
      if (ec) {
        if (ec != net::error::operation_aborted) closed = true;
        return;
      }
      read_more();
    });
  };
  read_more();
  io.restart();
  io.run_for(timeout);
  if (!closed) {
    boost::system::error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();
  }
  return data;
}

HttpResult RawConnection::read_response(std::chrono::milliseconds timeout) {
  auto& io = socket_->io;
  auto& socket = socket_->socket;
  HttpResult out;
  bhttp::response<bhttp::string_body> res;
  bhttp::async_read(socket, socket_->buffer, res, [&](boost::system::error_code ec, std::size_t) {
    if (ec) { out.error = ec.message(); return; }
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
  });
  io.restart();
  io.run_for(timeout);
  if (out.status == 0 && out.error.empty()) {
    boost::system::error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();
    out.error = "timeout";
  }
  return out;
}

}  // namespace selfheal::testing
