// sdk::Value <-> Boost.JSON, for the CLI's --json output, the HTTP API and the history database.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "selfheal/sdk/value.hpp"

namespace selfheal {

boost::json::value to_json(const sdk::Value& value);
sdk::Value from_json(const boost::json::value& json);
std::string to_json_text(const sdk::Value& value);
// Null when `text` is not valid JSON.
sdk::Value from_json_text(const std::string& text);

}  // namespace selfheal
