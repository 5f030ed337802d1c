// Fuzzes HTTP request handling without a running host: raw bytes go through Boost.Beast's request
// parser with the server's header, body and buffer limits and its Transfer-Encoding check
// (chunked bodies, chunk extensions and trailers included), as Session::read does, one pipelined request
// after another while the client keeps the connection alive; each parsed request goes to a
// Router with every route of `selfheal serve` (healing, operations, status page), a bearer token
// and an empty host holder. So the handlers validate the method, path, query (?wait=, ?crate=,
// ?limit=, ?offset=, fixes/{id}) and JSON body exactly as they do in the server and then answer
// 503 where they would need the host.
//
// Findings besides crashes and sanitizer reports: a request answered not exactly once, a 5xx
// other than 503 (host needed) and 501 (a transfer coding it does not decode), or an answer whose JSON body does not parse.
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>

#include "api/api_context.hpp"
#include "api/health_snapshot.hpp"
#include "http/http_limits.hpp"
#include "http/request_checks.hpp"
#include "api/status_page.hpp"

namespace {

using namespace selfheal::http;
namespace net = boost::asio;
namespace beast = boost::beast;

constexpr const char* kToken = "fuzz-token";

// What `selfheal serve` builds, minus the host.
struct Server {
  HostHolder hosts;
  HealthSnapshot health{[this] { return hosts.get(); }};
  net::io_context io;
  net::thread_pool pool{1};
  ApiContext context{hosts, health, io, pool,
                     [] {
                       ReloadResult r;
                       r.errors.push_back("fuzz: no manifest to reload");
                       r.message = "not reloaded";
                       return r;
                     },
                     [] { return std::size_t{1}; }};
  // A limiter that always admits: 429 is a branch of its own, and a fuzz run must not starve.
  Router router{[] { return std::string(kToken); }, std::make_shared<RateLimiter>(1e12, 1e12)};
  HttpLimits limits;

  Server() {
    add_healing_routes(router, context);
    add_ops_routes(router, context);
    add_status_page_routes(router);
  }
};

Server& server() {
  static Server* s = new Server;  // never destroyed: the pool thread outlives every input
  return *s;
}

// Collects the answers to one request; they may come from the pool's thread.
class Answers {
 public:
  Respond respond() {
    return [this](Response r) {
      std::lock_guard lock(mutex_);
      responses_.push_back(std::move(r));
      changed_.notify_all();
    };
  }
  // The one answer, waiting for it up to a generous deadline; aborts on none or several.
  Response single() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(20), [&] { return !responses_.empty(); }))
      std::abort();  // never answered
    if (responses_.size() != 1) std::abort();
    return std::move(responses_.front());
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Response> responses_;
};

// What Session::answer does before writing, then the bytes it would write.
std::string write_out(Response res, unsigned version, bool keep_alive, bool head) {
  res.version(version);
  res.keep_alive(keep_alive);
  res.set(beast_http::field::server, "selfheal");
  if (head) {
    res.content_length(res.body().size());
    res.body().clear();
  } else {
    res.prepare_payload();
  }
  std::ostringstream out;
  out << res;
  return out.str();
}

void check(const Response& res) {
  const auto status = static_cast<unsigned>(res.result_int());
  // 503: the handlers need the host; 501: a transfer coding other than chunked.
  if (status >= 500 && res.result() != Status::service_unavailable && res.result() != Status::not_implemented)
    std::abort();
  const auto type = res[beast_http::field::content_type];
  if (type == "application/json") {
    boost::system::error_code ec;
    boost::json::parse(res.body(), ec);
    if (ec) std::abort();
  }
}

// Feeds `rest` to the parser until `done` says so, offering at most the connection's buffer at a
// time as Session's reads do. false: the connection would wait for more bytes and time out.
template <class Done>
bool feed(beast_http::request_parser<beast_http::string_body>& parser, std::string_view& rest,
          const HttpLimits& limits, beast::error_code& ec, Done done) {
  while (!done() && !rest.empty()) {
    const std::size_t offered = std::min(rest.size(), limits.buffer_bytes);
    const std::size_t used = parser.put(net::buffer(rest.data(), offered), ec);
    rest.remove_prefix(used);
    if (ec == beast_http::error::need_more) {
      // The buffer is full and the parser still needs more: Session's read fails with
      // buffer_overflow. Otherwise every byte there is was offered: the connection would wait.
      // (Beast's read loop never calls put() again without new bytes after need_more, and its
      // parser asserts that.)
      if (used == 0 && offered == limits.buffer_bytes) {
        ec = beast_http::error::buffer_overflow;
        return true;
      }
      ec = {};
      return false;
    }
    if (ec) return true;
    if (used == 0) return false;  // no progress without new bytes
  }
  return done() || ec;
}

void answer_refusal(const Response& res) {
  check(res);
  write_out(res, 11, false, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Server& s = server();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    // As Session: the header first (refused codings end the connection), then the body.
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s.limits.header_bytes));
    parser.body_limit(s.limits.body_bytes);
    beast::error_code ec;
    if (!feed(parser, rest, s.limits, ec, [&] { return parser.is_header_done(); })) return 0;
    if (ec) return answer_refusal(refusal(ec, s.limits)), 0;
    if (auto refused = check_transfer_encoding(parser.get())) return answer_refusal(*refused), 0;
    parser.eager(true);
    if (!feed(parser, rest, s.limits, ec, [&] { return parser.is_done(); })) return 0;
    if (ec) return answer_refusal(refusal(ec, s.limits)), 0;
    selfheal::http::Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    const bool head = request.method() == beast_http::verb::head;
    const unsigned version = request.version();
    Answers answers;
    s.router.dispatch(std::move(request), answers.respond());
    Response res = answers.single();
    check(res);
    write_out(std::move(res), version, keep_alive, head);
    if (!keep_alive) return 0;
  }
  return 0;
}
