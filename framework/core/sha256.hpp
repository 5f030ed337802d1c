// SHA-256 (FIPS 180-4) of bytes and of files, as lower-case hex. Used to identify plugin
// libraries and Rust artifacts by content. Not MT safe per object; the free functions are.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace selfheal {

// Incremental hashing: update() any number of times, then hex() or digest() once.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view bytes);
  std::array<std::uint8_t, 32> digest();  // finishes; the object must not be updated afterwards
  std::string hex();                      // digest() as 64 lower-case hex digits

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view bytes);
// The hash of a file's content; std::nullopt when it cannot be opened or read.
std::optional<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace selfheal
