// What `sccache --show-stats --stats-format=json` reports, reduced to the counts the host shows.
// Read from sccache 0.4's output (Debian 12); see tests/fixtures/sccache/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace selfheal {

struct SccacheStats {
  std::uint64_t compile_requests = 0;  // every rustc call cargo made through the wrapper
  std::uint64_t not_cacheable = 0;     // calls sccache passed through (cdylib, build scripts, -vV)
  std::uint64_t hits = 0;              // summed over languages
  std::uint64_t misses = 0;
  std::string cache_location;          // e.g. Local disk: "/var/lib/selfheal/sccache"

  SccacheStats& operator+=(const SccacheStats& other);
};

// Null when `json` is not sccache's stats document.
std::optional<SccacheStats> parse_sccache_stats(std::string_view json);

}  // namespace selfheal
