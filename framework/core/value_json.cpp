#include "core/value_json.hpp"

#include <boost/json.hpp>

#include "core/json_text.hpp"

namespace selfheal {

boost::json::value to_json(const sdk::Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int();
  if (v.is_double()) return v.as_double();
  if (v.is_string()) return boost::json::string(v.as_string());
  if (v.is_list()) {
    boost::json::array a;
    for (const auto& item : v.items()) a.push_back(to_json(item));
    return a;
  }
  if (v.is_map()) {
    boost::json::object o;
    for (const auto& [key, item] : v.entries()) o[key] = to_json(item);
    return o;
  }
  return nullptr;
}

sdk::Value from_json(const boost::json::value& j) {
  switch (j.kind()) {
    case boost::json::kind::bool_: return j.get_bool();
    case boost::json::kind::int64: return j.get_int64();
    case boost::json::kind::uint64: return static_cast<std::int64_t>(j.get_uint64());
    case boost::json::kind::double_: return j.get_double();
    case boost::json::kind::string: return std::string(j.get_string());
    case boost::json::kind::array: {
      sdk::Value list = sdk::Value::list();
      for (const auto& item : j.get_array()) list.push_back(from_json(item));
      return list;
    }
    case boost::json::kind::object: {
      sdk::Value map = sdk::Value::map();
      for (const auto& [key, item] : j.get_object()) map.set(std::string(key), from_json(item));
      return map;
    }
    case boost::json::kind::null: break;
  }
  return {};
}

std::string to_json_text(const sdk::Value& v) { return json_text(to_json(v)); }

sdk::Value from_json_text(const std::string& text) {
  boost::system::error_code ec;
  auto j = boost::json::parse(text, ec);
  return ec ? sdk::Value() : from_json(j);
}

}  // namespace selfheal
