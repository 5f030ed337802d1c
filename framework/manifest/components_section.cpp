// components: each component's implementations (entries of plugins.components), preference,
// crate and config.
#include "manifest/names.hpp"
#include "manifest/sections.hpp"
#include "manifest/suggest.hpp"

namespace selfheal::manifest_detail {
namespace {

void read_implementations(ReadContext& ctx, const Field& field, ComponentSpec& c) {
  MapReader map(ctx.diag, field, /*null_is_empty=*/false);
  if (!map.ok()) return;
  if (map.entries().empty()) {
    ctx.diag.error(map.mark(), field.key, "at least one implementation is required");
    return;
  }
  for (const auto& entry : map.entries()) {
    bool ok = check_name(ctx.diag, entry, kImplementation);
    auto plugin = read_name(ctx.diag, entry, kPluginName);
    if (!plugin) continue;
    if (ctx.component_plugins.count(*plugin) == 0) {
      ctx.diag.error(value_mark(entry), entry.key,
                     "no plugins.components entry named '" + *plugin + "'" +
                         did_you_mean(*plugin, names_of(ctx.component_plugins)));
      continue;
    }
    if (ok) {
      c.implementations.emplace(entry.name, *plugin);
      c.implementation_where[entry.name] = ctx.diag.location(value_mark(entry));
    }
  }
}

void read_prefer(ReadContext& ctx, const Field& field, ComponentSpec& c) {
  auto v = read_string(ctx.diag, field);
  if (!v) return;
  std::vector<std::string> allowed{"auto"};
  for (const auto& [impl, plugin] : c.implementations) allowed.push_back(impl);
  for (const auto& a : allowed) {
    if (a == *v) {
      c.prefer = *v;
      return;
    }
  }
  ctx.diag.error(
      value_mark(field), field.key,
      "expected one of " + join(allowed) + ", got '" + *v + "'" + did_you_mean(*v, allowed));
}

void read_crate_ref(ReadContext& ctx, const MapReader& map, ComponentSpec& c) {
  const Field* f = map.find("crate");
  if (f == nullptr) {
    if (ctx.crates.size() == 1) {
      c.crate = ctx.crates.begin()->first;
    } else if (ctx.crates.size() > 1) {
      ctx.diag.error(map.mark(), child_key(map.key(), "crate"),
                     "missing key 'crate': the manifest has several crates (" +
                         join(names_of(ctx.crates)) + "); say which one");
    }
    return;
  }
  auto name = read_name(ctx.diag, *f, kCrateName);
  if (!name) return;
  if (ctx.crates.count(*name) == 0) {
    ctx.diag.error(value_mark(*f), f->key,
                   "no crate named '" + *name + "'" + did_you_mean(*name, names_of(ctx.crates)));
    return;
  }
  c.crate = *name;
}

std::optional<ComponentSpec> read_component(ReadContext& ctx, const Field& entry) {
  Diagnostics& diag = ctx.diag;
  const std::size_t errors_before = diag.count();
  check_name(diag, entry, kComponentName);
  MapReader map(diag, entry, /*null_is_empty=*/false);
  if (!map.ok()) return std::nullopt;
  map.allow_only({"implementations", "prefer", "crate", "config"});

  ComponentSpec c;
  c.name = entry.name;
  c.where = diag.location(entry.key_mark);
  if (const Field* f = map.require("implementations")) read_implementations(ctx, *f, c);
  if (const Field* f = map.find("prefer")) read_prefer(ctx, *f, c);
  read_crate_ref(ctx, map, c);
  if (const Field* f = map.find("config"))
    if (auto v = read_config(diag, *f)) c.config = std::move(*v);

  if (diag.count() != errors_before) return std::nullopt;
  return c;
}

}  // namespace

void read_components(ReadContext& ctx, const Field* field, Manifest& manifest) {
  if (field == nullptr) return;
  MapReader map(ctx.diag, *field);
  for (const auto& entry : map.entries())
    if (auto c = read_component(ctx, entry)) manifest.components.push_back(std::move(*c));
}

}  // namespace selfheal::manifest_detail
