// The environment a child gets.
#pragma once

#include <string>
#include <vector>

#include "selfheal/sdk/process.hpp"

namespace selfheal::process {

// "NAME=value" entries: exactly spec.environment, or, when spec.inherit_environment, the host's
// environment with spec.environment overriding it.
std::vector<std::string> child_environment(const sdk::ProcessSpec& spec);

}  // namespace selfheal::process
