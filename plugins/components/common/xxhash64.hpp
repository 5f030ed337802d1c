// XXH64 (Yann Collet's xxHash, 64-bit), the hash every component implementation uses so that
// the C++ and Rust sides compute identical hashes and state. rust-core/src/xxhash64.rs is the
// same algorithm; tests/components check both against the reference vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace selfheal::components {

namespace xxh64_detail {
inline constexpr std::uint64_t P1 = 0x9E3779B185EBCA87ull;
inline constexpr std::uint64_t P2 = 0xC2B2AE3D27D4EB4Full;
inline constexpr std::uint64_t P3 = 0x165667B19E3779F9ull;
inline constexpr std::uint64_t P4 = 0x85EBCA77C2B2AE63ull;
inline constexpr std::uint64_t P5 = 0x27D4EB2F165667C5ull;
inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, aarch64)
}
inline std::uint32_t read32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline std::uint64_t round(std::uint64_t acc, std::uint64_t input) {
  acc += input * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}
inline std::uint64_t merge(std::uint64_t acc, std::uint64_t val) {
  acc ^= round(0, val);
  return acc * P1 + P4;
}
// The tail (fewer than 32 bytes) and the avalanche.
inline std::uint64_t finish(std::uint64_t h, const unsigned char* p, std::size_t n) {
  const unsigned char* end = p + n;
  while (p + 8 <= end) {
    h ^= round(0, read64(p));
    h = rotl(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= static_cast<std::uint64_t>(read32(p)) * P1;
    h = rotl(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= (*p) * P5;
    h = rotl(h, 11) * P1;
    ++p;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}
}  // namespace xxh64_detail

inline std::uint64_t xxhash64(const void* data, std::size_t len, std::uint64_t seed = 0) {
  using namespace xxh64_detail;
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* end = p + len;
  std::uint64_t h;
  if (len >= 32) {
    std::uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const unsigned char* limit = end - 32;
    do {
      v1 = round(v1, read64(p));
      v2 = round(v2, read64(p + 8));
      v3 = round(v3, read64(p + 16));
      v4 = round(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = seed + P5;
  }
  h += static_cast<std::uint64_t>(len);
  return xxh64_detail::finish(h, p, static_cast<std::size_t>(end - p));
}

// Streaming XXH64: digest() equals xxhash64() of everything passed to update(), in order.
class Xxh64Stream {
 public:
  explicit Xxh64Stream(std::uint64_t seed = 0)
      : seed_(seed),
        v_{seed + xxh64_detail::P1 + xxh64_detail::P2, seed + xxh64_detail::P2, seed,
           seed - xxh64_detail::P1} {}

  void update(const void* data, std::size_t len) {
    if (len == 0) return;
    const auto* p = static_cast<const unsigned char*>(data);
    total_ += len;
    if (buf_len_ > 0) {
      const std::size_t take = len < 32 - buf_len_ ? len : 32 - buf_len_;
      std::memcpy(buf_ + buf_len_, p, take);
      buf_len_ += take;
      p += take;
      len -= take;
      if (buf_len_ < 32) return;
      stripe(buf_);
      buf_len_ = 0;
    }
    while (len >= 32) {
      stripe(p);
      p += 32;
      len -= 32;
    }
    if (len > 0) std::memcpy(buf_, p, len);
    buf_len_ = len;
  }

  std::uint64_t digest() const {
    using namespace xxh64_detail;
    std::uint64_t h;
    if (total_ >= 32) {
      h = rotl(v_[0], 1) + rotl(v_[1], 7) + rotl(v_[2], 12) + rotl(v_[3], 18);
      for (std::uint64_t v : v_) h = merge(h, v);
    } else {
      h = seed_ + P5;
    }
    return xxh64_detail::finish(h + total_, buf_, buf_len_);
  }

 private:
  void stripe(const unsigned char* p) {
    using namespace xxh64_detail;
    for (int i = 0; i < 4; ++i) v_[i] = round(v_[i], read64(p + 8 * i));
  }

  std::uint64_t seed_;
  std::uint64_t v_[4];
  std::uint64_t total_ = 0;
  unsigned char buf_[32] = {};
  std::size_t buf_len_ = 0;
};

}  // namespace selfheal::components
