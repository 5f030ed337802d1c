// A tree of plain values: how a plugin receives its own configuration from the manifest, and how
// diagnoses and fix results carry details. Standard library only, so plugins need no YAML or JSON
// library. Value semantics; not synchronised (copy it to share it between threads).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace selfheal::sdk {

class Value {
 public:
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}
  Value(long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(long long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(unsigned i) : v_(static_cast<std::int64_t>(i)) {}
  Value(unsigned long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(unsigned long long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(List l) : v_(std::make_shared<List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<Map>(std::move(m))) {}

  static Value list() { return Value(List{}); }
  static Value map() { return Value(Map{}); }

  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<ListPtr>(v_); }
  bool is_map() const { return std::holds_alternative<MapPtr>(v_); }

  bool as_bool(bool fallback = false) const { return is_bool() ? std::get<bool>(v_) : fallback; }
  std::int64_t as_int(std::int64_t fallback = 0) const {
    if (is_int()) return std::get<std::int64_t>(v_);
    if (is_double()) {
      // A double outside int64's range (or NaN) has no integer value: converting it would be
      // undefined behaviour (e.g. "line_start": 1e300 in a cargo message).
      const double d = std::get<double>(v_);
      if (!(d >= -0x1p63 && d < 0x1p63)) return fallback;
      return static_cast<std::int64_t>(d);
    }
    return fallback;
  }
  double as_double(double fallback = 0.0) const {
    if (is_double()) return std::get<double>(v_);
    if (is_int()) return static_cast<double>(std::get<std::int64_t>(v_));
    return fallback;
  }
  std::string as_string(std::string_view fallback = {}) const {
    return is_string() ? std::get<std::string>(v_) : std::string(fallback);
  }

  // Read access; an empty list or map when this value is of another type.
  const List& items() const { return is_list() ? *std::get<ListPtr>(v_) : empty_list(); }
  const Map& entries() const { return is_map() ? *std::get<MapPtr>(v_) : empty_map(); }

  // The member `key` of a map, or null when absent or when this is not a map.
  const Value& operator[](std::string_view key) const {
    const Map& m = entries();
    auto it = m.find(key);
    return it == m.end() ? null_value() : it->second;
  }
  bool contains(std::string_view key) const { return entries().find(key) != entries().end(); }

  // Write access: turns a null value into a map or list first (copy-on-write).
  Value& operator[](const std::string& key) { return mutable_map()[key]; }
  Value& set(const std::string& key, Value v) { return mutable_map()[key] = std::move(v); }
  Value& push_back(Value v) { return mutable_list().emplace_back(std::move(v)); }
  std::size_t size() const { return is_list() ? items().size() : entries().size(); }

  friend bool operator==(const Value& a, const Value& b) {
    if (a.v_.index() != b.v_.index()) return false;
    if (a.is_list()) return a.items() == b.items();
    if (a.is_map()) return a.entries() == b.entries();
    return a.v_ == b.v_;
  }

 private:
  using ListPtr = std::shared_ptr<List>;
  using MapPtr = std::shared_ptr<Map>;

  Map& mutable_map() {
    if (!is_map()) v_ = std::make_shared<Map>();
    auto& p = std::get<MapPtr>(v_);
    if (p.use_count() > 1) p = std::make_shared<Map>(*p);
    return *p;
  }
  List& mutable_list() {
    if (!is_list()) v_ = std::make_shared<List>();
    auto& p = std::get<ListPtr>(v_);
    if (p.use_count() > 1) p = std::make_shared<List>(*p);
    return *p;
  }
  static const Value& null_value() {
    static const Value v;
    return v;
  }
  static const List& empty_list() {
    static const List l;
    return l;
  }
  static const Map& empty_map() {
    static const Map m;
    return m;
  }

  std::variant<std::monostate, bool, std::int64_t, double, std::string, ListPtr, MapPtr> v_;
};

}  // namespace selfheal::sdk
