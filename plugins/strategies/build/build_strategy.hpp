// Strategy `build`: cargo build of the managed crate.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class BuildStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
