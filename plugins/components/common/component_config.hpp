// Reading a component's `config:` block (shared by the C++ implementations and the Rust
// adapters, so both accept the same settings with the same defaults and limits).
#pragma once

#include <cstdint>
#include <string>

#include "selfheal/sdk/result.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::components {

struct BloomSettings {
  std::uint64_t expected_items = 1'000'000;
  double false_positive_rate = 0.01;
};
struct WindowSettings {
  std::uint32_t capacity = 30;  // window_size
  double threshold = 0.95;      // similarity_threshold
};
struct PoolSettings {
  std::uint64_t max_class = 1u << 20;         // max_class
  std::uint64_t memory_limit = 256ull << 20;  // memory_limit_bytes
};

namespace config_detail {
inline sdk::Status bad(const std::string& what) {
  return sdk::Status::error(sdk::Errc::invalid_argument, what);
}
// The integer at `key` (absent or null: `fallback`), which must lie in [lo, hi].
inline sdk::Status read_int(const sdk::Value& config, const char* key, std::int64_t lo,
                            std::int64_t hi, std::uint64_t& out) {
  const sdk::Value& v = config[key];
  if (v.is_null()) return {};
  if (!v.is_int()) return bad(std::string(key) + " must be an integer");
  if (v.as_int() < lo || v.as_int() > hi)
    return bad(std::string(key) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "]");
  out = static_cast<std::uint64_t>(v.as_int());
  return {};
}
inline sdk::Status read_double(const sdk::Value& config, const char* key, double lo, double hi,
                               bool open, double& out) {
  const sdk::Value& v = config[key];
  if (v.is_null()) return {};
  const double d = v.as_double();
  const bool inside = open ? (d > lo && d < hi) : (d >= lo && d <= hi);
  if (!v.is_number() || !inside)
    return bad(std::string(key) + " must be a number in " + (open ? "(" : "[") +
               std::to_string(lo) + ", " + std::to_string(hi) + (open ? ")" : "]"));
  out = d;
  return {};
}
}  // namespace config_detail

// expected_items in [1, 10^10], false_positive_rate in (0, 1).
inline sdk::Result<BloomSettings> bloom_settings(const sdk::Value& config) {
  BloomSettings s;
  if (auto st =
          config_detail::read_int(config, "expected_items", 1, 10'000'000'000, s.expected_items);
      !st.ok())
    return st;
  if (auto st = config_detail::read_double(config, "false_positive_rate", 0.0, 1.0, true,
                                           s.false_positive_rate);
      !st.ok())
    return st;
  return s;
}

// window_size in [1, 65536], similarity_threshold in [0, 1].
inline sdk::Result<WindowSettings> window_settings(const sdk::Value& config) {
  WindowSettings s;
  std::uint64_t capacity = s.capacity;
  if (auto st = config_detail::read_int(config, "window_size", 1, 65536, capacity); !st.ok())
    return st;
  s.capacity = static_cast<std::uint32_t>(capacity);
  if (auto st =
          config_detail::read_double(config, "similarity_threshold", 0.0, 1.0, false, s.threshold);
      !st.ok())
    return st;
  return s;
}

// max_class a power of two in [64, 2^30]; memory_limit_bytes >= 1.
inline sdk::Result<PoolSettings> pool_settings(const sdk::Value& config) {
  PoolSettings s;
  if (auto st =
          config_detail::read_int(config, "max_class", 64, std::int64_t{1} << 30, s.max_class);
      !st.ok())
    return st;
  if ((s.max_class & (s.max_class - 1)) != 0)
    return config_detail::bad("max_class must be a power of two");
  if (auto st = config_detail::read_int(config, "memory_limit_bytes", 1, INT64_MAX, s.memory_limit);
      !st.ok())
    return st;
  return s;
}

}  // namespace selfheal::components
