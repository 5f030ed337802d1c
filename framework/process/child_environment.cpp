#include "process/child_environment.hpp"

#include <unistd.h>

#include <map>
#include <string_view>

namespace selfheal::process {

std::vector<std::string> child_environment(const sdk::ProcessSpec& spec) {
  std::map<std::string, std::string> merged;
  if (spec.inherit_environment && environ != nullptr) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      const auto eq = text.find('=');
      if (eq == std::string_view::npos || eq == 0) continue;
      merged.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
  }
  for (const auto& [name, value] : spec.environment) merged[name] = value;

  std::vector<std::string> entries;
  entries.reserve(merged.size());
  for (const auto& [name, value] : merged) entries.push_back(name + "=" + value);
  return entries;
}

}  // namespace selfheal::process
