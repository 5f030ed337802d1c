// parse_manifest(): YAML text -> a validated Manifest, or every error found.
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/parse.h>

#include <algorithm>

#include "manifest/env_overrides.hpp"
#include "manifest/manifest.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"
#include "manifest/yaml_reader.hpp"

namespace selfheal {
namespace {

using namespace manifest_detail;

// Reads the one document of the manifest into `manifest`; errors go to `diag`.
void read_document(const YAML::Node& root, EnvironmentLookup env, Diagnostics& diag,
                   Manifest& manifest) {
  MapReader top(diag, Field{"", "", root, root.Mark()}, /*null_is_empty=*/false);
  if (!top.ok()) return;
  top.allow_only({"version", "settings", "crates", "plugins", "components", "issues"});
  if (const Field* f = top.require("version")) {
    if (auto v = read_integer(diag, *f, 0); v && *v != 1)
      diag.error(value_mark(*f), f->key,
                 "unsupported version " + std::to_string(*v) + "; this host reads version 1");
  }
  ReadContext ctx{diag, env, manifest.file.parent_path(), {}, {}, {}, {}};
  read_settings(ctx, top.find("settings"), manifest.settings);
  read_crates(ctx, top.require("crates"), manifest);
  read_plugins(ctx, top.find("plugins"), manifest);
  read_components(ctx, top.find("components"), manifest);
  read_issues(ctx, top.find("issues"), manifest);
}

void parse_into(const std::string& text, EnvironmentLookup env, Diagnostics& diag,
                Manifest& manifest) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    diag.error(e.mark, "", e.msg);
    return;
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    diag.error(SourceLocation{diag.file(), 1, 1}, "",
               "the manifest is empty: expected a map with at least 'version' and 'crates'");
    return;
  }
  if (documents.size() > 1) {
    diag.error(documents[1].Mark(), "",
               "expected one YAML document, found " + std::to_string(documents.size()));
  }
  try {
    read_document(documents[0], env, diag, manifest);
  } catch (const YAML::Exception& e) {  // not expected: reads only inspect the tree
    diag.error(e.mark, "", e.msg);
  }
}

}  // namespace

ManifestLoad parse_manifest(const std::string& text, const std::filesystem::path& file,
                            EnvironmentLookup env) {
  Manifest manifest;
  manifest.file = absolute_file(file);
  Diagnostics diag(manifest.file, text);
  parse_into(text, env, diag, manifest);

  // The overrides apply (and are checked) even when the file has errors: report everything.
  Diagnostics env_diag(kEnvironmentSource);
  apply_environment_overrides(manifest.settings, env, env_diag);

  ManifestLoad load;
  load.errors = diag.take();
  std::stable_sort(
      load.errors.begin(), load.errors.end(), [](const ManifestError& a, const ManifestError& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
      });
  for (auto& e : env_diag.take()) load.errors.push_back(std::move(e));
  if (load.errors.empty()) load.manifest = std::move(manifest);
  return load;
}

}  // namespace selfheal
