#include "artifacts/sccache_stats.hpp"

#include <boost/json/parse.hpp>

namespace selfheal {
namespace {

namespace json = boost::json;

std::uint64_t count(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() > 0) return static_cast<std::uint64_t>(v->as_int64());
  return 0;
}

// {"counts": {"Rust": 3, "C/C++": 1}} -> 4
std::uint64_t per_language_total(const json::object& stats, std::string_view key) {
  const auto* group = stats.if_contains(key);
  if (group == nullptr || !group->is_object()) return 0;
  const auto* counts = group->as_object().if_contains("counts");
  if (counts == nullptr || !counts->is_object()) return 0;
  std::uint64_t total = 0;
  for (const auto& entry : counts->as_object()) total += count(counts->as_object(), entry.key());
  return total;
}

}  // namespace

SccacheStats& SccacheStats::operator+=(const SccacheStats& other) {
  compile_requests += other.compile_requests;
  not_cacheable += other.not_cacheable;
  hits += other.hits;
  misses += other.misses;
  return *this;
}

std::optional<SccacheStats> parse_sccache_stats(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto* stats = doc.as_object().if_contains("stats");
  if (stats == nullptr || !stats->is_object() || !stats->as_object().contains("compile_requests"))
    return std::nullopt;
  const auto& s = stats->as_object();
  SccacheStats out;
  out.compile_requests = count(s, "compile_requests");
  out.not_cacheable = count(s, "requests_not_cacheable");
  out.hits = per_language_total(s, "cache_hits");
  out.misses = per_language_total(s, "cache_misses");
  if (const auto* where = doc.as_object().if_contains("cache_location"); where && where->is_string())
    out.cache_location = std::string(where->as_string());
  return out;
}

}  // namespace selfheal
