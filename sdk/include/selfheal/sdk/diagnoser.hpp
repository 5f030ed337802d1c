// A diagnoser inspects the crate, its artifact, the toolchain, the last build and the machine,
// and reports at most one issue. The host runs diagnosers in manifest order and takes the first
// issue found, so put preconditions (toolchain present) before consequences (not built).
// Threading: diagnose() may run concurrently with other plugins' calls, never with itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/diagnosis.hpp"
#include "selfheal/sdk/plugin.hpp"

namespace selfheal::sdk {

class Diagnoser : public Plugin {
 public:
  // The issue types this diagnoser can report (for `selfheal check` and the map's validation).
  virtual std::vector<std::string> issue_types() const = 0;
  // std::nullopt: nothing wrong as far as this diagnoser can tell. Should not throw; if it
  // does, the host catches it and reports the diagnoser as failed for this check.
  virtual std::optional<Diagnosis> diagnose(const Context& context) = 0;
};

}  // namespace selfheal::sdk
