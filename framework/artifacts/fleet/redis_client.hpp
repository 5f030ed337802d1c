// A small synchronous Redis client on libhiredis: one connection, binary-safe commands, connect
// and command timeouts, errors as values (nothing throws). A transport failure drops the
// connection; the next command reconnects. Not MT safe: one client per thread, or a lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "selfheal/sdk/result.hpp"

struct redisContext;  // hiredis, kept out of this header

namespace selfheal {

struct RedisReply {
  enum class Kind { nil, string, status, integer, array, error };
  Kind kind = Kind::nil;
  std::string text;  // string, status and error replies
  long long integer = 0;
  std::vector<RedisReply> elements;
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::chrono::milliseconds timeout{2000};  // for connecting, and for each command's I/O
  std::string password;                     // non-empty: AUTH after connecting
};

class RedisClient {
 public:
  explicit RedisClient(RedisEndpoint endpoint);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command and reads its reply. A Redis error reply is a value (Kind::error); an
  // unreachable server, a timeout or a broken connection is Errc::unavailable.
  sdk::Result<RedisReply> command(const std::vector<std::string>& args);
  bool connected() const { return context_ != nullptr; }
  std::string address() const;

 private:
  sdk::Status connect();
  void disconnect();

  RedisEndpoint endpoint_;
  redisContext* context_ = nullptr;
};

}  // namespace selfheal
