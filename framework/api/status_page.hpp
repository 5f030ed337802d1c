// The operators' status page: one self-contained HTML file (inline CSS and JS, no outside asset)
// built into the binary, served at GET / and GET /status-page. The page polls the JSON API and
// calls its POST endpoints; it adds no endpoint of its own.
#pragma once

#include <string_view>

#include "http/router.hpp"

namespace selfheal::http {

// The bytes of framework/api/status_page/index.html (generated at build time).
std::string_view status_page_html();

void add_status_page_routes(Router& router);

}  // namespace selfheal::http
