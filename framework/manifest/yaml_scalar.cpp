#include "manifest/yaml_scalar.hpp"

#include <charconv>
#include <limits>

namespace selfheal::manifest_detail {
namespace {

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Splits "0x1F" / "0o17" / "-12" into its base and digits; false when not an integer form.
bool split_integer(std::string_view text, bool& negative, int& base, std::string_view& digits) {
  negative = false;
  base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    base = text[1] == 'x' ? 16 : 8;
    digits = text.substr(2);
    return all_of(digits, base == 16 ? &is_hex : &is_octal);
  }
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  digits = text;
  return all_of(digits, &is_digit);
}

bool is_float_form(std::string_view t) {
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    return i - start;
  };
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

// A plain enum-to-word switch: it shares only its shape with the others (e.g. plugin_loader.cpp).
std::string type_word(ScalarKind kind) {
  switch (kind) {
    case ScalarKind::null:
      return "null";
    case ScalarKind::boolean:
      return "a boolean";
    case ScalarKind::integer:
      return "an integer";
    case ScalarKind::floating:
      return "a float";
    case ScalarKind::string:
      return "a string";
  }
  return "a value";
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  int base = 10;
  std::string_view digits;
  if (!split_integer(text, negative, base, digits)) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative) {
    if (magnitude > kMax) return std::nullopt;
    return static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax + 1) return std::nullopt;
  if (magnitude == kMax + 1) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

bool looks_like_integer(std::string_view text) {
  bool negative = false;
  int base = 10;
  std::string_view digits;
  return split_integer(text, negative, base, digits);
}

std::optional<double> parse_float(std::string_view text) {
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
      text == "+.INF")
    return std::numeric_limits<double>::infinity();
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF")
    return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN" || text == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  if (!is_float_form(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

ScalarKind scalar_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return ScalarKind::null;
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "?") {
    if (parse_bool(text)) return ScalarKind::boolean;
    if (looks_like_integer(text)) return ScalarKind::integer;
    if (parse_float(text)) return ScalarKind::floating;
    return ScalarKind::string;
  }
  // Explicit core tags (!!int 3) resolve as written when the text fits; any other tag, and
  // quoted scalars (tag "!"), are strings.
  if (tag.rfind(kCoreTag, 0) == 0) {
    std::string_view name = std::string_view(tag).substr(kCoreTag.size());
    if (name == "bool" && parse_bool(text)) return ScalarKind::boolean;
    if (name == "int" && looks_like_integer(text)) return ScalarKind::integer;
    if (name == "float" && parse_float(text)) return ScalarKind::floating;
  }
  return ScalarKind::string;
}

std::string describe(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  ScalarKind kind = scalar_kind(node);
  if (kind == ScalarKind::null) return "null";
  if (kind == ScalarKind::string) return "a string '" + node.Scalar() + "'";
  return type_word(kind) + " " + node.Scalar();
}

sdk::Value to_value(const YAML::Node& node) {
  if (node.IsSequence()) {
    sdk::Value::List list;
    for (const auto& item : node) list.push_back(to_value(item));
    return sdk::Value(std::move(list));
  }
  if (node.IsMap()) {
    sdk::Value::Map map;
    // A duplicate key keeps its first value, as the manifest's own maps do.
    for (const auto& entry : node) map.emplace(entry.first.Scalar(), to_value(entry.second));
    return sdk::Value(std::move(map));
  }
  const std::string& text = node.IsDefined() ? node.Scalar() : std::string();
  switch (scalar_kind(node)) {
    case ScalarKind::null:
      return sdk::Value();
    case ScalarKind::boolean:
      return sdk::Value(*parse_bool(text));
    case ScalarKind::integer:
      if (auto i = parse_integer(text)) return sdk::Value(*i);
      return sdk::Value(text);  // beyond int64: kept as written
    case ScalarKind::floating:
      return sdk::Value(*parse_float(text));
    case ScalarKind::string:
      return sdk::Value(text);
  }
  return sdk::Value(text);
}

}  // namespace selfheal::manifest_detail
