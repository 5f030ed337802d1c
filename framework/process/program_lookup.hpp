// Finding the program a ProcessSpec names.
#pragma once

#include <filesystem>
#include <string>

#include "selfheal/sdk/process.hpp"

namespace selfheal::process {

struct ProgramLookup {
  std::filesystem::path path;  // empty when not found
  std::string error;           // why not, e.g. "cargo: not found in search path a:b:c"
};

// argv[0] containing a '/' is used as given (relative to the child's working directory).
// Otherwise it is looked up in spec.search_path, else in the PATH of spec.environment, else in
// the host's PATH; the first executable regular file wins.
ProgramLookup find_program(const sdk::ProcessSpec& spec);

}  // namespace selfheal::process
