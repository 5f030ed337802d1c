// Manifest errors only the plugins can reveal, judged from what the probe or the loaded objects
// said (PluginRecord): a plugin entry whose `name:` is not the name its descriptor declares, and
// an `issues:` key no diagnoser reports. Each error is at the manifest's file:line:column.
// `check` runs both on the probe's records; the host runs the issue-type check on what it loaded
// and refuses to start (or keeps the running manifest on a reload) with any. MT safe (pure).
#pragma once

#include <vector>

#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

// One error per plugin whose descriptor is known and names another plugin than its entry.
std::vector<ManifestError> check_plugin_names(const Manifest& manifest,
                                              const std::vector<PluginRecord>& records);

// One error per `issues:` key that no diagnoser declares in issue_types(), with the closest
// declared type suggested. Judged only when every diagnoser of the manifest said what it
// reports: a diagnoser that failed to load might have declared the key (its failure is
// reported with the plugin), so nothing is claimed then.
std::vector<ManifestError> check_issue_types(const Manifest& manifest,
                                             const std::vector<PluginRecord>& records);

}  // namespace selfheal
