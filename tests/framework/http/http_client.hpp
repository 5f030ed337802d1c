// A small HTTP client on Beast for the end-to-end tests: one request per connection with a
// deadline, and a raw connection for sending arbitrary bytes (slow clients, huge headers).
// Compiled once (http_client.cpp, library selfheal_test_http_client): Beast and Asio stay out of
// the test programs' translation units, the largest part of their build time.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace selfheal::testing {

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

HttpResult http_request(int port, bhttp::verb method, const std::string& target, const std::string& body = {},
                        std::map<std::string, std::string> headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(90));

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
  explicit RawConnection(int port, const std::string& from = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const;
  bool send(const std::string& bytes);
  // Reads until the peer closes (closed = true) or `timeout` passes; returns what came.
  std::string read_until_closed(std::chrono::milliseconds timeout, bool& closed);
  // Reads one HTTP response (keeps the connection open); status 0 on failure.
  HttpResult read_response(std::chrono::milliseconds timeout);

 private:
  struct Socket;
  std::unique_ptr<Socket> socket_;
};

}  // namespace selfheal::testing
