// The Ed25519 keys a fleet host signs its entries with and accepts entries from, loaded from the
// files the manifest names (fleet.signing_key, fleet.trusted_keys). Several trusted keys at once
// allow rotation; an entry names its key by id. Immutable after load(): MT safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/ed25519.hpp"
#include "artifacts/fleet/entry_signature.hpp"
#include "artifacts/fleet/fleet_refusal.hpp"
#include "manifest/manifest.hpp"

namespace selfheal {

class FleetKeyring {
 public:
  struct Refused {
    FleetRefusal kind;
    std::string why;
  };

  // A key file that fails to load now (it changed since the manifest was checked) is left out,
  // and problems() says why.
  static FleetKeyring load(const FleetSettings& settings);

  bool can_sign() const { return signer_.has_value(); }
  bool trusts_any() const { return !trusted_.empty(); }
  std::string signing_key_id() const { return signer_ ? signer_->id() : std::string(); }
  std::string trusted_ids() const;  // "id1, id2"
  const std::vector<std::string>& problems() const { return problems_; }

  // Sets fields.key_id to the signing key's and returns the signature; empty without a key.
  std::string sign(SignedEntryFields& fields) const;
  // Nothing when a trusted key signed exactly these fields; else why not.
  std::optional<Refused> verify(const SignedEntryFields& fields,
                                const std::string& signature) const;

 private:
  std::optional<Ed25519PrivateKey> signer_;
  std::map<std::string, Ed25519PublicKey> trusted_;  // by key id
  std::vector<std::string> problems_;
};

}  // namespace selfheal
