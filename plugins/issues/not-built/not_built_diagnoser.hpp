// Diagnoser for `not_built`: the crate's artifact does not exist.
#pragma once

#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal::plugins {

class NotBuiltDiagnoser final : public sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {"not_built"}; }
  std::optional<sdk::Diagnosis> diagnose(const sdk::Context& context) override;
};

}  // namespace selfheal::plugins
