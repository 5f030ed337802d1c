// Ed25519 key files made for a test with libcrypto's EVP_PKEY_keygen, written as
// `openssl genpkey -algorithm ed25519` (PKCS#8 PEM, mode 0600) and `openssl pkey -pubout`
// (SubjectPublicKeyInfo PEM, mode 0644) write them.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "crypto/ed25519.hpp"

namespace selfheal::testing {

struct TestKey {
  std::filesystem::path private_file;  // <dir>/<name>.key
  std::filesystem::path public_file;   // <dir>/<name>.pub
  std::string id;
};

namespace test_keys_detail {

inline void write_pem(const std::filesystem::path& file, EVP_PKEY* key, bool private_key,
                      mode_t mode) {
  std::FILE* out = std::fopen(file.c_str(), "w");
  if (out == nullptr) throw std::runtime_error("cannot write " + file.string());
  const int ok = private_key ? PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr)
                             : PEM_write_PUBKEY(out, key);
  std::fclose(out);
  if (ok != 1) throw std::runtime_error("PEM_write failed for " + file.string());
  ::chmod(file.c_str(), mode);
}

}  // namespace test_keys_detail

// A fresh key pair in `dir` (created if needed).
inline TestKey make_test_key(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok =
      ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) throw std::runtime_error("EVP_PKEY_keygen failed");
  TestKey k{dir / (name + ".key"), dir / (name + ".pub"), {}};
  try {
    test_keys_detail::write_pem(k.private_file, key, true, 0600);
    test_keys_detail::write_pem(k.public_file, key, false, 0644);
  } catch (...) {
    EVP_PKEY_free(key);
    throw;
  }
  EVP_PKEY_free(key);
  auto loaded = Ed25519PublicKey::load(k.public_file);
  if (!loaded.ok()) throw std::runtime_error(loaded.status().message);
  k.id = loaded.value().id();
  return k;
}

}  // namespace selfheal::testing
