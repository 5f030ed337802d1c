#include "stale_artifact_diagnoser.hpp"

#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {

std::optional<sdk::Diagnosis> StaleArtifactDiagnoser::diagnose(const sdk::Context& context) {
  // Unknown on either side (never stored, no rustc): nothing can be said, and the other
  // diagnosers cover a missing or broken artifact.
  const std::string recorded = context.artifact_fingerprint();
  if (recorded.empty()) return std::nullopt;
  const std::string current = context.build_fingerprint();
  if (current.empty() || current == recorded) return std::nullopt;
  auto d = make_diagnosis(sdk::issue::stale_artifact,
                          "the artifact was built from other sources or another toolchain than a "
                          "build would use now; it keeps serving until a rebuild replaces it");
  d.details.set("artifact", context.crate().artifact.string());
  d.details.set("built_from", recorded);
  d.details.set("current", current);
  return d;
}

}  // namespace selfheal::plugins
