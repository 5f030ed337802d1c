#include "http/request_checks.hpp"

#include <boost/beast/core/string.hpp>
#include <string>
#include <vector>

namespace selfheal::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A client's bytes shown in an answer: printable ASCII only, so the JSON stays valid UTF-8
// (the fuzzer found a Transfer-Encoding of non-UTF-8 bytes echoed into an unparsable answer).
std::string printable(std::string_view s) {
  std::string out(s.substr(0, 64));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

}  // namespace

Response refusal(const boost::beast::error_code& ec, const HttpLimits& limits) {
  if (ec == beast_http::error::header_limit)
    return error_response(Status::request_header_fields_too_large,
                          "request header larger than " + std::to_string(limits.header_bytes) + " bytes");
  if (ec == beast_http::error::buffer_overflow)
    return error_response(Status::request_header_fields_too_large,
                          "request header, chunk line or trailer larger than " +
                              std::to_string(limits.buffer_bytes) + " bytes");
  if (ec == beast_http::error::body_limit)
    return error_response(Status::payload_too_large,
                          "request body larger than " + std::to_string(limits.body_bytes) + " bytes");
  return error_response(Status::bad_request, "malformed request: " + ec.message());
}

std::optional<Response> check_transfer_encoding(const Request::header_type& header) {
  std::vector<std::string_view> codings;
  auto [first, last] = header.equal_range(beast_http::field::transfer_encoding);
  if (first == last) return std::nullopt;
  for (auto it = first; it != last; ++it) {
    std::string_view list = it->value();
    while (true) {
      const auto comma = list.find(',');
      if (auto coding = trim(list.substr(0, comma)); !coding.empty()) codings.push_back(coding);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  const auto is_chunked = [](std::string_view c) { return boost::beast::iequals(c, "chunked"); };
  std::size_t chunked = 0;
  for (auto c : codings) chunked += is_chunked(c) ? 1 : 0;
  if (codings.empty() || !is_chunked(codings.back()) || chunked != 1)
    return error_response(Status::bad_request,
                          "Transfer-Encoding must be exactly 'chunked' (got '" +
                              printable(header[beast_http::field::transfer_encoding]) + "')");
  if (codings.size() != 1)
    return error_response(Status::not_implemented,
                          "transfer coding '" + printable(codings.front()) + "' is not supported: send 'chunked' only");
  return std::nullopt;
}

bool is_probe_target(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  return path == "/livez" || path == "/readyz" || path == "/health";
}

}  // namespace selfheal::http
