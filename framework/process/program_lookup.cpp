#include "process/program_lookup.hpp"

#include <boost/process/v2/environment.hpp>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace selfheal::process {
namespace {

namespace bp = boost::process::v2;

std::vector<std::filesystem::path> split_path(std::string_view path_variable) {
  std::vector<std::filesystem::path> dirs;
  while (true) {
    const auto colon = path_variable.find(':');
    const auto dir = path_variable.substr(0, colon);
    // An empty entry means the current directory in POSIX; we never search it on purpose.
    if (!dir.empty()) dirs.emplace_back(dir);
    if (colon == std::string_view::npos) break;
    path_variable.remove_prefix(colon + 1);
  }
  return dirs;
}

std::vector<std::filesystem::path> search_dirs(const sdk::ProcessSpec& spec) {
  if (!spec.search_path.empty()) {
    std::vector<std::filesystem::path> dirs;
    for (const auto& dir : spec.search_path)
      if (!dir.empty()) dirs.push_back(dir);  // as in split_path
    return dirs;
  }
  if (const auto it = spec.environment.find("PATH"); it != spec.environment.end()) {
    return split_path(it->second);
  }
  const char* host_path = std::getenv("PATH");
  return split_path(host_path != nullptr ? host_path : "");
}

std::string join(const std::vector<std::filesystem::path>& dirs) {
  std::string joined;
  for (const auto& dir : dirs) {
    if (!joined.empty()) joined += ':';
    joined += dir.string();
  }
  return joined;
}

}  // namespace

ProgramLookup find_program(const sdk::ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv.front().empty()) return {{}, "empty argv"};
  const std::string& name = spec.argv.front();
  if (name.find('/') != std::string::npos) return {name, {}};

  // Boost.Process v2 searches the PATH of an environment (first executable regular file wins).
  // It gets one built from `dirs`, which has no empty entry (that would mean the current
  // directory). A directory whose name contains ':' cannot be expressed in a PATH, as in a shell.
  const auto dirs = search_dirs(spec);
  const std::string path_value = join(dirs);
  if (!dirs.empty()) {
    const std::vector<bp::environment::key_value_pair> environment{{"PATH", path_value}};
    const auto found = bp::environment::find_executable(name, environment);
    if (!found.empty()) return {found.native(), {}};
  }
  return {{}, name + ": not found in search path " + (dirs.empty() ? "(empty)" : path_value)};
}

}  // namespace selfheal::process
