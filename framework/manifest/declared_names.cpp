// Names declared by the manifest (crates, plugins) and duplicate detection.
#include "manifest/sections.hpp"

namespace selfheal::manifest_detail {

bool declare(Diagnostics& diag, DeclaredNames& names, const std::string& name, const Field& field,
             std::string_view what) {
  SourceLocation here = diag.location(value_mark(field));
  auto [it, inserted] = names.emplace(name, here);
  if (inserted) return true;
  diag.error(here, field.key,
             "duplicate " + std::string(what) + " '" + name + "' (first at line " +
                 std::to_string(it->second.line) + ")");
  return false;
}

std::vector<std::string> names_of(const DeclaredNames& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& [name, where] : names) out.push_back(name);
  return out;
}

}  // namespace selfheal::manifest_detail
