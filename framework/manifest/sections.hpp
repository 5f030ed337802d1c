// Readers of the manifest's top-level sections. Each reads its part of the tree into the
// Manifest and reports every problem to the context's Diagnostics; parse_manifest() calls them in
// this order, because later sections refer to names the earlier ones declare.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"
#include "manifest/yaml_reader.hpp"

namespace selfheal::manifest_detail {

// The names declared so far and where, including entries that had other errors, so that one
// mistake is reported once and not again by everything that refers to it.
using DeclaredNames = std::map<std::string, SourceLocation>;

struct ReadContext {
  Diagnostics& diag;
  EnvironmentLookup env;         // may be null: nothing is set
  std::filesystem::path folder;  // the manifest's folder; relative paths start here
  DeclaredNames crates;
  DeclaredNames diagnosers;
  DeclaredNames strategies;
  DeclaredNames component_plugins;
  bool require_libraries = true;  // ManifestReadOptions::require_libraries

  DeclaredNames& plugins(sdk::PluginKind kind);
};

// `field` is null when the section is absent.
void read_settings(ReadContext& ctx, const Field* field, ManifestSettings& settings);
void read_fleet(ReadContext& ctx, const Field* field, FleetSettings& fleet);
// fleet.signing_key (a private key file) and fleet.trusted_keys (a file, a folder of *.pub files,
// or a list of them): every key is loaded and checked (fleet_keys_section.cpp).
void read_signing_key(ReadContext& ctx, const Field& field, FleetSettings& fleet);
void read_trusted_keys(ReadContext& ctx, const Field& field, FleetSettings& fleet);
void read_crates(ReadContext& ctx, const Field* field, Manifest& manifest);
void read_plugins(ReadContext& ctx, const Field* field, Manifest& manifest);
void read_components(ReadContext& ctx, const Field* field, Manifest& manifest);
void read_issues(ReadContext& ctx, const Field* field, Manifest& manifest);

// Records `name` as declared at `where`; reports "duplicate <what> 'x' (first at line N)" and
// returns false when it was already declared.
bool declare(Diagnostics& diag, DeclaredNames& names, const std::string& name, const Field& field,
             std::string_view what);
// The declared names, for "did you mean" and "known: ..." messages.
std::vector<std::string> names_of(const DeclaredNames& names);

}  // namespace selfheal::manifest_detail
