// Strategy `clean_build`: cargo clean, then cargo build.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class CleanBuildStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
