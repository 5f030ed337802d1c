// Whether each component implementation the manifest lists names a plugin that creates that
// component, of a kind the host serves. The component loader casts a plugin's objects to the
// interface of the component's kind, so a plugin that creates another one
// (`bloom_filter: {cpp: memory_pool_cpp}`) or a component no kind is registered for would crash
// the host: it is a manifest error instead, reported at the entry's file:line:column as soon as
// what the plugin creates is known (the probe or the loaded object says it), and the loader
// refuses the implementation by the same rule before any cast. MT safe (pure functions).
#pragma once

#include <string>
#include <vector>

#include "components/component_kind_registry.hpp"
#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

// Why the manifest's `component.implementations.<implementation>: <plugin>` entry must not be
// served, given what the plugin says it creates; empty when it may. `plugin` said it: its
// component() is not empty.
std::string component_mapping_error(const ComponentKindRegistry& kinds,
                                    const std::string& component, const std::string& implementation,
                                    const PluginRecord& plugin);

// One error per mis-mapped entry. Entries whose plugin did not say what it creates (it failed to
// load) are skipped: that failure is reported with the plugin.
std::vector<ManifestError> check_component_mapping(
    const Manifest& manifest, const std::vector<PluginRecord>& records,
    const ComponentKindRegistry& kinds = builtin_component_kinds());

}  // namespace selfheal
