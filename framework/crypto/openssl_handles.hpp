// RAII owners of libcrypto objects, for the crypto sources only (headers stay free of OpenSSL).
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace selfheal::crypto_detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// The oldest error on this thread's libcrypto queue, as text, and the queue emptied (it is
// per thread and would otherwise leak into the next caller's message).
inline std::string take_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown libcrypto error";
  char text[256] = {};
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace selfheal::crypto_detail
