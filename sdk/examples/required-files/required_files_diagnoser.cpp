#include "required_files_diagnoser.hpp"

#include <filesystem>
#include <system_error>

namespace example {

namespace sdk = selfheal::sdk;

std::optional<sdk::Diagnosis> RequiredFilesDiagnoser::diagnose(const sdk::Context& context) {
  std::vector<std::string> files;
  for (const auto& item : context.config()["files"].items())
    if (item.is_string()) files.push_back(item.as_string());
  if (files.empty()) files = default_files();

  const auto& root = context.crate().root;
  sdk::Value missing = sdk::Value::list();
  std::string first;
  for (const auto& file : files) {
    std::error_code ec;  // the non-throwing overloads: no exception may leave the plugin
    if (std::filesystem::exists(root / file, ec)) continue;
    missing.push_back(file);
    if (first.empty()) first = file;
  }
  if (missing.size() == 0) return std::nullopt;

  sdk::Diagnosis d;
  d.issue_type = kMissingRequiredFile;
  d.summary = std::to_string(missing.size()) + " required file(s) missing from " + root.string() +
              ", first " + first;
  d.details.set("missing", missing);
  d.details.set("crate_root", root.string());
  context.logger().warning(d.summary);
  return d;
}

}  // namespace example
