// Diagnoser for `stale_artifact`: the artifact in target/ still works, but the store recorded it
// as built from another fingerprint than a build would use now (the crate's sources or
// Cargo.lock changed, or the toolchain did). Predictive: it finds what the next build or load
// would trip over, while the current artifact keeps serving; the map rebuilds in the background.
#pragma once

#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal::plugins {

class StaleArtifactDiagnoser final : public sdk::Diagnoser {
 public:
  // sdk::Diagnoser
  std::vector<std::string> issue_types() const override { return {"stale_artifact"}; }
  std::optional<sdk::Diagnosis> diagnose(const sdk::Context& context) override;
};

}  // namespace selfheal::plugins
