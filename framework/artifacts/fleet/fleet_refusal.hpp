// Why a host refused a fleet entry: a label for /metrics and the start of the logged reason.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace selfheal {

enum class FleetRefusal {
  unsigned_entry,  // no signature or no key id
  unknown_format,  // a format version this host does not know
  unknown_key,     // signed by a key this host does not trust
  bad_signature,   // the signature does not match the signed fields under the named key
  fingerprint,     // signed, but for another build fingerprint than the one asked for
  checksum,        // signed, but the bytes do not hash to the signed sha256
  rejected,        // verified, then refused by the local store (import or probe failed)
};

inline constexpr std::size_t kFleetRefusalKinds = 7;

// The /metrics label: "unsigned", "unknown_format", "unknown_key", ...
inline const char* to_label(FleetRefusal r) {
  static constexpr std::array<const char*, kFleetRefusalKinds> labels = {
      "unsigned",    "unknown_format", "unknown_key", "bad_signature",
      "fingerprint", "checksum",       "rejected"};
  return labels[static_cast<std::size_t>(r)];
}

}  // namespace selfheal
