// The spelling rules of the manifest's names (crate names, issue types, plugin names, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "manifest/yaml_reader.hpp"

namespace selfheal::manifest_detail {

struct NameRule {
  const char* what;     // "crate name"
  const char* pattern;  // as shown to the user, e.g. "[a-z0-9_-]+"
  bool (*matches)(std::string_view);
};

extern const NameRule kCrateName;        // [a-z0-9_-]+
extern const NameRule kLibraryName;      // [A-Za-z0-9_]+   (cargo's [lib] name)
extern const NameRule kProfileName;      // [A-Za-z0-9_-]+  (cargo profile)
extern const NameRule kIssueType;        // [a-z][a-z0-9_]*
extern const NameRule kComponentName;    // [a-z][a-z0-9_]*
extern const NameRule kImplementation;   // [a-z][a-z0-9_]*  (the keys of `implementations`)
extern const NameRule kPluginName;       // [A-Za-z0-9_.-]+
extern const NameRule kEnvironmentName;  // [A-Za-z_][A-Za-z0-9_]*

// A string field that must follow `rule` ("invalid crate name 'X': must match [a-z0-9_-]+").
std::optional<std::string> read_name(Diagnostics& diag, const Field& field, const NameRule& rule);
// The same check for a name that is a map key (issue types, component names).
bool check_name(Diagnostics& diag, const Field& keyed, const NameRule& rule);

}  // namespace selfheal::manifest_detail
