// Field-by-field, type-by-type checks of JSON answers against the original's documented shapes.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace selfheal::testing {

enum class Kind { boolean, integer, number, string, string_or_null, object, array };

inline const char* kind_name(Kind k) {
  switch (k) {
    case Kind::boolean: return "boolean";
    case Kind::integer: return "integer";
    case Kind::number: return "number";
    case Kind::string: return "string";
    case Kind::string_or_null: return "string or null";
    case Kind::object: return "object";
    case Kind::array: return "array";
  }
  return "?";
}

inline bool has_kind(const boost::json::value& v, Kind k) {
  switch (k) {
    case Kind::boolean: return v.is_bool();
    case Kind::integer: return v.is_int64() || v.is_uint64();
    case Kind::number: return v.is_number();
    case Kind::string: return v.is_string();
    case Kind::string_or_null: return v.is_string() || v.is_null();
    case Kind::object: return v.is_object();
    case Kind::array: return v.is_array();
  }
  return false;
}

// Checks that `v` is an object with `field` of kind `k`.
inline ::testing::AssertionResult field_is(const boost::json::value& v, const std::string& field, Kind k) {
  if (!v.is_object()) return ::testing::AssertionFailure() << "not an object: " << boost::json::serialize(v);
  const auto* f = v.as_object().if_contains(field);
  if (!f) return ::testing::AssertionFailure() << "missing field '" << field << "' in " << boost::json::serialize(v);
  if (!has_kind(*f, k))
    return ::testing::AssertionFailure() << "field '" << field << "' is " << boost::json::serialize(*f)
                                         << ", expected " << kind_name(k);
  return ::testing::AssertionSuccess();
}

}  // namespace selfheal::testing
