// Strategy `install_dependencies`: resolve missing crates from the configured sources and pin known-good versions.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class InstallDependenciesStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
