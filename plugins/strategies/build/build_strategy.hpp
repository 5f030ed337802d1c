// Strategy `build`: cargo build of the managed crate.
// Declared like every other strategy (one sdk::Strategy with apply()): the shared shape is the SDK
// interface's; the logic is in the .cpp beside it.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class BuildStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
