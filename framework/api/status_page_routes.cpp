#include "api/status_page.hpp"

namespace selfheal::http {

void add_status_page_routes(Router& router) {
  const auto serve_page = [](Call call) {
    auto res = text_response(Status::ok, std::string(status_page_html()), "text/html; charset=utf-8");
    // The page loads nothing from elsewhere and talks only to this host; its buttons mutate, so
    // no other site may frame it.
    res.set("Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'");
    res.set(beast_http::field::x_frame_options, "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(beast_http::field::cache_control, "no-store");
    call.respond(std::move(res));
  };
  router.add(beast_http::verb::get, "/", serve_page);
  router.add(beast_http::verb::get, "/status-page", serve_page);
}

}  // namespace selfheal::http
