// A fresh private folder (mkdtemp: 0700) for one test, removed with its content on destruction.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace selfheal::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "selfheal-test") {
    std::string pattern = std::filesystem::temp_directory_path() / (prefix + "-XXXXXX");
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace selfheal::testing
