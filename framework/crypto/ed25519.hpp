// Ed25519 keys (PEM files as `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout`
// write them) and signatures, through libcrypto's EVP_DigestSign / EVP_DigestVerify.
// A key's id is the first 8 bytes of the sha256 of its raw 32-byte public key, in hex: it
// names the key in entries and logs, and is not secret. Keys are immutable: MT safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "selfheal/sdk/result.hpp"

struct evp_pkey_st;  // libcrypto's EVP_PKEY, kept out of this header

namespace selfheal {

class Ed25519PublicKey {
 public:
  static sdk::Result<Ed25519PublicKey> from_pem(const std::string& pem);
  // read_key_file(public_key) + from_pem; messages name the file.
  static sdk::Result<Ed25519PublicKey> load(const std::filesystem::path& file);

  const std::string& id() const { return id_; }
  // True only for a valid signature of exactly `message` by this key.
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  friend class Ed25519PrivateKey;
  explicit Ed25519PublicKey(std::shared_ptr<evp_pkey_st> key);
  std::shared_ptr<evp_pkey_st> key_;
  std::string id_;
};

class Ed25519PrivateKey {
 public:
  static constexpr std::size_t kSignatureBytes = 64;

  // Encrypted PEM is refused (a daemon has nobody to type a passphrase).
  static sdk::Result<Ed25519PrivateKey> from_pem(const std::string& pem);
  // read_key_file(private_key) + from_pem: refuses a file readable by group or others.
  static sdk::Result<Ed25519PrivateKey> load(const std::filesystem::path& file);

  const std::string& id() const { return id_; }
  Ed25519PublicKey public_key() const;
  // The 64-byte signature of `message`; empty only if libcrypto fails.
  std::string sign(std::string_view message) const;

 private:
  explicit Ed25519PrivateKey(std::shared_ptr<evp_pkey_st> key);
  std::shared_ptr<evp_pkey_st> key_;
  std::string id_;
};

}  // namespace selfheal
