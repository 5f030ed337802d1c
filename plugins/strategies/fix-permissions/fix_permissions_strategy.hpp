// Strategy `fix_permissions`: restore owner permissions inside the crate and state directories, never through a symlink.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class FixPermissionsStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
