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
    if (r.spec.kind == sdk::PluginKind::strategy) set.strategies[r.spec.name] = entry<sdk::Strategy>(r);
  }
  return set;
}

}  // namespace selfheal
