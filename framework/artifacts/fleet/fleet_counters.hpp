// What a host's fleet cache has done since it started, for /metrics.
#pragma once

#include <array>
#include <cstdint>

#include "artifacts/fleet/fleet_refusal.hpp"

namespace selfheal {

struct FleetCounters {
  std::uint64_t fetch_hits = 0;     // artifacts fetched, verified, probed and restored
  std::uint64_t fetch_misses = 0;   // the fleet had nothing for the fingerprint
  std::uint64_t fetch_refused = 0;  // every refusal, whatever its reason (the sum of refusals)
  std::array<std::uint64_t, kFleetRefusalKinds> refusals{};  // by FleetRefusal
  std::uint64_t publishes = 0;  // artifacts this host signed and put into the fleet
  std::uint64_t errors = 0;     // Redis unreachable, timed out or answered with an error

  std::uint64_t refused(FleetRefusal r) const { return refusals[static_cast<std::size_t>(r)]; }
};

}  // namespace selfheal
