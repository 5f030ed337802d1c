// What a YAML scalar means under the YAML 1.2 core schema, as this manifest reads it: plain
// scalars resolve to null, bool, integer, float or string; quoted scalars are always strings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "selfheal/sdk/value.hpp"

namespace selfheal::manifest_detail {

enum class ScalarKind { null, boolean, integer, floating, string };

// The kind of a null or scalar node (a list or map is not a scalar: do not ask).
ScalarKind scalar_kind(const YAML::Node& node);

// Core-schema parsers of plain text; nullopt when `text` is not of that form (or out of range).
std::optional<std::int64_t> parse_integer(std::string_view text);
bool looks_like_integer(std::string_view text);  // also true when out of int64 range
std::optional<double> parse_float(std::string_view text);
std::optional<bool> parse_bool(std::string_view text);

// "a string 'abc'", "an integer 5", "a float 2.5", "a boolean true", "null", "a list", "a map":
// how error messages name what they found.
std::string describe(const YAML::Node& node);

// The node as a tree of plain values: integers as int64, floats as double, true/false as bool,
// null as null, every other scalar as a string; nested lists and maps (keys as their text).
sdk::Value to_value(const YAML::Node& node);

}  // namespace selfheal::manifest_detail
