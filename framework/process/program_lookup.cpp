#include "process/program_lookup.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>
#include <vector>

namespace selfheal::process {
namespace {

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
  if (!spec.search_path.empty()) return spec.search_path;
  if (const auto it = spec.environment.find("PATH"); it != spec.environment.end()) {
    return split_path(it->second);
  }
  const char* host_path = std::getenv("PATH");
  return split_path(host_path != nullptr ? host_path : "");
}

bool is_executable_file(const std::filesystem::path& candidate) {
  std::error_code ec;
  return std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0;
}

std::string join(const std::vector<std::filesystem::path>& dirs) {
  if (dirs.empty()) return "(empty)";
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

  const auto dirs = search_dirs(spec);
  for (const auto& dir : dirs) {
    auto candidate = dir / name;
    if (is_executable_file(candidate)) return {std::move(candidate), {}};
  }
  return {{}, name + ": not found in search path " + join(dirs)};
}

}  // namespace selfheal::process
