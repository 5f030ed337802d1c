// Diagnoser for `disk_full`: too little free space for a build on the target device or in the
// crate's state folder (store, history), or ENOSPC in the last build.
#pragma once

#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal::plugins {

class DiskFullDiagnoser final : public sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {"disk_full"}; }
  std::optional<sdk::Diagnosis> diagnose(const sdk::Context& context) override;
};

}  // namespace selfheal::plugins
