// Collects the errors found in one source (a manifest file, or "environment"). Not synchronised:
// one Diagnostics per load.
#pragma once

#include <yaml-cpp/mark.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.hpp"

namespace selfheal::manifest_detail {

class Diagnostics {
 public:
  // `source` is the text being read, when there is one; it must outlive this object.
  explicit Diagnostics(std::filesystem::path file, std::string_view source = {})
      : file_(std::move(file)), source_(source) {}

  const std::filesystem::path& file() const { return file_; }
  std::string_view source() const { return source_; }
  // 1-based line and column of a yaml-cpp mark (0-based); 0:0 for an unknown mark.
  SourceLocation location(const YAML::Mark& mark) const;

  void error(const YAML::Mark& mark, std::string key, std::string message);
  void error(SourceLocation where, std::string key, std::string message);

  std::size_t count() const { return errors_.size(); }
  std::vector<ManifestError> take() { return std::move(errors_); }

 private:
  std::filesystem::path file_;
  std::string_view source_;
  std::vector<ManifestError> errors_;
};

}  // namespace selfheal::manifest_detail
