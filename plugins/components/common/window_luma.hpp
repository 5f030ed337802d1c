// Sums of pixel luma over a run of pixels, for the sliding window's block signature
// (sliding_window_algorithm.hpp defines luma). Exact integer arithmetic: every path returns the
// same sum. AVX2 is chosen at run time for 3 and 4 channels (x86-64 baseline build, no
// -march=native): eight pixels per step are gathered to R,G,B,0 with one vpshufb, widened to 16
// bits and weighted with vpmaddwd, so each pixel's (77 R + 150 G + 29 B) >> 8 is computed exactly
// as the scalar loop does.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#define SELFHEAL_WINDOW_AVX2 1
#include <immintrin.h>
#endif

namespace selfheal::components::window_luma {

template <std::uint32_t C>
inline std::uint32_t luma(const std::uint8_t* p) {
  if constexpr (C >= 3)
    return (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8;
  else
    return p[0];
}

template <std::uint32_t C>
inline std::uint64_t sum_scalar(const std::uint8_t* p, std::uint64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t x = 0; x < n; ++x) sum += luma<C>(p + x * C);
  return sum;
}

// Sum over a rectangle: `rows` rows of n pixels, `stride` bytes apart.
template <std::uint32_t C>
inline std::uint64_t rect_scalar(const std::uint8_t* p, std::uint64_t stride, std::uint64_t n,
                                 std::uint64_t rows) {
  std::uint64_t sum = 0;
  for (std::uint64_t y = 0; y < rows; ++y) sum += sum_scalar<C>(p + y * stride, n);
  return sum;
}

inline bool cpu_has_avx2() {
#ifdef SELFHEAL_WINDOW_AVX2
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

#ifdef SELFHEAL_WINDOW_AVX2
// Eight pixels (as R,G,B,0 bytes, lane order irrelevant: they are summed) to eight lumas.
__attribute__((target("avx2"))) inline __m256i luma8(__m256i rgb0) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i weights = _mm256_set1_epi64x(0x0000001D0096004DLL);  // 77, 150, 29, 0 (u16)
  const __m256i lo = _mm256_madd_epi16(_mm256_unpacklo_epi8(rgb0, zero), weights);
  const __m256i hi = _mm256_madd_epi16(_mm256_unpackhi_epi8(rgb0, zero), weights);
  return _mm256_srli_epi32(_mm256_hadd_epi32(lo, hi), 8);
}

__attribute__((target("avx2"))) inline std::uint64_t hsum(__m256i v) {
  alignas(32) std::uint32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
  std::uint64_t s = 0;
  for (std::uint32_t x : lanes) s += x;
  return s;
}

// Reads only the 8 * C bytes of each step (no over-read past a row's run). One accumulator
// for the whole rectangle, reduced once at the end.
template <std::uint32_t C>
__attribute__((target("avx2"))) std::uint64_t rect_avx2(const std::uint8_t* p, std::uint64_t stride,
                                                        std::uint64_t n, std::uint64_t rows) {
  static_assert(C == 3 || C == 4);
  // C = 3: the low lane holds bytes 0..15 (pixels 0-3 in bytes 0..11), the high lane bytes
  // 8..23 (pixels 4-7 in its bytes 4..15). C = 4: alpha bytes are dropped by the shuffle.
  const __m256i gather =
      C == 3 ? _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,  //
                                4, 5, 6, -1, 7, 8, 9, -1, 10, 11, 12, -1, 13, 14, 15, -1)
             : _mm256_setr_epi8(0, 1, 2, -1, 4, 5, 6, -1, 8, 9, 10, -1, 12, 13, 14, -1,  //
                                0, 1, 2, -1, 4, 5, 6, -1, 8, 9, 10, -1, 12, 13, 14, -1);
  const std::uint64_t steps = n / 8;
  std::uint64_t total = 0;
  __m256i acc = _mm256_setzero_si256();
  std::uint64_t pending = 0;  // steps in acc: u32 lanes gain at most 255 per step
  for (std::uint64_t y = 0; y < rows; ++y) {
    const std::uint8_t* row = p + y * stride;
    if (pending + steps > (std::uint64_t{1} << 23)) {
      total += hsum(acc);
      acc = _mm256_setzero_si256();
      pending = 0;
    }
    for (std::uint64_t s = 0; s < steps; ++s) {
      const std::uint8_t* q = row + s * 8 * C;
      __m256i v;
      if constexpr (C == 3)
        v = _mm256_setr_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)),
                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 8)));
      else
        v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
      acc = _mm256_add_epi32(acc, luma8(_mm256_shuffle_epi8(v, gather)));
    }
    pending += steps;
    total += sum_scalar<C>(row + steps * 8 * C, n - steps * 8);
  }
  return total + hsum(acc);
}
#endif

// Sum of luma over a rectangle of `rows` rows of n pixels of C channels, `stride` bytes apart.
template <std::uint32_t C>
inline std::uint64_t rect(bool avx2, const std::uint8_t* p, std::uint64_t stride, std::uint64_t n,
                          std::uint64_t rows) {
#ifdef SELFHEAL_WINDOW_AVX2
  if constexpr (C >= 3)
    if (avx2 && n >= 8) return rect_avx2<C>(p, stride, n, rows);
#endif
  (void)avx2;
  return rect_scalar<C>(p, stride, n, rows);
}

}  // namespace selfheal::components::window_luma
