#include "context/toolchain_search_path.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace selfheal {

ToolchainSearchPath::ToolchainSearchPath(std::vector<std::filesystem::path> dirs)
    : dirs_(std::move(dirs)) {}

ToolchainSearchPath ToolchainSearchPath::from_environment(
    const std::vector<std::filesystem::path>& configured) {
  std::vector<std::filesystem::path> dirs;
  auto add = [&](const std::filesystem::path& d) {
    if (!d.empty() && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  };
  for (const auto& d : configured) add(d);
  // Where rustup installs cargo: $CARGO_HOME/bin, by default ~/.cargo/bin.
  if (const char* cargo_home = std::getenv("CARGO_HOME"); cargo_home && *cargo_home)
    add(std::filesystem::path(cargo_home) / "bin");
  else if (const char* home = std::getenv("HOME"))
    add(std::filesystem::path(home) / ".cargo" / "bin");
  if (const char* path = std::getenv("PATH")) {
    std::stringstream in(path);
    std::string entry;
    while (std::getline(in, entry, ':')) add(entry);
  }
  return ToolchainSearchPath(std::move(dirs));
}

std::vector<std::filesystem::path> ToolchainSearchPath::dirs() const {
  std::lock_guard lock(mutex_);
  return dirs_;
}

void ToolchainSearchPath::add_front(const std::filesystem::path& dir) {
  std::lock_guard lock(mutex_);
  dirs_.erase(std::remove(dirs_.begin(), dirs_.end(), dir), dirs_.end());
  dirs_.insert(dirs_.begin(), dir);
}

std::optional<std::filesystem::path> ToolchainSearchPath::find(std::string_view program) const {
  for (const auto& dir : dirs()) {
    const auto candidate = dir / program;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

}  // namespace selfheal
