// parse_manifest(): YAML text -> a validated Manifest, or every error found.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/parse.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>

#include "manifest/env_overrides.hpp"
#include "manifest/manifest.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"
#include "manifest/yaml_reader.hpp"

namespace selfheal {
namespace {

using namespace manifest_detail;

// Reads the one document of the manifest into `manifest`; errors go to `diag`.
void read_document(const YAML::Node& root, EnvironmentLookup env, ManifestReadOptions options,
                   Diagnostics& diag, Manifest& manifest) {
  MapReader top(diag, Field{"", "", root, root.Mark()}, /*null_is_empty=*/false);
  if (!top.ok()) return;
  top.allow_only({"version", "settings", "crates", "plugins", "components", "issues",
                  "fleet"});
  if (const Field* f = top.require("version")) {
    if (auto v = read_integer(diag, *f, 0); v && *v != 1)
      diag.error(value_mark(*f), f->key,
                 "unsupported version " + std::to_string(*v) + "; this host reads version 1");
  }
  ReadContext ctx{diag, env, manifest.file.parent_path(), {}, {}, {}, {}, options.require_libraries};
  read_settings(ctx, top.find("settings"), manifest.settings);
  read_fleet(ctx, top.find("fleet"), manifest.fleet);
  read_crates(ctx, top.require("crates"), manifest);
  read_plugins(ctx, top.find("plugins"), manifest);
  read_components(ctx, top.find("components"), manifest);
  read_issues(ctx, top.find("issues"), manifest);
}

// Counts the documents of a YAML stream; remembers where the second one's content starts (as
// the node's Mark(), so the error points at the document, not at its "---").
class DocumentCounter final : public YAML::EventHandler {
 public:
  std::size_t count = 0;
  YAML::Mark second;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++count == 2) {
      second = mark;
      second_node_pending_ = true;
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (!second_node_pending_) return;
    second = mark;
    second_node_pending_ = false;
  }
  bool second_node_pending_ = false;
};

// Documents counted before giving up: YAML::LoadAll() of yaml-cpp 0.7 never returns on some
// malformed streams (e.g. "\n,\n": its parser keeps yielding empty documents without consuming
// input, and LoadAll keeps them all until memory runs out). So only the first document is built
// and the others are only counted, up to this bound.
constexpr std::size_t kMaxDocumentsCounted = 16;

void parse_into(const std::string& text, EnvironmentLookup env, ManifestReadOptions options,
                Diagnostics& diag, Manifest& manifest) {
  YAML::Node first;
  DocumentCounter counter;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (counter.count <= kMaxDocumentsCounted && parser.HandleNextDocument(counter)) {
    }
    first = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diag.error(e.mark, "", e.msg);
    return;
  }
  if (counter.count == 0 || (counter.count == 1 && first.IsNull())) {
    diag.error(SourceLocation{diag.file(), 1, 1}, "",
               "the manifest is empty: expected a map with at least 'version' and 'crates'");
    return;
  }
  if (counter.count > 1) {
    diag.error(counter.second, "",
               "expected one YAML document, found " +
                   (counter.count > kMaxDocumentsCounted
                        ? "more than " + std::to_string(kMaxDocumentsCounted)
                        : std::to_string(counter.count)));
  }
  try {
    read_document(first, env, options, diag, manifest);
  } catch (const YAML::Exception& e) {  // not expected: reads only inspect the tree
    diag.error(e.mark, "", e.msg);
  }
}

}  // namespace

ManifestLoad parse_manifest(const std::string& text, const std::filesystem::path& file,
                            EnvironmentLookup env, ManifestReadOptions options) {
  Manifest manifest;
  manifest.file = absolute_file(file);
  if (text.size() > kMaxManifestBytes) {  // the same limit for text that did not come from a file
    ManifestLoad load;
    load.errors.push_back(ManifestError{
        SourceLocation{manifest.file, 0, 0}, "",
        "the manifest is " + std::to_string(text.size()) + " bytes, more than the limit of " +
            std::to_string(kMaxManifestBytes) + " bytes (1 MiB); refusing to parse it"});
    return load;
  }
  Diagnostics diag(manifest.file, text);
  parse_into(text, env, options, diag, manifest);

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
