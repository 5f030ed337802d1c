// The request and response types of the HTTP endpoint and the helpers that make JSON answers.
// Every answer of the API is JSON, errors included: {"error": "..."}.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace selfheal::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;

// Hands an answer back to the connection that asked; callable from any thread, once.
using Respond = std::function<void(Response)>;

Response json_response(Status status, const boost::json::value& body);
Response error_response(Status status, std::string_view message);
Response text_response(Status status, std::string body, std::string_view content_type);

// The target split into path and decoded query parameters ("/a?x=1&y" -> "/a", {x:1, y:""}).
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
  bool ok = true;  // false: a malformed percent escape
};
Target parse_target(std::string_view target);

}  // namespace selfheal::http
