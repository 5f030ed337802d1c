#include "artifacts/fleet/entry_signature.hpp"

#include <cstdint>

namespace selfheal {
namespace {

void append_field(std::string& out, const std::string& value) {
  const auto n = static_cast<std::uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out += value;
}

}  // namespace

std::string signed_message(const SignedEntryFields& f) {
  std::string out = "selfheal fleet entry";
  out.push_back('\0');
  for (const std::string* field :
       {&f.format, &f.key_id, &f.fingerprint, &f.sha256, &f.crate, &f.file, &f.publisher})
    append_field(out, *field);
  return out;
}

}  // namespace selfheal
