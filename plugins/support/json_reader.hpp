// A small, strict JSON reader into sdk::Value, for cargo's --message-format=json lines.
// Plugins link only the SDK, so they cannot use the host's Boost.JSON.
#pragma once

#include <optional>
#include <string_view>

#include "selfheal/sdk/value.hpp"

namespace selfheal::plugins {

// The value, or std::nullopt when `text` is not one complete JSON value. Depth-limited.
std::optional<sdk::Value> parse_json(std::string_view text);

}  // namespace selfheal::plugins
