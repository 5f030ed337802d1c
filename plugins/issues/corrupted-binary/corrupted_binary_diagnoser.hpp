// Diagnoser for `corrupted_binary`: the artifact is not a loadable ELF library with the crate's symbols.
#pragma once

#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal::plugins {

class CorruptedBinaryDiagnoser final : public sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {"corrupted_binary"}; }
  std::optional<sdk::Diagnosis> diagnose(const sdk::Context& context) override;
};

}  // namespace selfheal::plugins
