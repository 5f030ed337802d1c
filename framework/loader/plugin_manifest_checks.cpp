#include "loader/plugin_manifest_checks.hpp"

#include <algorithm>
#include <set>

#include "manifest/suggest.hpp"

namespace selfheal {

std::vector<ManifestError> check_plugin_names(const Manifest& manifest,
                                              const std::vector<PluginRecord>& records) {
  std::vector<ManifestError> errors;
  for (const auto& r : records) {
    if (!r.descriptor || r.descriptor->name.empty() || r.descriptor->name == r.spec.name) continue;
    const SourceLocation where = r.spec.name_where.line > 0 ? r.spec.name_where : r.spec.where;
    errors.push_back(
        {where.file.empty() ? SourceLocation{manifest.file, where.line, where.column} : where,
         r.spec.name_key.empty() ? "plugins" : r.spec.name_key,
         "the plugin in " + r.spec.library.string() + " declares the name '" + r.descriptor->name +
             "', not '" + r.spec.name + "'; write name: " + r.descriptor->name +
             " (or name the library that declares '" + r.spec.name + "')"});
  }
  return errors;
}

std::vector<ManifestError> check_issue_types(const Manifest& manifest,
                                             const std::vector<PluginRecord>& records) {
  std::set<std::string> declared;
  std::size_t diagnosers_known = 0;
  for (const auto& r : records) {
    if (r.spec.kind != sdk::PluginKind::diagnoser) continue;
    if (!r.issue_types_known) return {};
    ++diagnosers_known;
    declared.insert(r.issue_types.begin(), r.issue_types.end());
  }
  if (diagnosers_known != manifest.diagnosers.size()) return {};
  const std::vector<std::string> candidates(declared.begin(), declared.end());
  std::vector<ManifestError> errors;
  for (const auto& [issue, chain] : manifest.issue_strategies) {
    if (declared.count(issue)) continue;
    const auto at = manifest.issue_where.find(issue);
    SourceLocation where = at != manifest.issue_where.end() ? at->second : SourceLocation{};
    if (where.file.empty()) where.file = manifest.file;
    std::string message = "no diagnoser reports issue type '" + issue + "'";
    if (auto near = manifest_detail::closest(issue, candidates))
      message += "; did you mean '" + *near + "'?";
    else if (candidates.empty())
      message += " (the manifest loads no diagnoser)";
    else
      message += "; the diagnosers report: " + manifest_detail::join(candidates);
    errors.push_back({std::move(where), "issues." + issue, std::move(message)});
  }
  std::sort(errors.begin(), errors.end(), [](const ManifestError& a, const ManifestError& b) {
    return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
  });
  return errors;
}

}  // namespace selfheal
