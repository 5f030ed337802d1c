// SHA-256 (FIPS 180-4) of bytes and of files, as lower-case hex, computed by OpenSSL's libcrypto.
// Used to identify plugin libraries and Rust artifacts by content. Not MT safe per object; the
// free functions are.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace selfheal {

// Incremental hashing: update() any number of times, then hex() or digest() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view bytes);
  std::array<std::uint8_t, 32> digest();  // finishes; the object must not be updated afterwards
  std::string hex();                      // digest() as 64 lower-case hex digits

 private:
  struct Context;  // libcrypto's EVP_MD_CTX, kept out of this header
  std::unique_ptr<Context> context_;
};

std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view bytes);
// The hash of a file's content; std::nullopt when it cannot be opened or read.
std::optional<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace selfheal
