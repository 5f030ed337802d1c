// settings: durations, retry policy, folders, resource floors, the HTTP endpoint.
#include <cmath>
#include <limits>
#include <optional>
#include <string>

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

// A bearer token as RFC 6750 defines it (b64token: letters, digits, "-._~+/", then "="s). One
// with a space, a control character or nothing but blanks could never be sent back in an
// Authorization header as written, so every POST would fail: refuse it where it is written.
std::optional<std::string> bearer_token_problem(const std::string& token) {
  const auto is_token_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  };
  std::size_t i = 0;
  while (i < token.size() && is_token_char(token[i])) ++i;
  if (i == 0) return "a bearer token (RFC 6750) starts with a letter, a digit or one of -._~+/";
  while (i < token.size() && token[i] == '=') ++i;
  if (i != token.size())
    return "a bearer token holds only letters, digits, -._~+/ and trailing '=' (RFC 6750), "
           "no spaces or control characters";
  return std::nullopt;
}

void read_http(ReadContext& ctx, const Field& field, HttpSettings& http) {
  MapReader map(ctx.diag, field);
  map.allow_only({"bind", "port", "token", "token_env"});
  if (const Field* f = map.find("bind"))
    if (auto v = read_string(ctx.diag, *f)) http.bind_address = *v;
  if (const Field* f = map.find("port"))
    if (auto v = read_integer(ctx.diag, *f, 0, 65535)) http.port = static_cast<std::uint16_t>(*v);
  const Field* token = map.find("token");
  if (token) {
    if (auto v = read_string(ctx.diag, *token, /*allow_empty=*/true)) {
      // Empty means no token (an open endpoint, allowed on loopback only).
      if (auto problem = v->empty() ? std::nullopt : bearer_token_problem(*v))
        ctx.diag.error(value_mark(*token), token->key, *problem);
      else
        http.bearer_token = *v;
    }
  }
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
    } else if (auto problem = bearer_token_problem(*value)) {
      ctx.diag.error(value_mark(*f), f->key, "environment variable " + *name + ": " + *problem);
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

void read_log_format(ReadContext& ctx, const Field& field, std::string& out) {
  static const std::vector<std::string> kFormats{"text", "json"};
  auto v = read_string(ctx.diag, field);
  if (!v) return;
  if (*v == "text" || *v == "json") {
    out = *v;
    return;
  }
  ctx.diag.error(value_mark(field), field.key,
                 "expected one of " + join(kFormats) + ", got '" + *v + "'" + did_you_mean(*v, kFormats));
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

// SELFHEAL_STATE_DIR and SELFHEAL_PLUGIN_DIR (also set by the CLI's --state-dir/--plugin-dir)
// move the manifest's folders without editing it: an installed manifest copied to /etc keeps
// working. Applied before the plugins are read, whose relative `library:` values start at
// plugin_dir; a relative value starts at the working directory, as a command-line path does.
void apply_folder_overrides(ReadContext& ctx, ManifestSettings& s) {
  if (ctx.env == nullptr) return;
  for (auto [name, out] : {std::pair{"SELFHEAL_STATE_DIR", &s.state_dir},
                           std::pair{"SELFHEAL_PLUGIN_DIR", &s.plugin_dir}}) {
    const std::optional<std::string> value = ctx.env(name);
    if (!value) continue;
    if (value->empty()) {
      ctx.diag.error(SourceLocation{kEnvironmentSource, 0, 0}, name, "is set but empty");
      continue;
    }
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(*value, ec);
    *out = normalise(ec ? std::filesystem::path(*value) : absolute);
  }
}

void read_settings(ReadContext& ctx, const Field* field, ManifestSettings& s) {
  s.state_dir = normalise(ctx.folder / "state");
  s.plugin_dir = normalise(ctx.folder);
  if (field == nullptr) {
    apply_folder_overrides(ctx, s);
    s.build_cache.dir = s.state_dir / "sccache";
    return;
  }
  MapReader map(ctx.diag, *field);
  map.allow_only({"check_interval", "max_retries", "build_timeout", "backoff", "state_dir",
                  "plugin_dir", "log_level", "log_format", "min_free_memory_mb", "min_free_disk_mb", "build_jobs",
                  "build_nice", "toolchain_path", "http", "auto_fix", "watch_debounce_ms",
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
  apply_folder_overrides(ctx, s);
  if (const Field* f = map.find("log_level")) read_log_level(ctx, *f, s.log_level);
  if (const Field* f = map.find("log_format")) read_log_format(ctx, *f, s.log_format);
  integer("min_free_memory_mb", 0, kMaxMegabytes,
          [&](std::int64_t v) { s.min_free_memory_bytes = static_cast<std::uint64_t>(v) << 20; });
  integer("min_free_disk_mb", 0, kMaxMegabytes,
          [&](std::int64_t v) { s.min_free_disk_bytes = static_cast<std::uint64_t>(v) << 20; });
  integer("build_jobs", 0, std::numeric_limits<unsigned>::max(),
          [&](std::int64_t v) { s.build_jobs = static_cast<unsigned>(v); });
  integer("build_nice", 0, 19, [&](std::int64_t v) { s.build_nice = static_cast<int>(v); });
  if (const Field* f = map.find("toolchain_path")) read_toolchain_path(ctx, *f, s);
  if (const Field* f = map.find("http")) read_http(ctx, *f, s.http);
  if (const Field* f = map.find("auto_fix"))
    if (auto v = read_bool(ctx.diag, *f)) s.auto_fix = *v;
  if (const Field* f = map.find("build_cache")) read_build_cache(ctx, *f, s.build_cache);
  path("build_cache_dir", s.build_cache.dir);
  if (s.build_cache.dir.empty()) s.build_cache.dir = s.state_dir / "sccache";  // follows state_dir
}

}  // namespace selfheal::manifest_detail
