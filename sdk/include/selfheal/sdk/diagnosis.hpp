// What a diagnoser found. A healthy crate is no Diagnosis at all (std::nullopt), never an issue.
#pragma once

#include <string>

#include "selfheal/sdk/value.hpp"

namespace selfheal::sdk {

// The built-in issue types; plugins may add their own lower-case names.
namespace issue {
inline constexpr const char* not_built = "not_built";
inline constexpr const char* build_failed = "build_failed";
inline constexpr const char* missing_dependencies = "missing_dependencies";
inline constexpr const char* incompatible_version = "incompatible_version";
inline constexpr const char* corrupted_binary = "corrupted_binary";
inline constexpr const char* missing_rustup = "missing_rustup";
inline constexpr const char* permission_error = "permission_error";
inline constexpr const char* out_of_memory = "out_of_memory";
inline constexpr const char* disk_full = "disk_full";
// Since 1.1: the artifact still works but was built from other sources than the crate has now.
inline constexpr const char* stale_artifact = "stale_artifact";
}  // namespace issue

struct Diagnosis {
  std::string issue_type;   // e.g. "not_built"
  std::string summary;      // one line for logs and operators
  Value details = Value::map();  // evidence: files, modes, compiler errors, versions...
  // False when no strategy can help (e.g. an error in the crate's own source): the host reports
  // it and does not retry. The host also clears it when the manifest maps no strategy.
  bool can_auto_fix = true;
  std::string recommended_fix;  // filled in by the host from the manifest's map
};

}  // namespace selfheal::sdk
