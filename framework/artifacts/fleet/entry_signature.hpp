// What a fleet entry's signature covers: every field a fetching host reads and trusts (the
// format version, the signing key's id, the build fingerprint, the bytes' sha256, the crate, the
// file name and the publisher), in one unambiguous byte string. The bytes themselves are bound
// through their sha256, which the host checks. Other fields of the entry (versions, times) are
// informational and never read by a host.
#pragma once

#include <string>

namespace selfheal {

// The entry layout signed by this code; an entry with another `format` is refused.
inline constexpr const char* kFleetEntryFormat = "1";

struct SignedEntryFields {
  std::string format = kFleetEntryFormat;
  std::string key_id;
  std::string fingerprint;
  std::string sha256;
  std::string crate;
  std::string file;
  std::string publisher;
};

// A domain tag, then each field as a 4-byte big-endian length and its bytes, so that no two
// different field sets give the same message.
std::string signed_message(const SignedEntryFields& fields);

}  // namespace selfheal
