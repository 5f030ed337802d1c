#include "healer/plugin_set.hpp"

#include "loader/plugin_loader.hpp"

namespace selfheal {
namespace {

// The loader verified the descriptor's kind, so the object is of that kind's interface.
template <class Interface>
LoadedEntry<Interface> entry(const PluginRecord& r) {
  LoadedEntry<Interface> e;
  e.name = r.spec.name;
  e.config = r.spec.config;
  if (r.descriptor) {
    e.api_minor = r.descriptor->api_minor;
    e.flags = r.descriptor->flags;
  }
  if (r.status == LoadStatus::loaded && r.object)
    e.object = std::shared_ptr<Interface>(r.object, static_cast<Interface*>(r.object.get()));
  else
    e.load_error = r.error.empty() ? std::string("not loaded") : r.error;
  return e;
}

}  // namespace

PluginSet PluginSet::from_records(const std::vector<PluginRecord>& records) {
  PluginSet set;
  for (const auto& r : records) {
    if (r.spec.kind == sdk::PluginKind::diagnoser) set.diagnosers.push_back(entry<sdk::Diagnoser>(r));
    if (r.spec.kind != sdk::PluginKind::strategy) continue;
    auto e = entry<sdk::Strategy>(r);
    if (set.clean_build.empty() && (e.flags & SELFHEAL_STRATEGY_CLEAN_BUILD)) set.clean_build = e.name;
    set.strategies[r.spec.name] = std::move(e);
  }
  return set;
}

bool PluginSet::builds_artifact(const std::string& strategy) const {
  auto it = strategies.find(strategy);
  return it != strategies.end() && (it->second.flags & SELFHEAL_STRATEGY_BUILDS_ARTIFACT) != 0;
}

}  // namespace selfheal
