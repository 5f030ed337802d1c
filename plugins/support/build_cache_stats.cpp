#include "support/build_cache_stats.hpp"

#include <chrono>
#include <filesystem>
#include <vector>

#include "support/json_reader.hpp"

namespace selfheal::plugins {
namespace {

// {"counts": {"Rust": 3, "C/C++": 1}} -> 4
std::int64_t per_language_total(const sdk::Value& group) {
  std::int64_t total = 0;
  for (const auto& [language, n] : group["counts"].entries()) total += n.as_int();
  return total;
}

}  // namespace

std::optional<BuildCacheCounts> parse_build_cache_stats(std::string_view json) {
  auto doc = parse_json(json);
  if (!doc) return std::nullopt;
  const sdk::Value& stats = (*doc)["stats"];
  if (!stats["compile_requests"].is_int()) return std::nullopt;
  BuildCacheCounts c;
  c.compile_requests = stats["compile_requests"].as_int();
  c.not_cacheable = stats["requests_not_cacheable"].as_int();
  c.hits = per_language_total(stats["cache_hits"]);
  c.misses = per_language_total(stats["cache_misses"]);
  return c;
}

bool uses_sccache(const std::map<std::string, std::string>& env) {
  auto it = env.find("RUSTC_WRAPPER");
  return it != env.end() && std::filesystem::path(it->second).filename() == "sccache";
}

std::optional<BuildCacheCounts> read_build_cache_counts(const sdk::Context& context,
                                                        const std::map<std::string, std::string>& env) {
  if (!uses_sccache(env)) return std::nullopt;
  sdk::ProcessSpec spec;
  spec.argv = {env.at("RUSTC_WRAPPER"), "--show-stats", "--stats-format=json"};
  spec.environment = env;
  spec.search_path = context.toolchain_search_path();
  spec.timeout = std::chrono::seconds(30);
  spec.cancellation = context.cancellation();
  std::vector<std::string> out;
  spec.on_line = [&out](sdk::OutputStream stream, std::string_view line) {
    if (stream == sdk::OutputStream::out) out.emplace_back(line);
  };
  auto result = context.processes().run(spec);
  if (!result.success()) return std::nullopt;
  for (const auto& line : out)
    if (auto counts = parse_build_cache_stats(line)) return counts;
  return std::nullopt;
}

sdk::Value build_cache_details(const BuildCacheCounts& counted_before, const BuildCacheCounts& after) {
  // A server that restarted during the build (it had exited idle) counts from zero.
  const BuildCacheCounts before =
      after.compile_requests < counted_before.compile_requests ? BuildCacheCounts{} : counted_before;
  const std::int64_t hits = after.hits - before.hits;
  const std::int64_t misses = after.misses - before.misses;
  sdk::Value d = sdk::Value::map();
  d.set("compile_requests", after.compile_requests - before.compile_requests);
  d.set("not_cacheable", after.not_cacheable - before.not_cacheable);
  d.set("hits", hits);
  d.set("misses", misses);
  d.set("hit_rate", hits + misses > 0 ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0.0);
  return d;
}

}  // namespace selfheal::plugins
