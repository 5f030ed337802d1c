// Maps method and path to a handler. Unknown paths: 404; a known path with another method: 405
// with Allow. Mutating routes (every POST) need `Authorization: Bearer <token>` when a token is
// configured (401) and pass a shared token bucket (429). Immutable once built; MT safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/http_types.hpp"
#include "http/rate_limiter.hpp"

namespace selfheal::http {

// One request on its way to a handler.
struct Call {
  Request request;
  Target target;
  std::string param;  // the path's {id} segment, for patterns that end in "{id}"
  Respond respond;    // answer exactly once, from any thread
};
using Handler = std::function<void(Call)>;

class Router {
 public:
  // Returns the bearer token in force ("" = none); read on every mutating request so a reload
  // can change it.
  using TokenSource = std::function<std::string()>;
  Router(TokenSource token, std::shared_ptr<RateLimiter> limiter);

  // `pattern` is an exact path or a prefix ending in "{id}" (e.g. "/self-healing/fixes/{id}").
  void add(beast_http::verb method, std::string pattern, Handler handler);

  void dispatch(Request request, Respond respond) const;

 private:
  struct Route {
    beast_http::verb method;
    std::string pattern;
    Handler handler;
  };
  static bool matches(const std::string& pattern, const std::string& path, std::string& param);
  bool authorized(const Request& request) const;

  TokenSource token_;
  std::shared_ptr<RateLimiter> limiter_;
  std::vector<Route> routes_;
};

}  // namespace selfheal::http
