// plugins: the diagnoser, strategy and component libraries to load, each with its own config.
#include <algorithm>
#include <system_error>

#include "manifest/names.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"

namespace selfheal::manifest_detail {
namespace {

// A diagnoser's `priority:` bound, either way (more room than any manifest needs).
constexpr std::int64_t kMaxPriority = 1000000;

struct KindSection {
  const char* key;  // "diagnosers"
  sdk::PluginKind kind;
  std::vector<PluginSpec> Manifest::*list;
};

constexpr KindSection kSections[] = {
    {"diagnosers", sdk::PluginKind::diagnoser, &Manifest::diagnosers},
    {"strategies", sdk::PluginKind::strategy, &Manifest::strategies},
    {"components", sdk::PluginKind::component, &Manifest::component_plugins},
};

// Shaped like check_crate_folder in crates_section.cpp: another path, other checks; both report
// through value_error.
bool check_library(Diagnostics& diag, const Field& field, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return value_error(diag, field, "library '" + file.string() + "' does not exist");
  if (!std::filesystem::is_regular_file(file, ec))
    return value_error(diag, field, "library '" + file.string() + "' is not a file");
  return true;
}

std::optional<PluginSpec> read_plugin(ReadContext& ctx, const Field& item, sdk::PluginKind kind,
                                      const std::filesystem::path& plugin_dir) {
  Diagnostics& diag = ctx.diag;
  MapReader map(diag, item, /*null_is_empty=*/false);
  if (!map.ok()) return std::nullopt;
  if (kind == sdk::PluginKind::diagnoser)
    map.allow_only({"name", "library", "config", "priority"});
  else
    map.allow_only({"name", "library", "config"});
  const std::size_t errors_before = diag.count();

  PluginSpec p;
  p.kind = kind;
  p.where = diag.location(map.mark());
  if (const Field* f = map.require("name")) {
    p.name_where = diag.location(value_mark(*f));
    p.name_key = f->key;
    if (auto v = read_name(diag, *f, kPluginName))
      if (declare(diag, ctx.plugins(kind), *v, *f, std::string(to_string(kind)) + " name"))
        p.name = *v;
  }
  if (const Field* f = map.require("library")) {
    if (auto v = read_string(diag, *f)) {
      p.library = resolve(plugin_dir, *v);
      if (ctx.require_libraries) check_library(diag, *f, p.library);
    }
  }
  if (const Field* f = map.find("config"))
    if (auto v = read_config(diag, *f)) p.config = std::move(*v);
  if (const Field* f = map.find("priority"))
    if (auto v = read_integer(diag, *f, -kMaxPriority, kMaxPriority)) p.priority = *v;

  if (diag.count() != errors_before) return std::nullopt;
  return p;
}

}  // namespace

DeclaredNames& ReadContext::plugins(sdk::PluginKind kind) {
  switch (kind) {
    case sdk::PluginKind::diagnoser:
      return diagnosers;
    case sdk::PluginKind::strategy:
      return strategies;
    case sdk::PluginKind::component:
      return component_plugins;
  }
  return strategies;
}

void read_plugins(ReadContext& ctx, const Field* field, Manifest& manifest) {
  if (field == nullptr) return;
  MapReader map(ctx.diag, *field);
  map.allow_only({"diagnosers", "strategies", "components"});
  for (const auto& section : kSections) {
    const Field* f = map.find(section.key);
    if (f == nullptr) continue;
    auto items = read_list(ctx.diag, *f);
    if (!items) continue;
    for (const auto& item : *items)
      if (auto p = read_plugin(ctx, item, section.kind, manifest.settings.plugin_dir))
        (manifest.*section.list).push_back(std::move(*p));
  }
  // Diagnoser order. Convention: the priority of Unix `nice` and of Spring's @Order — an
  // integer, lower runs first, unset is 0 — and a stable sort, so entries of equal priority (all
  // of them, when none sets one) run in the order the manifest lists them. One number per entry
  // cannot form a cycle or name a missing diagnoser, which before:/after: could.
  std::stable_sort(manifest.diagnosers.begin(), manifest.diagnosers.end(),
                   [](const PluginSpec& a, const PluginSpec& b) { return a.priority < b.priority; });
}

}  // namespace selfheal::manifest_detail
