#include "crypto/ed25519.hpp"

#include <openssl/objects.h>
#include <openssl/pem.h>

#include "crypto/key_file.hpp"
#include "crypto/openssl_handles.hpp"

namespace selfheal {
namespace {

using crypto_detail::BioPtr;
using crypto_detail::MdCtxPtr;
using crypto_detail::take_openssl_error;

constexpr std::size_t kKeyIdBytes = 8;

sdk::Status invalid(std::string why) {
  return sdk::Status::error(sdk::Errc::invalid_argument, std::move(why));
}

std::shared_ptr<evp_pkey_st> own(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

// Never prompts: an encrypted key fails to load instead of reading the terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xf]);
  }
  return out;
}

std::string key_id_of(EVP_PKEY* key) {
  unsigned char raw[64];
  std::size_t raw_len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &raw_len) != 1) {
    ERR_clear_error();
    return {};
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(raw, raw_len, digest, &digest_len, EVP_sha256(), nullptr) != 1) {
    ERR_clear_error();
    return {};
  }
  return hex(digest, kKeyIdBytes);
}

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

using PemReader = EVP_PKEY* (*)(BIO*, EVP_PKEY**, pem_password_cb*, void*);

// What both key kinds' from_pem share: read `pem` with `read` (public or private), and require an
// Ed25519 key with a raw public key. `not_pem` is the message when the text is no such PEM key;
// `kind` names the key kind.
sdk::Result<std::shared_ptr<evp_pkey_st>> read_ed25519_pem(const std::string& pem, PemReader read,
                                                           const std::string& not_pem,
                                                           const std::string& kind) {
  BioPtr bio = memory_bio(pem);
  if (!bio) return invalid("cannot be read: " + take_openssl_error());
  EVP_PKEY* key = read(bio.get(), nullptr, no_passphrase, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return invalid(not_pem);
  }
  auto owned = own(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
    return invalid("is a " + std::string(OBJ_nid2sn(EVP_PKEY_get_id(key))) + " " + kind +
                   " key, not an Ed25519 one");
  if (key_id_of(key).empty()) return invalid("has no raw Ed25519 public key");
  return owned;
}

template <class Key>
sdk::Result<Key> load_file(const std::filesystem::path& file, KeyFileKind kind) {
  auto pem = read_key_file(file, kind);
  if (!pem.ok()) return pem.status();
  auto key = Key::from_pem(pem.value());
  if (!key.ok()) return invalid("'" + file.string() + "' " + key.status().message);
  return key;
}

}  // namespace

Ed25519PublicKey::Ed25519PublicKey(std::shared_ptr<evp_pkey_st> key)
    : key_(std::move(key)), id_(key_id_of(key_.get())) {}

sdk::Result<Ed25519PublicKey> Ed25519PublicKey::from_pem(const std::string& pem) {
  auto key = read_ed25519_pem(
      pem, PEM_read_bio_PUBKEY,
      "is not a PEM public key (make one with: openssl pkey -in KEY -pubout)", "public");
  if (!key.ok()) return key.status();
  return Ed25519PublicKey(std::move(key.value()));
}

sdk::Result<Ed25519PublicKey> Ed25519PublicKey::load(const std::filesystem::path& file) {
  return load_file<Ed25519PublicKey>(file, KeyFileKind::public_key);
}

bool Ed25519PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != Ed25519PrivateKey::kSignatureBytes) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  // Ed25519 hashes the message itself: no digest is named, and it is verified in one call.
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

Ed25519PrivateKey::Ed25519PrivateKey(std::shared_ptr<evp_pkey_st> key)
    : key_(std::move(key)), id_(key_id_of(key_.get())) {}

sdk::Result<Ed25519PrivateKey> Ed25519PrivateKey::from_pem(const std::string& pem) {
  auto key = read_ed25519_pem(pem, PEM_read_bio_PrivateKey,
                              "is not an unencrypted PEM private key (make one with: openssl "
                              "genpkey -algorithm ed25519 -out fleet.key)",
                              "private");
  if (!key.ok()) return key.status();
  return Ed25519PrivateKey(std::move(key.value()));
}

sdk::Result<Ed25519PrivateKey> Ed25519PrivateKey::load(const std::filesystem::path& file) {
  return load_file<Ed25519PrivateKey>(file, KeyFileKind::private_key);
}

Ed25519PublicKey Ed25519PrivateKey::public_key() const { return Ed25519PublicKey(key_); }

std::string Ed25519PrivateKey::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureBytes, '\0');
  std::size_t length = signature.size();
  const bool ok =
      ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  if (!ok) return {};
  signature.resize(length);
  return signature;
}

}  // namespace selfheal
