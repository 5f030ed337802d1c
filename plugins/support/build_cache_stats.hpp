// What the build cache did for one build: sccache's counts read before and after cargo (through
// `sccache --show-stats --stats-format=json`, with the build's environment), reported as the
// fix's details.build_cache. Only when the build's RUSTC_WRAPPER is sccache. The counts are the
// server's: a build of another crate running at the same time through the same server adds to them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "selfheal/sdk/context.hpp"

namespace selfheal::plugins {

struct BuildCacheCounts {
  std::int64_t compile_requests = 0;
  std::int64_t not_cacheable = 0;  // rustc calls sccache does not cache (cdylib, build scripts)
  std::int64_t hits = 0;           // summed over languages
  std::int64_t misses = 0;
};

// Null when `json` is not sccache's stats document (sccache 0.4's shape: tests/fixtures/sccache).
std::optional<BuildCacheCounts> parse_build_cache_stats(std::string_view json);

// True when `env`'s RUSTC_WRAPPER names an executable called sccache.
bool uses_sccache(const std::map<std::string, std::string>& env);

// The counts of the sccache server `env` names; null when the build does not use sccache or
// the server does not answer.
std::optional<BuildCacheCounts> read_build_cache_counts(const sdk::Context& context,
                                                        const std::map<std::string, std::string>& env);

// {compile_requests, not_cacheable, hits, misses, hit_rate} of after - before; hit_rate is
// hits / (hits + misses), 0 when sccache cached nothing either way. When the server restarted in
// between (fewer requests after than before), `after` alone.
sdk::Value build_cache_details(const BuildCacheCounts& before, const BuildCacheCounts& after);

}  // namespace selfheal::plugins
