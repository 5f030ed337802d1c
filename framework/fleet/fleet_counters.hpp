// What a host's fleet cache has done since it started, for /metrics.
#pragma once

#include <cstdint>

namespace selfheal {

struct FleetCounters {
  std::uint64_t fetch_hits = 0;     // artifacts fetched, verified, probed and restored
  std::uint64_t fetch_misses = 0;   // the fleet had nothing for the fingerprint
  std::uint64_t fetch_refused = 0;  // checksum or fingerprint mismatch, or the probe refused it
  std::uint64_t publishes = 0;      // artifacts this host put into the fleet
  std::uint64_t errors = 0;         // Redis unreachable, timed out or answered with an error
};

}  // namespace selfheal
