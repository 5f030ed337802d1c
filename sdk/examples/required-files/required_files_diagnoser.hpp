// Example diagnoser: reports the new issue type `missing_required_file` when a file the crate
// needs (its `config: { files: [...] }`, relative to the crate root) is gone.
// Threading: diagnose() keeps no state, so it is safe however the host calls it.
#pragma once

#include <optional>
#include <selfheal/sdk/diagnoser.hpp>
#include <string>
#include <vector>

namespace example {

inline constexpr const char* kMissingRequiredFile = "missing_required_file";

class RequiredFilesDiagnoser final : public selfheal::sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {kMissingRequiredFile}; }
  std::optional<selfheal::sdk::Diagnosis> diagnose(const selfheal::sdk::Context& context) override;

  // The files checked when the config names none.
  static std::vector<std::string> default_files() { return {"Cargo.toml", "src/lib.rs"}; }
};

}  // namespace example
