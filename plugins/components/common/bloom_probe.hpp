// The probe of one 32-byte split-block Bloom block: eight u32 words, stored as four u64 (word
// 2j is the low half of u64 j, so on little-endian machines the memory is the state's byte
// layout). Branch-free, as in Impala's and Arrow's AVX2 block filters: every word is checked and
// the results are combined, never an early exit that mispredicts on misses.
//
// AVX2 is chosen at run time (cpu_has_avx2(); the build stays x86-64 baseline, no -march=native):
// one vpmulld makes the eight bit positions, one vpsllvd the masks, one vptest answers.
// Insert reads the block first and touches memory only for missing bits: a key already present
// costs no atomic operation, a new key one `lock or` per 64-bit half-block that gains bits (at
// most four), with no compare-and-swap loop (the old value is not needed).
// Threading: probes are lock-free; the vector load may observe a concurrent insert's bits in any
// order, which is harmless (a bit is never cleared while probes run). ThreadSanitizer builds use
// the portable path, whose every access is an atomic_ref.
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define SELFHEAL_BLOOM_AVX2 1
#include <immintrin.h>
#endif

namespace selfheal::components::bloom_probe {

inline constexpr std::uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                           0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

inline bool cpu_has_avx2() {
#ifdef SELFHEAL_BLOOM_AVX2
  __builtin_cpu_init();  // safe to call again; needed if this runs before libgcc's initialiser
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

inline std::uint32_t bit_mask(std::uint32_t h, int i) { return 1u << ((h * kSalt[i]) >> 27); }

// Masks of words 2j (low half) and 2j+1 (high half).
inline std::uint64_t pair_mask(std::uint32_t h, int j) {
  return bit_mask(h, 2 * j) | (std::uint64_t{bit_mask(h, 2 * j + 1)} << 32);
}

inline std::uint64_t load(const std::uint64_t* p) {
  return std::atomic_ref(*const_cast<std::uint64_t*>(p)).load(std::memory_order_relaxed);
}

inline bool contains_portable(const std::uint64_t* block, std::uint32_t h) {
  std::uint64_t missing = 0;
  for (int j = 0; j < 4; ++j) missing |= pair_mask(h, j) & ~load(block + j);
  return missing == 0;
}

// True when at least one bit was missing (and is now set).
inline bool insert_portable(std::uint64_t* block, std::uint32_t h) {
  std::uint64_t missing[4], any = 0;
  for (int j = 0; j < 4; ++j) {
    missing[j] = pair_mask(h, j) & ~load(block + j);
    any |= missing[j];
  }
  if (any == 0) return false;
  for (int j = 0; j < 4; ++j)
    if (missing[j] != 0) std::atomic_ref(block[j]).fetch_or(missing[j], std::memory_order_relaxed);
  return true;
}

#ifdef SELFHEAL_BLOOM_AVX2
__attribute__((target("avx2"))) inline __m256i masks_avx2(std::uint32_t h) {
  const __m256i salt = _mm256_setr_epi32(static_cast<int>(kSalt[0]), static_cast<int>(kSalt[1]),
                                         static_cast<int>(kSalt[2]), static_cast<int>(kSalt[3]),
                                         static_cast<int>(kSalt[4]), static_cast<int>(kSalt[5]),
                                         static_cast<int>(kSalt[6]), static_cast<int>(kSalt[7]));
  const __m256i bits =
      _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_set1_epi32(static_cast<int>(h)), salt), 27);
  return _mm256_sllv_epi32(_mm256_set1_epi32(1), bits);
}

__attribute__((target("avx2"))) inline bool contains_avx2(const std::uint64_t* block,
                                                          std::uint32_t h) {
  const __m256i words = _mm256_load_si256(reinterpret_cast<const __m256i*>(block));
  return _mm256_testc_si256(words, masks_avx2(h)) != 0;  // (~words & masks) == 0
}

__attribute__((target("avx2"))) inline bool insert_avx2(std::uint64_t* block, std::uint32_t h) {
  const __m256i words = _mm256_load_si256(reinterpret_cast<const __m256i*>(block));
  const __m256i missing = _mm256_andnot_si256(words, masks_avx2(h));
  if (_mm256_testz_si256(missing, missing)) return false;
  alignas(32) std::uint64_t m[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(m), missing);
  for (int j = 0; j < 4; ++j)
    if (m[j] != 0) std::atomic_ref(block[j]).fetch_or(m[j], std::memory_order_relaxed);
  return true;
}
#endif

inline bool contains(bool avx2, const std::uint64_t* block, std::uint32_t h) {
#ifdef SELFHEAL_BLOOM_AVX2
  if (avx2) return contains_avx2(block, h);
#endif
  (void)avx2;
  return contains_portable(block, h);
}

inline bool insert(bool avx2, std::uint64_t* block, std::uint32_t h) {
#ifdef SELFHEAL_BLOOM_AVX2
  if (avx2) return insert_avx2(block, h);
#endif
  (void)avx2;
  return insert_portable(block, h);
}

}  // namespace selfheal::components::bloom_probe
