// The endpoint's limits. Defaults suit a host on loopback; environment variables override them
// (documented in packaging/README.md):
//   SELFHEAL_HTTP_READ_TIMEOUT_MS   a request must arrive whole within this (default 10000)
//   SELFHEAL_HTTP_HEADER_TIMEOUT_MS its header within this (default 5000; capped by the above)
//   SELFHEAL_HTTP_MAX_CONNECTIONS   open connections; more get 503 and are closed (default 256)
//   SELFHEAL_HTTP_MAX_CONNECTIONS_PER_CLIENT  from one address (an IPv6 /64) (default 64)
//   SELFHEAL_HTTP_RATE, SELFHEAL_HTTP_BURST  token bucket of mutating requests (10/s, burst 20)
#pragma once

#include <chrono>
#include <cstddef>

namespace selfheal::http {

struct HttpLimits {
  std::size_t header_bytes = 8 * 1024;       // larger: 431
  std::size_t body_bytes = 64 * 1024;        // larger: 413
  // The most unparsed bytes a connection holds: bounds the chunk-size line with its extensions
  // and the trailer section, which Beast's header limit does not cover. Larger: 431.
  std::size_t buffer_bytes = 16 * 1024;
  std::size_t max_connections = 256;
  std::size_t max_connections_per_client = 64;
  // Connections above max_connections that may still ask for /livez, /readyz or /health.
  std::size_t probe_headroom = 16;
  // A slow header is how one client holds a slot (slowloris): it gets less time than a body.
  std::chrono::milliseconds header_timeout{5000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{30000};
  double mutating_rate = 10.0;   // tokens per second
  double mutating_burst = 20.0;  // bucket size

  static HttpLimits from_environment();
};

}  // namespace selfheal::http
