//! The sliding window's frame hash and block signature in one pass, as
//! plugins/components/common/sliding_window_algorithm.hpp (window_digest) and
//! common/window_luma.hpp: each row is fed to XXH64 and, while it is still in L1, its luma is
//! summed into the blocks it belongs to. AVX2 luma sums are chosen at run time for 3 and 4
//! channels; every path computes each pixel's (77 R + 150 G + 29 B) >> 8 exactly.

use crate::xxhash64::Xxh64;

#[inline(always)]
fn luma<const C: usize>(px: &[u8]) -> u64 {
    if C >= 3 {
        (77 * u64::from(px[0]) + 150 * u64::from(px[1]) + 29 * u64::from(px[2])) >> 8
    } else {
        u64::from(px[0])
    }
}

fn sum_scalar<const C: usize>(run: &[u8]) -> u64 {
    run.chunks_exact(C).map(luma::<C>).sum()
}

pub fn cpu_has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// Sum over a rectangle of `rows` rows of `n` pixels, `stride` bytes apart, starting at
    /// `p[0]`; one accumulator for the whole rectangle.
    ///
    /// # Safety
    /// The CPU must have AVX2; C is 3 or 4; `p` holds the whole rectangle.
    #[target_feature(enable = "avx2")]
    pub unsafe fn rect<const C: usize>(p: &[u8], stride: usize, n: usize, rows: usize) -> u64 {
        // As window_luma.hpp: eight pixels gathered to R,G,B,0 by one vpshufb, widened, weighted
        // with vpmaddwd, pairs added, shifted by 8.
        let gather = if C == 3 {
            _mm256_setr_epi8(
                0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1, 4, 5, 6, -1, 7, 8, 9, -1, 10,
                11, 12, -1, 13, 14, 15, -1,
            )
        } else {
            _mm256_setr_epi8(
                0, 1, 2, -1, 4, 5, 6, -1, 8, 9, 10, -1, 12, 13, 14, -1, 0, 1, 2, -1, 4, 5, 6, -1,
                8, 9, 10, -1, 12, 13, 14, -1,
            )
        };
        let zero = _mm256_setzero_si256();
        let weights = _mm256_set1_epi64x(0x0000_001D_0096_004D); // 77, 150, 29, 0 (u16)
        let steps = n / 8;
        let mut total = 0u64;
        let mut acc = _mm256_setzero_si256();
        let mut pending = 0usize; // steps in acc: u32 lanes gain at most 255 per step
        let hsum = |v: __m256i| -> u64 {
            let mut lanes = [0u32; 8];
            _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, v);
            lanes.iter().map(|&x| u64::from(x)).sum()
        };
        for y in 0..rows {
            let row = &p[y * stride..y * stride + n * C];
            if pending + steps > (1 << 23) {
                total += hsum(acc);
                acc = _mm256_setzero_si256();
                pending = 0;
            }
            for step in 0..steps {
                let q = row.as_ptr().add(step * 8 * C);
                let v = if C == 3 {
                    _mm256_setr_m128i(
                        _mm_loadu_si128(q as *const __m128i),
                        _mm_loadu_si128(q.add(8) as *const __m128i),
                    )
                } else {
                    _mm256_loadu_si256(q as *const __m256i)
                };
                let rgb0 = _mm256_shuffle_epi8(v, gather);
                let lo = _mm256_madd_epi16(_mm256_unpacklo_epi8(rgb0, zero), weights);
                let hi = _mm256_madd_epi16(_mm256_unpackhi_epi8(rgb0, zero), weights);
                acc = _mm256_add_epi32(acc, _mm256_srli_epi32::<8>(_mm256_hadd_epi32(lo, hi)));
            }
            pending += steps;
            total += super::sum_scalar::<C>(&row[steps * 8 * C..]);
        }
        total + hsum(acc)
    }
}

/// Sum of luma over a rectangle of `rows` rows of `n` pixels, `stride` bytes apart.
#[inline(always)]
fn luma_rect<const C: usize>(avx2: bool, p: &[u8], stride: usize, n: usize, rows: usize) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if C >= 3 && avx2 && n >= 8 {
        // SAFETY: avx2 is only true when the CPU has AVX2; the caller passes the whole rectangle.
        return unsafe { avx2::rect::<C>(p, stride, n, rows) };
    }
    let _ = avx2;
    (0..rows)
        .map(|y| sum_scalar::<C>(&p[y * stride..y * stride + n * C]))
        .sum()
}

/// One block row at a time: its rows (contiguous) are fed to the hash, then the luma of each of
/// its eight blocks is summed while they are still in L1/L2 (see the C++ window_digest).
fn digest<const C: usize>(
    pixels: &[u8],
    w: u64,
    h: u64,
    avx2: bool,
    hash: &mut Xxh64,
) -> (u64, u64) {
    let stride = (w as usize) * C;
    let mut means = [0u64; 64];
    let mut hashed_rows = 0usize;
    for by in 0..8u64 {
        let y0 = by * h / 8;
        let y1 = ((by + 1) * h / 8).max(y0 + 1);
        if y1 as usize > hashed_rows {
            hash.update(&pixels[hashed_rows * stride..(y1 as usize) * stride]);
            hashed_rows = y1 as usize;
        }
        for bx in 0..8u64 {
            let x0 = bx * w / 8;
            let x1 = ((bx + 1) * w / 8).max(x0 + 1);
            let start = (y0 as usize) * stride + (x0 as usize) * C;
            let sum = luma_rect::<C>(
                avx2,
                &pixels[start..],
                stride,
                (x1 - x0) as usize,
                (y1 - y0) as usize,
            );
            means[(by * 8 + bx) as usize] = sum / ((x1 - x0) * (y1 - y0));
        }
    }
    let total: u64 = means.iter().sum();
    let sig = means.iter().enumerate().fold(0u64, |sig, (i, &m)| {
        if 64 * m > total {
            sig | (1u64 << i)
        } else {
            sig
        }
    });
    (hash.digest(), sig)
}

/// (exact hash, block signature) of a valid frame, in one pass.
pub fn frame_digest(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u32,
    avx2: bool,
) -> (u64, u64) {
    let mut s = Xxh64::new(0);
    let mut head = [0u8; 12];
    head[..4].copy_from_slice(&width.to_le_bytes());
    head[4..8].copy_from_slice(&height.to_le_bytes());
    head[8..].copy_from_slice(&channels.to_le_bytes());
    s.update(&head);
    let (w, h) = (u64::from(width), u64::from(height));
    match channels {
        1 => digest::<1>(pixels, w, h, avx2, &mut s),
        2 => digest::<2>(pixels, w, h, avx2, &mut s),
        3 => digest::<3>(pixels, w, h, avx2, &mut s),
        _ => digest::<4>(pixels, w, h, avx2, &mut s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avx2_and_scalar_paths_agree() {
        if !cpu_has_avx2() {
            return;
        }
        let mut seed = 7u32;
        for c in 1..=4u32 {
            for w in [1u32, 3, 7, 8, 9, 63, 64, 65, 129, 320] {
                for h in [1u32, 5, 8, 17] {
                    let px: Vec<u8> = (0..w * h * c)
                        .map(|_| {
                            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                            (seed >> 24) as u8
                        })
                        .collect();
                    assert_eq!(
                        frame_digest(&px, w, h, c, true),
                        frame_digest(&px, w, h, c, false),
                        "{w}x{h}x{c}"
                    );
                }
            }
        }
    }
}
