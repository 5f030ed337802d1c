// Whether each component implementation the manifest lists names a plugin that creates that
// component. The component loader casts a plugin's objects to the interface of the component it
// serves, so a plugin that creates another one (`bloom_filter: {cpp: memory_pool_cpp}`) would
// crash the host: it is a manifest error instead, reported at the entry's file:line:column as
// soon as what the plugin creates is known (the probe or the loaded object says it).
// MT safe (pure function).
#pragma once

#include <string>
#include <vector>

#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

// The interfaces the host can serve (sdk::component::*).
bool is_served_component(const std::string& name);

// One error per mis-mapped entry. Entries whose plugin did not say what it creates (it failed to
// load) are skipped: that failure is reported with the plugin.
std::vector<ManifestError> check_component_mapping(const Manifest& manifest,
                                                   const std::vector<PluginRecord>& records);

}  // namespace selfheal
