#include "components/component_mapping.hpp"

#include <map>

namespace selfheal {
namespace {

// "a, b and c"
std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out.empty() ? "no component" : out;
}

}  // namespace

std::string component_mapping_error(const ComponentKindRegistry& kinds,
                                    const std::string& component, const std::string& implementation,
                                    const PluginRecord& plugin) {
  const std::string& name = plugin.spec.name;
  if (plugin.component != component)
    return "plugin '" + name + "' creates " + plugin.component + " (" + plugin.implementation +
           "), not " + component + "; name a plugin that creates " + component;
  if (!kinds.find(component))
    return "this host serves " + listed(kinds.names()) + ", not " + component;
  if ((implementation == "rust" || implementation == "cpp") &&
      (plugin.implementation == "rust" || plugin.implementation == "cpp") &&
      plugin.implementation != implementation)
    // The well-known names must mean what they say: /health and the fallback logic read them.
    return "plugin '" + name + "' is the " + plugin.implementation + " implementation of " +
           component + ", listed here as " + implementation;
  return {};
}

std::vector<ManifestError> check_component_mapping(const Manifest& manifest,
                                                   const std::vector<PluginRecord>& records,
                                                   const ComponentKindRegistry& kinds) {
  std::map<std::string, const PluginRecord*> by_name;
  for (const auto& r : records)
    if (r.spec.kind == sdk::PluginKind::component) by_name[r.spec.name] = &r;
  std::vector<ManifestError> errors;
  for (const auto& c : manifest.components) {
    for (const auto& [impl, plugin] : c.implementations) {
      const auto found = by_name.find(plugin);
      if (found == by_name.end() || found->second->component.empty()) continue;
      auto message = component_mapping_error(kinds, c.name, impl, *found->second);
      if (message.empty()) continue;
      const auto at = c.implementation_where.find(impl);
      errors.push_back({at != c.implementation_where.end() ? at->second : c.where,
                        "components." + c.name + ".implementations." + impl, std::move(message)});
    }
  }
  return errors;
}

}  // namespace selfheal
