#include "manifest/yaml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "manifest/suggest.hpp"
#include "manifest/yaml_scalar.hpp"

namespace selfheal::manifest_detail {
namespace {

bool mark_known(const YAML::Mark& m) { return m.line >= 0 && m.column >= 0; }

std::string range_text(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return "must be >= " + std::to_string(min);
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

std::string number_text(double d) {
  std::string s = std::to_string(d);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// A free-form tree is walked with bounds: an alias may point at a node that contains it
// (`settings: &s {config: {k: *s}}`, an endless tree) or aliases may multiply one another
// (a few lines that expand to millions of values). Found by fuzz_manifest.
constexpr int kMaxTreeDepth = 32;
constexpr std::size_t kMaxTreeValues = 10000;

// Reports duplicate and non-scalar keys in every map of a free-form tree, and a tree deeper or
// larger than the bounds above. False when a bound was passed (the walk stops).
bool check_tree(Diagnostics& diag, const Field& field, int depth, std::size_t& values) {
  if (++values > kMaxTreeValues) {
    diag.error(field.key_mark, field.key,
               "more than " + std::to_string(kMaxTreeValues) + " values (aliases that expand?)");
    return false;
  }
  if (depth > kMaxTreeDepth) {
    diag.error(field.key_mark, field.key,
               "nested deeper than " + std::to_string(kMaxTreeDepth) + " levels (an alias to an "
               "enclosing node?)");
    return false;
  }
  if (field.value.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : field.value) {
      if (!check_tree(diag, Field{item_key(field.key, i), "", item, item.Mark()}, depth + 1, values))
        return false;
      ++i;
    }
  } else if (field.value.IsMap()) {
    MapReader map(diag, field);  // reports the map's own duplicate / non-scalar keys
    for (const auto& entry : map.entries())
      if (!check_tree(diag, entry, depth + 1, values)) return false;
  }
  return true;
}

// yaml-cpp places an empty list item (a "-" alone) at the next token. In a block list the item's
// dash sits in the list's column on an earlier line: find the nearest one before the next token.
YAML::Mark empty_item_mark(std::string_view src, const YAML::Mark& list, const YAML::Mark& next) {
  if (list.pos < 0 || next.pos < 0 || static_cast<std::size_t>(list.pos) >= src.size() ||
      src[static_cast<std::size_t>(list.pos)] != '-')
    return list;  // not a block list (or no source text): the list's own position
  const auto col = static_cast<std::size_t>(list.column);
  std::size_t end = std::min(static_cast<std::size_t>(next.pos), src.size());
  for (int line = next.line; line >= list.line; --line) {
    std::size_t start = end == 0 ? 0 : src.rfind('\n', end - 1);
    start = start == std::string_view::npos || end == 0 ? 0 : start + 1;
    std::string_view text = src.substr(start, end - start);
    if (text.size() > col && text[col] == '-' && text.find_first_not_of(' ') == col &&
        (text.size() == col + 1 || text[col + 1] == ' ' || text[col + 1] == '\t' ||
         text[col + 1] == '\r')) {
      YAML::Mark dash;
      dash.pos = static_cast<int>(start + col);
      dash.line = line;
      dash.column = list.column;
      return dash;
    }
    if (start == 0) break;
    end = start - 1;  // the previous line, without its newline
  }
  return list;
}

// Where a list item is: its own mark, or for an empty item, its dash.
YAML::Mark item_mark(std::string_view src, const YAML::Node& item, const YAML::Mark& list) {
  YAML::Mark m = item.Mark();
  if (!mark_known(m)) return list;
  if (!item.IsNull()) return m;
  const auto pos = static_cast<std::size_t>(m.pos);
  if (pos < src.size() && (src[pos] == '~' || src[pos] == 'n' || src[pos] == 'N'))
    return m;  // an explicit null ("- ~", "- null") is where it is written
  return empty_item_mark(src, list, m);
}

}  // namespace

std::string child_key(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string out(parent);
  out += '.';
  out += name;
  return out;
}

std::string item_key(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

YAML::Mark value_mark(const Field& field) {
  const YAML::Mark m = field.value.Mark();
  if (!mark_known(m)) return field.key_mark;
  if (field.value.IsNull() && mark_known(field.key_mark) && m.line != field.key_mark.line)
    return field.key_mark;
  return m;
}

bool value_error(Diagnostics& diag, const Field& field, const std::string& problem) {
  diag.error(value_mark(field), field.key, problem);
  return false;
}

MapReader::MapReader(Diagnostics& diag, const Field& field, bool null_is_empty)
    : diag_(diag), key_(field.key), mark_(value_mark(field)) {
  if (field.value.IsNull() && null_is_empty) {
    ok_ = true;
    return;
  }
  if (!field.value.IsMap()) {
    diag_.error(mark_, key_, "expected a map, got " + describe(field.value));
    return;
  }
  ok_ = true;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : field.value) {
    const YAML::Node& k = entry.first;
    if (!k.IsScalar()) {
      diag_.error(k.Mark(), key_, "a key must be a plain name, got " + describe(k));
      continue;
    }
    const std::string& name = k.Scalar();
    if (!seen.insert(name).second) {
      const Field* first = find(name);
      diag_.error(k.Mark(), child_key(key_, name),
                  "duplicate key '" + name + "' (first at line " +
                      std::to_string(first->key_mark.line + 1) + "); only the first counts");
      continue;
    }
    entries_.push_back(Field{child_key(key_, name), name, entry.second, k.Mark()});
  }
}

const Field* MapReader::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

const Field* MapReader::require(std::string_view name) {
  const Field* f = find(name);
  if (f == nullptr && ok_)
    diag_.error(mark_, child_key(key_, name), "missing required key '" + std::string(name) + "'");
  return f;
}

void MapReader::allow_only(const std::vector<std::string>& allowed) {
  for (const auto& e : entries_) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == e.name;
    if (known) continue;
    diag_.error(e.key_mark, e.key,
                "unknown key '" + e.name + "'" + did_you_mean(e.name, allowed) +
                    "; allowed keys: " + join(allowed));
  }
}

std::optional<std::vector<Field>> read_list(Diagnostics& diag, const Field& field,
                                            bool null_is_empty) {
  if (field.value.IsNull() && null_is_empty) return std::vector<Field>{};
  if (!field.value.IsSequence()) {
    diag.error(value_mark(field), field.key, "expected a list, got " + describe(field.value));
    return std::nullopt;
  }
  std::vector<Field> items;
  std::size_t i = 0;
  for (const auto& item : field.value)
    items.push_back(Field{item_key(field.key, i++), "", item,
                          item_mark(diag.source(), item, field.value.Mark())});
  return items;
}

std::optional<std::int64_t> read_integer(Diagnostics& diag, const Field& field, std::int64_t min,
                                         std::int64_t max) {
  const YAML::Mark m = value_mark(field);
  if (!field.value.IsScalar() && !field.value.IsNull()) {
    diag.error(m, field.key, "expected an integer, got " + describe(field.value));
    return std::nullopt;
  }
  if (scalar_kind(field.value) != ScalarKind::integer) {
    diag.error(m, field.key, "expected an integer, got " + describe(field.value));
    return std::nullopt;
  }
  auto v = parse_integer(field.value.Scalar());
  if (!v || *v < min || *v > max) {
    diag.error(m, field.key, range_text(min, max) + ", got " + field.value.Scalar());
    return std::nullopt;
  }
  return v;
}

std::optional<bool> read_bool(Diagnostics& diag, const Field& field) {
  const YAML::Mark m = value_mark(field);
  if (!field.value.IsScalar() || scalar_kind(field.value) != ScalarKind::boolean) {
    diag.error(m, field.key, "expected true or false, got " + describe(field.value));
    return std::nullopt;
  }
  return parse_bool(field.value.Scalar());
}

std::optional<double> read_number(Diagnostics& diag, const Field& field, double min, double max) {
  const YAML::Mark m = value_mark(field);
  ScalarKind kind = field.value.IsScalar() ? scalar_kind(field.value) : ScalarKind::null;
  if (!field.value.IsScalar() || (kind != ScalarKind::integer && kind != ScalarKind::floating)) {
    diag.error(m, field.key, "expected a number, got " + describe(field.value));
    return std::nullopt;
  }
  std::optional<double> v;
  if (kind == ScalarKind::integer) {
    if (auto i = parse_integer(field.value.Scalar())) v = static_cast<double>(*i);
  } else {
    v = parse_float(field.value.Scalar());
  }
  if (!v || !std::isfinite(*v) || *v < min || *v > max) {
    diag.error(m, field.key,
               "must be between " + number_text(min) + " and " + number_text(max) + ", got " +
                   field.value.Scalar());
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> read_string(Diagnostics& diag, const Field& field, bool allow_empty) {
  const YAML::Mark m = value_mark(field);
  ScalarKind kind = field.value.IsScalar() ? scalar_kind(field.value) : ScalarKind::null;
  if (!field.value.IsScalar() || kind == ScalarKind::null || kind == ScalarKind::boolean) {
    diag.error(m, field.key, "expected a string, got " + describe(field.value));
    return std::nullopt;
  }
  if (field.value.Scalar().empty() && !allow_empty) {
    diag.error(m, field.key, "must not be empty");
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<sdk::Value> read_config(Diagnostics& diag, const Field& field) {
  if (field.value.IsNull()) return sdk::Value();
  if (!field.value.IsMap()) {
    diag.error(value_mark(field), field.key, "expected a map, got " + describe(field.value));
    return std::nullopt;
  }
  std::size_t before = diag.count();
  std::size_t values = 0;
  check_tree(diag, field, 0, values);
  if (diag.count() != before) return std::nullopt;  // to_value() would not end on such a tree
  return to_value(field.value);
}

}  // namespace selfheal::manifest_detail
