// The environment variables that override settings: RUST_CHECK_INTERVAL, RUST_MAX_RETRIES,
// RUST_BUILD_TIMEOUT. A set variable must hold a valid value: a bad one is an error (reported in
// the source "environment", key = the variable's name), never a silent default.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"

namespace selfheal::manifest_detail {

inline constexpr const char* kEnvironmentSource = "environment";
// The largest number of seconds any duration setting accepts (about 68 years).
inline constexpr std::int64_t kMaxSeconds = 2147483647;

// A decimal integer in [min, max], 0 <= min <= max ("expected an integer, got 'abc'" / "must be >=
// 1, got 0").
std::optional<std::int64_t> parse_environment_integer(std::string_view text, std::int64_t min,
                                                      std::int64_t max, std::string& why);

// Applies the overrides that are set; `diag` collects the errors (its file: "environment").
void apply_environment_overrides(ManifestSettings& settings, EnvironmentLookup env,
                                 Diagnostics& diag);

}  // namespace selfheal::manifest_detail
