// settings: durations, retry policy, folders, resource floors, the HTTP endpoint.
#include <cmath>
#include <limits>

#include "manifest/env_overrides.hpp"
#include "manifest/names.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"
#include "manifest/suggest.hpp"

namespace selfheal::manifest_detail {
namespace {

constexpr std::int64_t kMaxMegabytes = std::int64_t{1} << 40;

void read_backoff(ReadContext& ctx, const Field& field, ManifestSettings& s) {
  MapReader map(ctx.diag, field);
  map.allow_only({"base", "cap", "reset_after"});
  const auto max = static_cast<double>(kMaxSeconds);
  const Field* base = map.find("base");
  const Field* cap = map.find("cap");
  std::optional<double> base_s = base ? read_number(ctx.diag, *base, 0.001, max) : 2.0;
  std::optional<double> cap_s = cap ? read_number(ctx.diag, *cap, 0.001, max) : 300.0;
  if (base_s && cap_s) {
    if (*cap_s < *base_s) {
      const Field& at = cap ? *cap : *base;
      ctx.diag.error(value_mark(at), at.key,
                     "backoff cap (" + (cap ? cap->value.Scalar() : std::string("300")) +
                         " s) must be >= base (" +
                         (base ? base->value.Scalar() : std::string("2")) + " s)");
    } else {
      s.backoff_base = std::chrono::milliseconds(std::llround(*base_s * 1000));
      s.backoff_cap = std::chrono::milliseconds(std::llround(*cap_s * 1000));
    }
  }
  if (const Field* f = map.find("reset_after"))
    if (auto v = read_integer(ctx.diag, *f, 0, kMaxSeconds))
      s.retry_reset_after = std::chrono::seconds(*v);
}

void read_http(ReadContext& ctx, const Field& field, HttpSettings& http) {
  MapReader map(ctx.diag, field);
  map.allow_only({"bind", "port", "token", "token_env"});
  if (const Field* f = map.find("bind"))
    if (auto v = read_string(ctx.diag, *f)) http.bind_address = *v;
  if (const Field* f = map.find("port"))
    if (auto v = read_integer(ctx.diag, *f, 0, 65535)) http.port = static_cast<std::uint16_t>(*v);
  const Field* token = map.find("token");
  if (token)
    if (auto v = read_string(ctx.diag, *token, /*allow_empty=*/true)) http.bearer_token = *v;
  if (const Field* f = map.find("token_env")) {
    auto name = read_name(ctx.diag, *f, kEnvironmentName);
    if (!name) return;
    if (token) {
      ctx.diag.error(f->key_mark, f->key, "set either token or token_env, not both");
      return;
    }
    std::optional<std::string> value = ctx.env ? ctx.env(name->c_str()) : std::nullopt;
    if (!value) {
      ctx.diag.error(value_mark(*f), f->key, "environment variable " + *name + " is not set");
    } else if (value->empty()) {
      ctx.diag.error(value_mark(*f), f->key, "environment variable " + *name + " is empty");
    } else {
      http.bearer_token = *value;
    }
  }
}

void read_log_level(ReadContext& ctx, const Field& field, std::string& out) {
  static const std::vector<std::string> kLevels{"debug", "info", "warning", "error"};
  auto v = read_string(ctx.diag, field);
  if (!v) return;
  for (const auto& level : kLevels) {
    if (*v == level) {
      out = *v;
      return;
    }
  }
  ctx.diag.error(
      value_mark(field), field.key,
      "expected one of " + join(kLevels) + ", got '" + *v + "'" + did_you_mean(*v, kLevels));
}

void read_build_cache(ReadContext& ctx, const Field& field, BuildCacheSettings& cache) {
  static const std::vector<std::string> kModes{"auto", "off"};
  auto v = read_string(ctx.diag, field);
  if (!v) return;
  if (*v == "auto" || *v == "off") {
    cache.enabled = *v == "auto";
    return;
  }
  ctx.diag.error(value_mark(field), field.key,
                 "expected one of " + join(kModes) + ", got '" + *v + "'" + did_you_mean(*v, kModes));
}

void read_toolchain_path(ReadContext& ctx, const Field& field, ManifestSettings& s) {
  auto items = read_list(ctx.diag, field);
  if (!items) return;
  for (const auto& item : *items)
    if (auto v = read_string(ctx.diag, item)) s.toolchain_path.push_back(resolve(ctx.folder, *v));
}

}  // namespace

void read_settings(ReadContext& ctx, const Field* field, ManifestSettings& s) {
  s.state_dir = normalise(ctx.folder / "state");
  s.plugin_dir = normalise(ctx.folder);
  if (field == nullptr) {
    s.build_cache.dir = s.state_dir / "sccache";
    return;
  }
  MapReader map(ctx.diag, *field);
  map.allow_only({"check_interval", "max_retries", "build_timeout", "backoff", "state_dir",
                  "plugin_dir", "log_level", "min_free_memory_mb", "min_free_disk_mb", "build_jobs",
                  "toolchain_path", "http", "auto_fix", "watch_debounce_ms",
                  "build_cache", "build_cache_dir"});
  auto integer = [&](const char* name, std::int64_t min, std::int64_t max, auto store) {
    if (const Field* f = map.find(name))
      if (auto v = read_integer(ctx.diag, *f, min, max)) store(*v);
  };
  auto path = [&](const char* name, std::filesystem::path& out) {
    if (const Field* f = map.find(name))
      if (auto v = read_string(ctx.diag, *f)) out = resolve(ctx.folder, *v);
  };
  integer("check_interval", 1, kMaxSeconds,
          [&](std::int64_t v) { s.check_interval = std::chrono::seconds(v); });
  integer("watch_debounce_ms", 0, 3600000,
          [&](std::int64_t v) { s.watch_debounce = std::chrono::milliseconds(v); });
  integer("max_retries", 0, std::numeric_limits<std::uint32_t>::max(),
          [&](std::int64_t v) { s.max_retries = static_cast<std::uint32_t>(v); });
  integer("build_timeout", 1, kMaxSeconds,
          [&](std::int64_t v) { s.build_timeout = std::chrono::seconds(v); });
  if (const Field* f = map.find("backoff")) read_backoff(ctx, *f, s);
  path("state_dir", s.state_dir);
  path("plugin_dir", s.plugin_dir);
  if (const Field* f = map.find("log_level")) read_log_level(ctx, *f, s.log_level);
  integer("min_free_memory_mb", 0, kMaxMegabytes,
          [&](std::int64_t v) { s.min_free_memory_bytes = static_cast<std::uint64_t>(v) << 20; });
  integer("min_free_disk_mb", 0, kMaxMegabytes,
          [&](std::int64_t v) { s.min_free_disk_bytes = static_cast<std::uint64_t>(v) << 20; });
  integer("build_jobs", 0, std::numeric_limits<unsigned>::max(),
          [&](std::int64_t v) { s.build_jobs = static_cast<unsigned>(v); });
  if (const Field* f = map.find("toolchain_path")) read_toolchain_path(ctx, *f, s);
  if (const Field* f = map.find("http")) read_http(ctx, *f, s.http);
  if (const Field* f = map.find("auto_fix"))
    if (auto v = read_bool(ctx.diag, *f)) s.auto_fix = *v;
  if (const Field* f = map.find("build_cache")) read_build_cache(ctx, *f, s.build_cache);
  path("build_cache_dir", s.build_cache.dir);
  if (s.build_cache.dir.empty()) s.build_cache.dir = s.state_dir / "sccache";  // follows state_dir
}

}  // namespace selfheal::manifest_detail
