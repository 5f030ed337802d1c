#include "http/http_limits.hpp"

#include <cstdlib>
#include <string>

namespace selfheal::http {
namespace {

// A positive number from the environment, or nullopt-like 0 when unset or invalid.
double positive_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  char* end = nullptr;
  const double d = std::strtod(v, &end);
  return (end != nullptr && *end == '\0' && d > 0) ? d : 0;
}

}  // namespace

HttpLimits HttpLimits::from_environment() {
  HttpLimits l;
  if (double v = positive_env("SELFHEAL_HTTP_READ_TIMEOUT_MS"); v > 0)
    l.read_timeout = std::chrono::milliseconds(static_cast<long long>(v));
  if (double v = positive_env("SELFHEAL_HTTP_HEADER_TIMEOUT_MS"); v > 0)
    l.header_timeout = std::chrono::milliseconds(static_cast<long long>(v));
  if (double v = positive_env("SELFHEAL_HTTP_MAX_CONNECTIONS"); v >= 1)
    l.max_connections = static_cast<std::size_t>(v);
  if (double v = positive_env("SELFHEAL_HTTP_MAX_CONNECTIONS_PER_CLIENT"); v >= 1)
    l.max_connections_per_client = static_cast<std::size_t>(v);
  if (double v = positive_env("SELFHEAL_HTTP_RATE"); v > 0) l.mutating_rate = v;
  if (double v = positive_env("SELFHEAL_HTTP_BURST"); v >= 1) l.mutating_burst = v;
  return l;
}

}  // namespace selfheal::http
