#include "artifacts/fleet/fleet_keyring.hpp"

#include <cctype>

namespace selfheal {
namespace {

// A key id read from Redis, fit for a log line: anyone can write it.
std::string printable_id(const std::string& id) {
  std::string out = id.substr(0, 16);
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '?';
  return out + (id.size() > 16 ? "..." : "");
}

}  // namespace

FleetKeyring FleetKeyring::load(const FleetSettings& settings) {
  FleetKeyring ring;
  if (!settings.signing_key.empty()) {
    auto key = Ed25519PrivateKey::load(settings.signing_key);
    if (key.ok())
      ring.signer_ = std::move(key.value());
    else
      ring.problems_.push_back("signing key " + key.status().message);
  }
  for (const auto& file : settings.trusted_keys) {
    auto key = Ed25519PublicKey::load(file);
    if (key.ok())
      ring.trusted_.emplace(key.value().id(), key.value());
    else
      ring.problems_.push_back("trusted key " + key.status().message);
  }
  return ring;
}

std::string FleetKeyring::trusted_ids() const {
  std::string out;
  for (const auto& [id, key] : trusted_) out += (out.empty() ? "" : ", ") + id;
  return out;
}

std::string FleetKeyring::sign(SignedEntryFields& fields) const {
  if (!signer_) return {};
  fields.key_id = signer_->id();
  return signer_->sign(signed_message(fields));
}

std::optional<FleetKeyring::Refused> FleetKeyring::verify(const SignedEntryFields& fields,
                                                          const std::string& signature) const {
  if (signature.empty() || fields.key_id.empty())
    return Refused{FleetRefusal::unsigned_entry,
                   signature.empty() ? "it is unsigned" : "its signature names no key id"};
  if (fields.format != kFleetEntryFormat)
    return Refused{FleetRefusal::unknown_format,
                   "its format '" + printable_id(fields.format) + "' is not " + kFleetEntryFormat};
  const auto key = trusted_.find(fields.key_id);
  if (key == trusted_.end())
    return Refused{FleetRefusal::unknown_key,
                   "it is signed by key id " + printable_id(fields.key_id) +
                       ", which this host does not trust (trusted: " + trusted_ids() + ")"};
  if (!key->second.verify(signed_message(fields), signature))
    return Refused{FleetRefusal::bad_signature,
                   "its signature does not match its fields under key id " + fields.key_id};
  return std::nullopt;
}

}  // namespace selfheal
