// issues: issue type -> the chain of strategies that fixes it (an empty chain: no automatic fix).
#include "manifest/names.hpp"
#include "manifest/sections.hpp"
#include "manifest/suggest.hpp"
#include "manifest/yaml_scalar.hpp"

namespace selfheal::manifest_detail {
namespace {

// One strategy of a chain: must be provided by an entry of plugins.strategies.
std::optional<std::string> read_step(ReadContext& ctx, const Field& field) {
  auto name = read_name(ctx.diag, field, kPluginName);
  if (!name) return std::nullopt;
  if (ctx.strategies.count(*name) == 0) {
    ctx.diag.error(value_mark(field), field.key,
                   "no plugins.strategies entry provides strategy '" + *name + "'" +
                       did_you_mean(*name, names_of(ctx.strategies)));
    return std::nullopt;
  }
  return name;
}

std::optional<std::vector<std::string>> read_chain(ReadContext& ctx, const Field& field) {
  if (field.value.IsScalar() && !field.value.IsNull()) {
    auto step = read_step(ctx, field);
    if (!step) return std::nullopt;
    return std::vector<std::string>{*step};
  }
  if (!field.value.IsSequence()) {
    std::string hint = field.value.IsNull() ? "; write [] for an issue with no automatic fix" : "";
    ctx.diag.error(
        value_mark(field), field.key,
        "expected a list of strategy names (or one name), got " + describe(field.value) + hint);
    return std::nullopt;
  }
  auto items = read_list(ctx.diag, field);
  if (!items) return std::nullopt;
  std::vector<std::string> chain;
  bool ok = true;
  for (const auto& item : *items) {
    if (auto step = read_step(ctx, item)) {
      chain.push_back(*step);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return chain;
}

}  // namespace

void read_issues(ReadContext& ctx, const Field* field, Manifest& manifest) {
  if (field == nullptr) return;
  MapReader map(ctx.diag, *field);
  for (const auto& entry : map.entries()) {
    bool ok = check_name(ctx.diag, entry, kIssueType);
    auto chain = read_chain(ctx, entry);
    if (ok && chain) {
      manifest.issue_where.emplace(entry.name, ctx.diag.location(entry.key_mark));
      manifest.issue_strategies.emplace(entry.name, std::move(*chain));
    }
  }
}

}  // namespace selfheal::manifest_detail
