// fleet: the Redis server through which hosts share built artifacts (off when absent).
#include <cctype>

#include "manifest/names.hpp"
#include "manifest/sections.hpp"

namespace selfheal::manifest_detail {
namespace {

constexpr std::int64_t kMaxTimeoutMs = 60000;

bool is_key_prefix(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != ':')
      return false;
  return true;
}

// "host:port", "host" (port 6379) or "[v6-address]:port".
void read_redis_address(ReadContext& ctx, const Field& field, FleetSettings& fleet) {
  auto text = read_string(ctx.diag, field);
  if (!text) return;
  auto fail = [&](const std::string& why) {
    ctx.diag.error(value_mark(field), field.key,
                   "invalid Redis address '" + *text + "': " + why +
                       " (expected HOST:PORT, e.g. 127.0.0.1:6379)");
  };
  std::string host = *text;
  std::string port;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) return fail("unclosed '['");
    const std::string rest = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("expected ':' after ']'");
      port = rest.substr(1);
      if (port.empty()) return fail("the port is empty");
    }
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    if (host.find(':') != colon) return fail("write an IPv6 address in brackets");
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty()) return fail("the port is empty");
  }
  if (host.empty()) return fail("the host is empty");
  if (!port.empty()) {
    std::int64_t value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port.size() > 5)
        return fail("the port must be an integer 1 … 65535");
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return fail("the port must be an integer 1 … 65535");
    fleet.redis_port = static_cast<std::uint16_t>(value);
  }
  fleet.redis_host = host;
}

void read_password_env(ReadContext& ctx, const Field& field, FleetSettings& fleet) {
  auto name = read_name(ctx.diag, field, kEnvironmentName);
  if (!name) return;
  std::optional<std::string> value = ctx.env ? ctx.env(name->c_str()) : std::nullopt;
  if (!value)
    ctx.diag.error(value_mark(field), field.key, "environment variable " + *name + " is not set");
  else if (value->empty())
    ctx.diag.error(value_mark(field), field.key, "environment variable " + *name + " is empty");
  else
    fleet.password = *value;
}

}  // namespace

void read_fleet(ReadContext& ctx, const Field* field, FleetSettings& fleet) {
  if (field == nullptr) return;
  if (field->value.IsNull()) {
    // An empty value is more likely a section left unfinished than a wish for every default.
    ctx.diag.error(value_mark(*field), field->key,
                   "the fleet section is empty: write 'fleet: {}' to use Redis at 127.0.0.1:6379 "
                   "with the defaults, or remove the section");
    return;
  }
  MapReader map(ctx.diag, *field);
  if (!map.ok()) return;
  map.allow_only({"enabled", "redis", "key_prefix", "timeout_ms", "password_env", "publish",
                  "fetch", "signing_key", "trusted_keys"});
  fleet.enabled = true;
  if (const Field* f = map.find("enabled"))
    if (auto v = read_bool(ctx.diag, *f)) fleet.enabled = *v;
  if (const Field* f = map.find("redis")) read_redis_address(ctx, *f, fleet);
  if (const Field* f = map.find("key_prefix")) {
    if (auto v = read_string(ctx.diag, *f)) {
      if (is_key_prefix(*v))
        fleet.key_prefix = *v;
      else
        ctx.diag.error(value_mark(*f), f->key,
                       "invalid key prefix '" + *v + "': must match [A-Za-z0-9_.:-]+");
    }
  }
  if (const Field* f = map.find("timeout_ms"))
    if (auto v = read_integer(ctx.diag, *f, 1, kMaxTimeoutMs))
      fleet.timeout = std::chrono::milliseconds(*v);
  if (const Field* f = map.find("password_env")) read_password_env(ctx, *f, fleet);
  if (const Field* f = map.find("publish"))
    if (auto v = read_bool(ctx.diag, *f)) fleet.publish = *v;
  if (const Field* f = map.find("fetch"))
    if (auto v = read_bool(ctx.diag, *f)) fleet.fetch = *v;
  if (const Field* f = map.find("signing_key")) read_signing_key(ctx, *f, fleet);
  if (const Field* f = map.find("trusted_keys")) read_trusted_keys(ctx, *f, fleet);
}

}  // namespace selfheal::manifest_detail
