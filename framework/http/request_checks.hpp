// What the endpoint refuses before a request reaches the router, shared by Session and the
// HTTP fuzz target so both judge the same bytes the same way.
#pragma once

#include <boost/beast/core/error.hpp>
#include <optional>
#include <string_view>

#include "http/http_limits.hpp"
#include "http/http_types.hpp"

namespace selfheal::http {

// The answer to a request the parser or the read refused (limits, malformed bytes).
Response refusal(const boost::beast::error_code& ec, const HttpLimits& limits);

// Transfer-Encoding is accepted only as exactly "chunked" (RFC 9112 6.1): chunked not the final
// coding (or given twice, or "xchunked") leaves the body length unknown: 400; another coding
// before it (gzip, chunked) is one this server does not decode: 501. Proxies that disagree on
// such headers are how requests get smuggled, so nothing else is guessed at.
std::optional<Response> check_transfer_encoding(const Request::header_type& header);

// The endpoints a connection in the headroom above the connection limit may ask for.
bool is_probe_target(std::string_view target);

}  // namespace selfheal::http
