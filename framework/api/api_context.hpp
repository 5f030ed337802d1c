// What the route handlers share: the swappable host (whose healer owns the fixes), the server's
// I/O context and pool, and the reload action. Owned by the Service; outlives every route.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>

#include "api/health_snapshot.hpp"
#include "api/host_holder.hpp"
#include "api/reloader.hpp"
#include "http/router.hpp"

namespace selfheal::http {

struct ApiContext {
  HostHolder& hosts;
  HealthSnapshot& health;  // GET /health's prepared answer
  boost::asio::io_context& io;
  boost::asio::thread_pool& pool;
  std::function<ReloadResult()> reload;
  std::function<std::size_t()> open_connections;
};

// Runs `work` on the pool and answers with what it returns; an exception becomes a 500.
void offload(ApiContext& ctx, Respond respond, std::function<Response()> work);

// The host to serve from, or answers 503 and returns null (no host yet).
std::shared_ptr<Host> host_or_503(ApiContext& ctx, const Respond& respond);

// The /self-healing/* routes (healing_routes.cpp) and /health, /metrics, /livez, /readyz,
// /self-healing/reload (ops_routes.cpp).
void add_healing_routes(Router& router, ApiContext& ctx);
void add_ops_routes(Router& router, ApiContext& ctx);

}  // namespace selfheal::http
