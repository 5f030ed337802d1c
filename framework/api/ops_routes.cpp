// Operations: /health, /metrics, /livez, /readyz and POST /self-healing/reload.
#include <boost/json.hpp>

#include "api/api_context.hpp"
#include "api/metrics_view.hpp"

namespace selfheal::http {
namespace json = boost::json;
using verb = beast_http::verb;

namespace {

Response reload_response(const ReloadResult& r) {
  if (r.busy) return error_response(Status::conflict, r.message);
  json::object o;
  o["success"] = r.success;
  o["message"] = r.message;
  json::array errors;
  for (const auto& e : r.errors) errors.push_back(json::string(e));
  o["errors"] = std::move(errors);
  return json_response(r.success ? Status::ok : Status::unprocessable_entity, o);
}

}  // namespace

void add_ops_routes(Router& router, ApiContext& ctx) {
  router.add(verb::get, "/health", [&ctx](Call call) {
    auto host = host_or_503(ctx, call.respond);
    if (!host) return;
    call.respond(ctx.health.get(host)->response());
  });
  router.add(verb::get, "/metrics", [&ctx](Call call) {
    auto host = host_or_503(ctx, call.respond);
    if (!host) return;
    offload(ctx, call.respond, [&ctx, host] {
      return text_response(Status::ok,
                           metrics_text(host->healer().counters(), host->components().status(),
                                        ctx.open_connections ? ctx.open_connections() : 0,
                                        host->healer().status(0).resource_warnings) +
                               healer_metrics_text(host->healer().status(0)) +
                               file_watch_metrics_text(host->file_watch()) +
                               build_cache_metrics_text(host->build_cache().totals()) +
                               (host->fleet() ? fleet_metrics_text(host->fleet()->counters()) : ""),
                           "text/plain; version=0.0.4; charset=utf-8");
    });
  });
  router.add(verb::get, "/livez", [](Call call) {
    call.respond(json_response(Status::ok, json::object{{"status", "alive"}}));
  });
  router.add(verb::get, "/readyz", [&ctx](Call call) {
    const bool ready = ctx.hosts.ready() && ctx.hosts.get() != nullptr;
    call.respond(json_response(ready ? Status::ok : Status::service_unavailable,
                               json::object{{"status", ready ? "ready" : "not ready"}}));
  });
  router.add(verb::post, "/self-healing/reload", [&ctx](Call call) {
    offload(ctx, call.respond, [&ctx] { return reload_response(ctx.reload()); });
  });
}

}  // namespace selfheal::http
