// Typed, located reads from a yaml-cpp tree. Every read that fails reports an error naming the
// dotted key and the position, and returns nothing: callers keep going, so that one pass
// collects every error of a manifest.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/diagnostics.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::manifest_detail {

// One value of the manifest with the dotted key that names it.
struct Field {
  std::string key;   // dotted path, e.g. "plugins.strategies[2].library"
  std::string name;  // last map key ("library"); empty for list items and the root
  YAML::Node value;
  YAML::Mark key_mark;  // the key's position (for list items and the root: the value's)
};

std::string child_key(std::string_view parent, std::string_view name);  // "a.b"
std::string item_key(std::string_view parent, std::size_t index);       // "a[2]"

// Where an error about the field's value points: the value itself, or its key when the value is
// empty (yaml-cpp places an empty value at the next token, often on the next line).
YAML::Mark value_mark(const Field& field);

// Reports `problem` at the field's value (value_mark) and returns false: `return value_error(...)`
// in a check that fails.
bool value_error(Diagnostics& diag, const Field& field, const std::string& problem);

// The entries of a YAML map, in document order. Reports non-scalar keys and duplicate keys (the
// first occurrence counts). A field that is not a map is reported ("expected a map, got ...")
// and reads as empty; null reads as an empty map when `null_is_empty`.
class MapReader {
 public:
  MapReader(Diagnostics& diag, const Field& field, bool null_is_empty = true);

  bool ok() const { return ok_; }
  const std::vector<Field>& entries() const { return entries_; }
  const Field* find(std::string_view name) const;
  // Like find(), and reports "missing required key" (at the map) when absent.
  const Field* require(std::string_view name);
  // Reports every key not in `allowed`, listing the allowed keys and the nearest one.
  void allow_only(const std::vector<std::string>& allowed);

  const std::string& key() const { return key_; }
  const YAML::Mark& mark() const { return mark_; }

 private:
  Diagnostics& diag_;
  std::string key_;
  YAML::Mark mark_;
  bool ok_ = false;
  std::vector<Field> entries_;
};

// The items of a YAML list ("expected a list, got ..." otherwise; null is empty when allowed).
std::optional<std::vector<Field>> read_list(Diagnostics& diag, const Field& field,
                                            bool null_is_empty = true);

std::optional<std::int64_t> read_integer(
    Diagnostics& diag, const Field& field, std::int64_t min,
    std::int64_t max = std::numeric_limits<std::int64_t>::max());
// true/false (YAML 1.2 core schema spellings).
std::optional<bool> read_bool(Diagnostics& diag, const Field& field);
// An integer or a float, finite, within [min, max].
std::optional<double> read_number(Diagnostics& diag, const Field& field, double min, double max);
// A scalar's text; null and booleans are not strings. Empty text is an error unless allowed.
std::optional<std::string> read_string(Diagnostics& diag, const Field& field,
                                       bool allow_empty = false);
// A free-form tree (a plugin's `config:`) as plain values; it must be a map (or null, read as
// null). Reports duplicate and non-scalar keys anywhere inside.
std::optional<sdk::Value> read_config(Diagnostics& diag, const Field& field);

}  // namespace selfheal::manifest_detail
