#include "artifacts/fleet/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace selfheal {
namespace {

// hiredis writes with write(2): a peer that closed the connection would raise SIGPIPE and kill a
// host that does not ignore it (the CLI, the tests). While a command runs, SIGPIPE is blocked in
// this thread, and one it raised is taken off the pending set before the mask is restored.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe, &old_mask_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.kind = r.type == REDIS_REPLY_STRING   ? RedisReply::Kind::string
                 : r.type == REDIS_REPLY_STATUS ? RedisReply::Kind::status
                                                : RedisReply::Kind::error;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      out.kind = RedisReply::Kind::nil;
  }
  return out;
}

}  // namespace

RedisClient::RedisClient(RedisEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

RedisClient::~RedisClient() { disconnect(); }

std::string RedisClient::address() const {
  const bool v6 = endpoint_.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" + std::to_string(endpoint_.port);
}

void RedisClient::disconnect() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

sdk::Status RedisClient::connect() {
  disconnect();
  const timeval tv = to_timeval(endpoint_.timeout);
  redisContext* c = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (c == nullptr)
    return sdk::Status::error(sdk::Errc::unavailable, "cannot connect to Redis at " + address() + ": out of memory");
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return sdk::Status::error(sdk::Errc::unavailable, "cannot connect to Redis at " + address() + ": " + why);
  }
  if (redisSetTimeout(c, tv) != REDIS_OK) {
    redisFree(c);
    return sdk::Status::error(sdk::Errc::unavailable, "cannot set the Redis timeout");
  }
  context_ = c;
  if (!endpoint_.password.empty()) {
    auto reply = command({"AUTH", endpoint_.password});
    if (!reply.ok()) return reply.status();
    if (reply.value().kind == RedisReply::Kind::error) {
      disconnect();
      return sdk::Status::error(sdk::Errc::unavailable, "Redis at " + address() + " refused AUTH: " + reply.value().text);
    }
  }
  return sdk::Status::success();
}

sdk::Result<RedisReply> RedisClient::command(const std::vector<std::string>& args) {
  if (args.empty()) return sdk::Status::error(sdk::Errc::invalid_argument, "empty Redis command");
  if (context_ == nullptr)
    if (auto status = connect(); !status.ok()) return status;
  std::vector<const char*> argv;
  std::vector<std::size_t> argvlen;
  for (const auto& a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  void* raw = nullptr;
  {
    SigpipeGuard guard;
    raw = redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), argvlen.data());
  }
  if (raw == nullptr) {
    // The connection is unusable after an I/O error or a timeout (a late reply would be read
    // as the next command's).
    std::string why = context_->err != 0 ? context_->errstr : "no reply";
    disconnect();
    return sdk::Status::error(sdk::Errc::unavailable, "Redis at " + address() + ": " + why);
  }
  auto* reply = static_cast<redisReply*>(raw);
  RedisReply out = convert(*reply);
  freeReplyObject(reply);
  return out;
}

}  // namespace selfheal
