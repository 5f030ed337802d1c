#include "artifacts/fleet/fleet_restore.hpp"

namespace selfheal {

sdk::Result<sdk::ArtifactRecord> restore_from_fleet(FleetCache& fleet, ArtifactStore& store,
                                                    const std::string& fingerprint,
                                                    const sdk::CratePaths& crate,
                                                    SourceLogger& log) {
  auto fetched = fleet.fetch(fingerprint);
  if (!fetched.ok()) return fetched.status();
  const FleetArtifact& artifact = fetched.value();
  const std::string origin = "fleet " + artifact.publisher;
  auto imported = store.import(fingerprint, artifact.sha256, artifact.bytes,
                               crate.artifact.filename().string(), origin);
  if (!imported.ok()) {
    fleet.refuse(fingerprint, imported.status().message);
    return sdk::Status::error(sdk::Errc::not_found,
                              "the fleet's artifact was refused: " + imported.status().message);
  }
  auto restored = store.restore(fingerprint, crate.artifact);
  if (!restored.ok()) return restored;
  fleet.confirm_used(fingerprint);
  // The SDK's ArtifactRecord has no field for the origin (its layout is the plugin ABI): the
  // log, the store's record (origin=) and /metrics say where the artifact came from.
  log.info(crate.name + ": restored " + crate.artifact.filename().string() + " (sha256 " +
           artifact.sha256.substr(0, 12) + ") from the fleet, published by " + artifact.publisher +
           " and signed by trusted key id " + artifact.key_id +
           "; signature, checksum and fingerprint verified, probed, no build");
  return restored;
}

}  // namespace selfheal
