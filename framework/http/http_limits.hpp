// The endpoint's limits. Defaults suit a host on loopback; environment variables override them
// (documented in packaging/README.md):
//   SELFHEAL_HTTP_READ_TIMEOUT_MS   a request must arrive whole within this (default 10000)
//   SELFHEAL_HTTP_MAX_CONNECTIONS   open connections; more get 503 and are closed (default 256)
//   SELFHEAL_HTTP_RATE, SELFHEAL_HTTP_BURST  token bucket of mutating requests (10/s, burst 20)
#pragma once

#include <chrono>
#include <cstddef>

namespace selfheal::http {

struct HttpLimits {
  std::size_t header_bytes = 8 * 1024;       // larger: 431
  std::size_t body_bytes = 64 * 1024;        // larger: 413
  std::size_t max_connections = 256;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{30000};
  double mutating_rate = 10.0;   // tokens per second
  double mutating_burst = 20.0;  // bucket size

  static HttpLimits from_environment();
};

}  // namespace selfheal::http
