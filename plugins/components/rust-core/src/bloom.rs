//! The split-block Bloom filter, bit for bit as plugins/components/common/split_block_bloom.hpp
//! (algorithm, sizing and state format are defined there).
//! Threading: insert and contains are lock-free (`fetch_or` / relaxed loads on AtomicU32); clear
//! is atomic per word; replacing the filter (import) needs callers paused.

use crate::le::{put_u32, put_u64, Reader};
use crate::xxhash64::xxhash64;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

pub const SALT: [u32; 8] = [
    0x47b6_137b,
    0x4497_4d91,
    0x8824_ad5b,
    0xa2b7_289d,
    0x7054_95c7,
    0x2df1_424b,
    0x9efc_4947,
    0x5c6b_fb31,
];
pub const MAGIC: u32 = 0x4642_4853; // "SHBF"
pub const VERSION: u32 = 1;
pub const HEADER: usize = 32;
pub const MAX_BLOCKS: u64 = 1 << 32;

/// x^n by binary exponentiation, in the same order as the C++ side (bit-identical results).
fn powi(mut base: f64, mut n: u64) -> f64 {
    let mut r = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            r *= base;
        }
        base *= base;
        n >>= 1;
    }
    r
}

/// Theoretical false-positive rate of `blocks` blocks holding `items` keys (see the C++ header:
/// Poisson weights built by ratios from the mode and normalised; only + * / and sqrt).
pub fn false_positive_rate(items: f64, blocks: f64) -> f64 {
    if blocks <= 0.0 {
        return 1.0;
    }
    let lambda = items / blocks;
    if lambda <= 0.0 {
        return 0.0;
    }
    // Past ~10^4 items per block every bit is set (see split_block_bloom.hpp).
    if lambda >= 10000.0 {
        return 1.0;
    }
    let spread = 12.0 * lambda.sqrt() + 20.0;
    let mode = lambda as u64;
    let lo_f = lambda - spread;
    let lo = if lo_f <= 0.0 { 0 } else { lo_f as u64 };
    let hi = (lambda + spread) as u64;
    let mut w = 1.0;
    let mut j = mode;
    while j > lo {
        w = w * (j as f64) / lambda;
        j -= 1;
    }
    let q = 31.0 / 32.0;
    let (mut num, mut den) = (0.0, 0.0);
    for k in lo..=hi {
        let miss = 1.0 - powi(q, k);
        let m2 = miss * miss;
        let m4 = m2 * m2;
        num += w * (m4 * m4);
        den += w;
        w = w * lambda / ((k + 1) as f64);
    }
    num / den
}

/// The smallest block count whose theoretical false-positive rate is at most the target.
pub fn blocks_for(expected_items: u64, target_fpr: f64) -> u64 {
    let items = expected_items.max(1) as f64;
    let target = if target_fpr > 0.0 && target_fpr < 1.0 {
        target_fpr
    } else {
        0.01
    };
    let mut hi: u64 = 1;
    while hi < MAX_BLOCKS && false_positive_rate(items, hi as f64) > target {
        hi *= 2;
    }
    let mut lo: u64 = 1;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if false_positive_rate(items, mid as f64) > target {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// One 32-byte block; 32-byte alignment keeps it inside one cache line.
#[repr(C, align(32))]
struct Block([AtomicU32; 8]);

pub struct Bloom {
    blocks: Box<[Block]>,
    items: AtomicU64,
}

#[inline(always)]
fn bit_mask(h: u64, i: usize) -> u32 {
    1u32 << ((h as u32).wrapping_mul(SALT[i]) >> 27)
}

impl Bloom {
    pub fn new(num_blocks: u64) -> Option<Bloom> {
        let n = usize::try_from(num_blocks.clamp(1, MAX_BLOCKS)).ok()?;
        let mut v = Vec::new();
        v.try_reserve_exact(n).ok()?;
        v.extend((0..n).map(|_| Block(Default::default())));
        Some(Bloom {
            blocks: v.into_boxed_slice(),
            items: AtomicU64::new(0),
        })
    }

    pub fn num_blocks(&self) -> u64 {
        self.blocks.len() as u64
    }

    pub fn item_count(&self) -> u64 {
        self.items.load(Relaxed)
    }

    #[inline(always)]
    fn block_of(&self, h: u64) -> &Block {
        &self.blocks[(((h >> 32) * self.num_blocks()) >> 32) as usize]
    }

    /// True when at least one bit was newly set (the key was not there before).
    pub fn insert(&self, key: &[u8]) -> bool {
        let h = xxhash64(key, 0);
        let block = self.block_of(h);
        let mut fresh = false;
        for (i, word) in block.0.iter().enumerate() {
            let mask = bit_mask(h, i);
            fresh |= word.fetch_or(mask, Relaxed) & mask == 0;
        }
        if fresh {
            self.items.fetch_add(1, Relaxed);
        }
        fresh
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        let h = xxhash64(key, 0);
        let block = self.block_of(h);
        block.0.iter().enumerate().all(|(i, word)| {
            let mask = bit_mask(h, i);
            word.load(Relaxed) & mask == mask
        })
    }

    pub fn clear(&self) {
        for b in self.blocks.iter() {
            for w in b.0.iter() {
                w.store(0, Relaxed);
            }
        }
        self.items.store(0, Relaxed);
    }

    pub fn saturation(&self) -> f64 {
        let set: u64 = self
            .blocks
            .iter()
            .flat_map(|b| b.0.iter())
            .map(|w| u64::from(w.load(Relaxed).count_ones()))
            .sum();
        set as f64 / (self.num_blocks() * 256) as f64
    }

    pub fn estimated_false_positive_rate(&self) -> f64 {
        false_positive_rate(self.item_count() as f64, self.num_blocks() as f64)
    }

    pub fn state_size(&self) -> usize {
        HEADER + self.blocks.len() * 32
    }

    pub fn export_state(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.state_size());
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, VERSION);
        put_u32(&mut out, 0);
        put_u32(&mut out, 0);
        put_u64(&mut out, self.num_blocks());
        put_u64(&mut out, self.item_count());
        for b in self.blocks.iter() {
            for w in b.0.iter() {
                put_u32(&mut out, w.load(Relaxed));
            }
        }
        out
    }

    /// (num_blocks, item_count) of a well-formed state blob whose size matches its block count.
    fn parse_header(s: &[u8]) -> Option<(u64, u64)> {
        let mut r = Reader::new(s);
        if r.u32()? != MAGIC || r.u32()? != VERSION || r.u32()? != 0 || r.u32()? != 0 {
            return None;
        }
        let blocks = r.u64()?;
        let items = r.u64()?;
        if blocks == 0 || blocks > MAX_BLOCKS || r.remaining() as u64 != blocks * 32 {
            return None;
        }
        Some((blocks, items))
    }

    /// Replaces this filter's contents with exported state of the same size, reusing its memory
    /// (as the C++ side: no allocation while callers are paused). False, filter unchanged, when
    /// the blob is malformed or of another size. `&mut`: no call may be in flight.
    pub fn assign_state(&mut self, s: &[u8]) -> bool {
        match Self::parse_header(s) {
            Some((blocks, items)) if blocks == self.num_blocks() => {
                for (b, chunk) in self.blocks.iter_mut().zip(s[HEADER..].chunks_exact(32)) {
                    for (w, bytes) in b.0.iter_mut().zip(chunk.chunks_exact(4)) {
                        *w.get_mut() = u32::from_le_bytes(bytes.try_into().expect("4 bytes"));
                    }
                }
                *self.items.get_mut() = items;
                true
            }
            _ => false,
        }
    }

    /// A filter from exported state; None when the blob is malformed (or memory is short).
    pub fn from_state(s: &[u8]) -> Option<Bloom> {
        let (blocks, _) = Self::parse_header(s)?;
        let mut bloom = Bloom::new(blocks)?;
        bloom.assign_state(s).then_some(bloom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_reaches_the_target() {
        let blocks = blocks_for(1_000_000, 0.01);
        assert!(false_positive_rate(1e6, blocks as f64) <= 0.01);
        assert!(false_positive_rate(1e6, (blocks - 1) as f64) > 0.01);
        // An overfull filter is reported as such (no underflow to 0).
        assert!(false_positive_rate(1e6, 1.0) > 0.99);
    }

    #[test]
    fn no_false_negatives_and_round_trip() {
        let f = Bloom::new(blocks_for(1000, 0.01)).unwrap();
        for i in 0..1000 {
            f.insert(format!("key-{i}").as_bytes());
        }
        for i in 0..1000 {
            assert!(f.contains(format!("key-{i}").as_bytes()));
        }
        let state = f.export_state();
        let g = Bloom::from_state(&state).unwrap();
        assert_eq!(g.export_state(), state);
        assert!(Bloom::from_state(&state[..state.len() - 1]).is_none());
        let mut bad = state.clone();
        bad[0] ^= 1;
        assert!(Bloom::from_state(&bad).is_none());
    }
}
