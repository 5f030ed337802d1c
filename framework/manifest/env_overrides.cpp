#include "manifest/env_overrides.hpp"

#include <charconv>
#include <limits>
#include <string>

namespace selfheal::manifest_detail {
namespace {

// Reads `name`; on success stores the value, otherwise reports why.
template <typename Store>
void override_integer(const char* name, std::int64_t min, std::int64_t max, EnvironmentLookup env,
                      Diagnostics& diag, Store store) {
  std::optional<std::string> text = env(name);
  if (!text) return;
  std::string why;
  if (auto v = parse_environment_integer(*text, min, max, why)) {
    store(*v);
  } else {
    diag.error(SourceLocation{diag.file(), 0, 0}, name, why);
  }
}

}  // namespace

std::optional<std::int64_t> parse_environment_integer(std::string_view text, std::int64_t min,
                                                      std::int64_t max, std::string& why) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool all_digits = !digits.empty();
  for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
  if (!all_digits) {
    why = "expected an integer, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  const std::string range =
      max == std::numeric_limits<std::int64_t>::max()
          ? "must be >= " + std::to_string(min)
          : "must be between " + std::to_string(min) + " and " + std::to_string(max);
  // A negative number is out of range (every minimum is >= 0), except "-0".
  bool in_range = ec == std::errc() && end == digits.data() + digits.size() &&
                  magnitude <= static_cast<std::uint64_t>(max) && (!negative || magnitude == 0);
  const auto value = static_cast<std::int64_t>(in_range ? magnitude : 0);
  if (!in_range || value < min || value > max) {
    why = range + ", got " + std::string(text);
    return std::nullopt;
  }
  return value;
}

void apply_environment_overrides(ManifestSettings& settings, EnvironmentLookup env,
                                 Diagnostics& diag) {
  if (env == nullptr) return;
  override_integer("RUST_CHECK_INTERVAL", 1, kMaxSeconds, env, diag,
                   [&](std::int64_t v) { settings.check_interval = std::chrono::seconds(v); });
  override_integer("RUST_MAX_RETRIES", 0, std::numeric_limits<std::uint32_t>::max(), env, diag,
                   [&](std::int64_t v) { settings.max_retries = static_cast<std::uint32_t>(v); });
  override_integer("RUST_BUILD_TIMEOUT", 1, kMaxSeconds, env, diag,
                   [&](std::int64_t v) { settings.build_timeout = std::chrono::seconds(v); });
}

}  // namespace selfheal::manifest_detail
