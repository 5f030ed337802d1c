// Strategy `install_rust`: run the configured toolchain installer and put its bin folder on the search path.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class InstallRustStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
