#include "api/api_context.hpp"

#include <boost/asio/post.hpp>

namespace selfheal::http {

void offload(ApiContext& ctx, Respond respond, std::function<Response()> work) {
  boost::asio::post(ctx.pool, [respond = std::move(respond), work = std::move(work)] {
    try {
      respond(work());
    } catch (const std::exception& e) {
      respond(error_response(Status::internal_server_error, e.what()));
    }
  });
}

std::shared_ptr<Host> host_or_503(ApiContext& ctx, const Respond& respond) {
  auto host = ctx.hosts.get();
  if (!host) respond(error_response(Status::service_unavailable, "the host is not loaded yet"));
  return host;
}

}  // namespace selfheal::http
