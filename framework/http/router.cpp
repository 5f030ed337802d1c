#include "http/router.hpp"

#include <set>
#include <string_view>

namespace selfheal::http {

Router::Router(TokenSource token, std::shared_ptr<RateLimiter> limiter)
    : token_(std::move(token)), limiter_(std::move(limiter)) {}

void Router::add(beast_http::verb method, std::string pattern, Handler handler) {
  routes_.push_back({method, std::move(pattern), std::move(handler)});
}

bool Router::matches(const std::string& pattern, const std::string& path, std::string& param) {
  constexpr std::string_view kId = "{id}";
  const std::string_view p(pattern);
  if (p.size() > kId.size() && p.ends_with(kId)) {
    // Views, not copies: every request is matched against every pattern before its own.
    const std::string_view prefix = p.substr(0, p.size() - kId.size());
    if (path.size() <= prefix.size() || !std::string_view(path).starts_with(prefix)) return false;
    const std::string_view rest = std::string_view(path).substr(prefix.size());
    if (rest.find('/') != std::string_view::npos) return false;
    param = rest;
    return true;
  }
  return pattern == path;
}

bool Router::authorized(const Request& request) const {
  const std::string token = token_ ? token_() : std::string();
  if (token.empty()) return true;
  const auto it = request.find(beast_http::field::authorization);
  if (it == request.end()) return false;
  const std::string_view value(it->value().data(), it->value().size());
  const std::string expected = "Bearer " + token;
  if (value.size() != expected.size()) return false;
  unsigned char diff = 0;  // constant time for equal lengths
  for (std::size_t i = 0; i < value.size(); ++i)
    diff |= static_cast<unsigned char>(value[i] ^ expected[i]);
  return diff == 0;
}

void Router::dispatch(Request request, Respond respond) const {
  Target target = parse_target(std::string_view(request.target().data(), request.target().size()));
  if (!target.ok || target.path.empty() || target.path.front() != '/') {
    respond(error_response(Status::bad_request, "malformed request target"));
    return;
  }
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    std::string param;
    if (!matches(route.pattern, target.path, param)) continue;
    const bool head_of_get = request.method() == beast_http::verb::head &&
                             route.method == beast_http::verb::get;
    if (route.method != request.method() && !head_of_get) {
      allowed.insert(std::string(beast_http::to_string(route.method)));
      continue;
    }
    if (route.method == beast_http::verb::post) {
      if (!authorized(request)) {
        auto res = error_response(Status::unauthorized, "missing or wrong bearer token");
        res.set(beast_http::field::www_authenticate, "Bearer");
        respond(std::move(res));
        return;
      }
      if (limiter_ && !limiter_->try_acquire()) {
        auto res = error_response(Status::too_many_requests, "too many mutating requests; retry later");
        res.set(beast_http::field::retry_after, "1");
        respond(std::move(res));
        return;
      }
    }
    route.handler(Call{std::move(request), std::move(target), std::move(param), std::move(respond)});
    return;
  }
  if (allowed.empty()) {
    respond(error_response(Status::not_found, "no such endpoint: " + target.path));
    return;
  }
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  if (allowed.count("GET")) allow += ", HEAD";
  auto res = error_response(Status::method_not_allowed,
                            std::string(beast_http::to_string(request.method())) + " not allowed on " +
                                target.path + "; allowed: " + allow);
  res.set(beast_http::field::allow, allow);
  respond(std::move(res));
}

}  // namespace selfheal::http
