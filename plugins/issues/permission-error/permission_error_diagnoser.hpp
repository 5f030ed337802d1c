// Diagnoser for `permission_error`: crate, target or state paths the host user cannot read or write.
#pragma once

#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal::plugins {

class PermissionErrorDiagnoser final : public sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {"permission_error"}; }
  std::optional<sdk::Diagnosis> diagnose(const sdk::Context& context) override;
};

}  // namespace selfheal::plugins
