// The fleet half of restore_cached_artifact: the fleet's artifact built from the crate's current
// fingerprint, fetched and verified (FleetCache: signed by a trusted key), imported into the local store (written
// read-only, probed in a child) and restored to the crate's artifact path through the store.
#pragma once

#include <string>

#include "artifacts/artifact_store.hpp"
#include "core/log.hpp"
#include "artifacts/fleet/fleet_cache.hpp"

namespace selfheal {

// Errc::not_found when the fleet has nothing usable (the chain goes on to a build).
sdk::Result<sdk::ArtifactRecord> restore_from_fleet(FleetCache& fleet, ArtifactStore& store,
                                                    const std::string& fingerprint,
                                                    const sdk::CratePaths& crate,
                                                    SourceLogger& log);

}  // namespace selfheal
