// Strategy `restore_from_cache`: put back the stored artifact built from the crate's current
// build fingerprint (checksum verified) instead of running cargo. When the store has none it
// reports itself skipped (FixResult::skipped) so the chain goes on to a build without a
// failed attempt on record.
// Declared like every other strategy (one sdk::Strategy with apply()): the shared shape is the SDK
// interface's; the logic is in the .cpp beside it.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class RestoreFromCacheStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
