#include "manifest/diagnostics.hpp"

#include <yaml-cpp/mark.h>

namespace selfheal::manifest_detail {

SourceLocation Diagnostics::location(const YAML::Mark& mark) const {
  SourceLocation where{file_, 0, 0};
  if (mark.line >= 0 && mark.column >= 0) {
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

void Diagnostics::error(const YAML::Mark& mark, std::string key, std::string message) {
  error(location(mark), std::move(key), std::move(message));
}

void Diagnostics::error(SourceLocation where, std::string key, std::string message) {
  errors_.push_back(ManifestError{std::move(where), std::move(key), std::move(message)});
}

}  // namespace selfheal::manifest_detail
