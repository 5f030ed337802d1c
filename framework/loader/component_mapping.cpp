#include "loader/component_mapping.hpp"

#include <map>

#include "selfheal/sdk/component.hpp"

namespace selfheal {

bool is_served_component(const std::string& name) {
  return name == sdk::component::bloom_filter || name == sdk::component::sliding_window ||
         name == sdk::component::memory_pool;
}

std::vector<ManifestError> check_component_mapping(const Manifest& manifest,
                                                   const std::vector<PluginRecord>& records) {
  std::map<std::string, const PluginRecord*> by_name;
  for (const auto& r : records)
    if (r.spec.kind == sdk::PluginKind::component) by_name[r.spec.name] = &r;
  std::vector<ManifestError> errors;
  for (const auto& c : manifest.components) {
    for (const auto& [impl, plugin] : c.implementations) {
      const auto found = by_name.find(plugin);
      if (found == by_name.end() || found->second->component.empty()) continue;
      const PluginRecord& r = *found->second;
      const auto at = c.implementation_where.find(impl);
      ManifestError e{at != c.implementation_where.end() ? at->second : c.where,
                      "components." + c.name + ".implementations." + impl, ""};
      if (r.component != c.name) {
        e.message = "plugin '" + plugin + "' creates " + r.component + " (" + r.implementation +
                    "), not " + c.name + "; name a plugin that creates " + c.name;
      } else if (!is_served_component(c.name)) {
        e.message = "this host serves bloom_filter, sliding_window and memory_pool, not " + c.name;
      } else if ((impl == "rust" || impl == "cpp") &&
                 (r.implementation == "rust" || r.implementation == "cpp") && r.implementation != impl) {
        // The well-known names must mean what they say: /health and the fallback logic read them.
        e.message = "plugin '" + plugin + "' is the " + r.implementation + " implementation of " +
                    c.name + ", listed here as " + impl;
      } else {
        continue;
      }
      errors.push_back(std::move(e));
    }
  }
  return errors;
}

}  // namespace selfheal
