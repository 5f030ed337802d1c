// Where cargo and rustc are looked up: the manifest's toolchain_path, then $CARGO_HOME/bin
// (default ~/.cargo/bin), then the host's PATH. install_rust adds folders at the front at run time. MT safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace selfheal {

class ToolchainSearchPath {
 public:
  // `configured` first, then $CARGO_HOME/bin or ~/.cargo/bin, then $PATH, without duplicates.
  static ToolchainSearchPath from_environment(const std::vector<std::filesystem::path>& configured);
  explicit ToolchainSearchPath(std::vector<std::filesystem::path> dirs = {});

  std::vector<std::filesystem::path> dirs() const;
  void add_front(const std::filesystem::path& dir);  // moves it to the front if present
  // The first executable regular file named `program` in these folders.
  std::optional<std::filesystem::path> find(std::string_view program) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace selfheal
