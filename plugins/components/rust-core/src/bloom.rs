//! The split-block Bloom filter, bit for bit as plugins/components/common/split_block_bloom.hpp
//! (algorithm, sizing and state format are defined there).
//! Threading: insert and contains are lock-free (branch-free probes, AVX2 chosen at run time, a
//! `fetch_or` only for missing bits); clear is atomic per word; replacing the filter (import)
//! needs callers paused.

use crate::le::{put_u32, put_u64, Reader};
use crate::xxhash64::xxhash64;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

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
/// State format 2: XXH3. Format 1 (XXH64) still imports and is kept on XXH64 (see the C++ header).
pub const VERSION: u32 = 2;
pub const VERSION_XXH64: u32 = 1;
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

/// One 32-byte block: eight u32 words stored as four u64 (word 2j is the low half of u64 j, so
/// on little-endian machines the memory is the state's byte layout). 32-byte alignment keeps it
/// inside one cache line.
#[repr(C, align(32))]
struct Block([AtomicU64; 4]);

/// Per-stripe item counts (as the C++ side: striped by block, one cache line each).
#[repr(align(64))]
#[derive(Default)]
struct Stripe(AtomicU64);
const STRIPES: usize = 8;
// The header is exactly one block of room in front of the blocks (state_view).
const _: () = assert!(std::mem::size_of::<Block>() == HEADER);

/// Two blocks, the unit of the filter's storage, so that its blocks start on a cache line as the
/// C++ filter's do: a switch's copy between the two then runs at full speed (`rep movsb` is
/// slower when source and destination sit differently within a line).
#[repr(C, align(64))]
struct Line([Block; 2]);

pub struct Bloom {
    /// Line 0 is room in front of the blocks; its second block holds the state's header while
    /// lent (state_view: the state is then one run of memory, as the C++ filter keeps it). The
    /// filter's `blocks` blocks start at line 1.
    storage: Box<[Line]>,
    blocks: usize,
    items: [Stripe; STRIPES],
    /// 2 (XXH3) for a new filter; 1 (XXH64) when it holds an imported format-1 state.
    version: u32,
    avx2: bool,
}

#[inline(always)]
fn bit_mask(h: u32, i: usize) -> u32 {
    1u32 << (h.wrapping_mul(SALT[i]) >> 27)
}

#[inline(always)]
fn pair_mask(h: u32, j: usize) -> u64 {
    u64::from(bit_mask(h, 2 * j)) | (u64::from(bit_mask(h, 2 * j + 1)) << 32)
}

// XXH3 comes from the same system libxxhash the C++ side calls (Debian's libxxhash): the hash is
// identical by construction and costs the same call on both sides (see build.rs).
extern "C" {
    fn XXH3_64bits(data: *const u8, len: usize) -> u64;
}

#[inline(always)]
fn xxh3(key: &[u8]) -> u64 {
    // SAFETY: the slice is valid for len bytes; libxxhash reads nothing when len is 0.
    unsafe { XXH3_64bits(key.as_ptr(), key.len()) }
}

/// The branch-free probes of common/bloom_probe.hpp: every word checked, no early exit.
mod probe {
    use super::{pair_mask, Block, Relaxed};

    #[inline(always)]
    pub fn contains_portable(b: &Block, h: u32) -> bool {
        let mut missing = 0u64;
        for (j, w) in b.0.iter().enumerate() {
            missing |= pair_mask(h, j) & !w.load(Relaxed);
        }
        missing == 0
    }

    #[inline(always)]
    pub fn insert_portable(b: &Block, h: u32) -> bool {
        let mut missing = [0u64; 4];
        let mut any = 0u64;
        for (j, w) in b.0.iter().enumerate() {
            missing[j] = pair_mask(h, j) & !w.load(Relaxed);
            any |= missing[j];
        }
        if any == 0 {
            return false;
        }
        for (w, m) in b.0.iter().zip(missing) {
            if m != 0 {
                w.fetch_or(m, Relaxed);
            }
        }
        true
    }

    #[cfg(target_arch = "x86_64")]
    pub mod avx2 {
        use super::super::{Block, Relaxed, SALT};
        use std::arch::x86_64::*;

        #[inline]
        #[target_feature(enable = "avx2")]
        unsafe fn masks(h: u32) -> __m256i {
            let salt = _mm256_setr_epi32(
                SALT[0] as i32,
                SALT[1] as i32,
                SALT[2] as i32,
                SALT[3] as i32,
                SALT[4] as i32,
                SALT[5] as i32,
                SALT[6] as i32,
                SALT[7] as i32,
            );
            let bits =
                _mm256_srli_epi32::<27>(_mm256_mullo_epi32(_mm256_set1_epi32(h as i32), salt));
            _mm256_sllv_epi32(_mm256_set1_epi32(1), bits)
        }

        /// # Safety
        /// The CPU must have AVX2.
        #[target_feature(enable = "avx2")]
        pub unsafe fn contains(b: &Block, h: u32) -> bool {
            let words = _mm256_load_si256(b as *const Block as *const __m256i);
            _mm256_testc_si256(words, masks(h)) != 0
        }

        /// # Safety
        /// The CPU must have AVX2.
        #[target_feature(enable = "avx2")]
        pub unsafe fn insert(b: &Block, h: u32) -> bool {
            let words = _mm256_load_si256(b as *const Block as *const __m256i);
            let missing = _mm256_andnot_si256(words, masks(h));
            if _mm256_testz_si256(missing, missing) != 0 {
                return false;
            }
            let mut m = [0u64; 4];
            _mm256_storeu_si256(m.as_mut_ptr() as *mut __m256i, missing);
            for (w, bits) in b.0.iter().zip(m) {
                if bits != 0 {
                    w.fetch_or(bits, Relaxed);
                }
            }
            true
        }
    }
}

fn cpu_has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

impl Bloom {
    pub fn new(num_blocks: u64) -> Option<Bloom> {
        let n = usize::try_from(num_blocks.clamp(1, MAX_BLOCKS)).ok()?;
        let lines = n / 2 + n % 2 + 1; // cannot overflow, unlike (n + 1) / 2 + 1
        let mut v = Vec::new();
        v.try_reserve_exact(lines).ok()?;
        v.extend((0..lines).map(|_| Line([Block(Default::default()), Block(Default::default())])));
        Some(Bloom {
            storage: v.into_boxed_slice(),
            blocks: n,
            items: Default::default(),
            version: VERSION,
            avx2: cpu_has_avx2(),
        })
    }

    pub fn num_blocks(&self) -> u64 {
        self.blocks as u64
    }

    #[inline(always)]
    fn blocks(&self) -> &[Block] {
        // SAFETY: lines 1.. hold at least `blocks` blocks, contiguous (repr(C), no padding).
        unsafe {
            std::slice::from_raw_parts(self.storage.as_ptr().add(1).cast::<Block>(), self.blocks)
        }
    }

    fn blocks_mut(&mut self) -> &mut [Block] {
        // SAFETY: as blocks(), through `&mut self`.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.storage.as_mut_ptr().add(1).cast::<Block>(),
                self.blocks,
            )
        }
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn item_count(&self) -> u64 {
        self.items.iter().map(|s| s.0.load(Relaxed)).sum()
    }

    /// Format 2 hashes with XXH3; a format-1 filter keeps XXH64 (its bits cannot be rehashed).
    #[inline(always)]
    fn hash(&self, key: &[u8]) -> u64 {
        if self.version == VERSION {
            xxh3(key)
        } else {
            xxhash64(key, 0)
        }
    }

    #[inline(always)]
    fn block_index(&self, h: u64) -> usize {
        (((h >> 32) * self.num_blocks()) >> 32) as usize
    }

    /// True when at least one bit was newly set (the key was not there before).
    pub fn insert(&self, key: &[u8]) -> bool {
        let h = self.hash(key);
        let i = self.block_index(h);
        let block = &self.blocks()[i];
        #[cfg(target_arch = "x86_64")]
        let fresh = if self.avx2 {
            // SAFETY: avx2 is only true when the CPU has AVX2.
            unsafe { probe::avx2::insert(block, h as u32) }
        } else {
            probe::insert_portable(block, h as u32)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let fresh = probe::insert_portable(block, h as u32);
        if fresh {
            self.items[i % STRIPES].0.fetch_add(1, Relaxed);
        }
        fresh
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        let h = self.hash(key);
        let block = &self.blocks()[self.block_index(h)];
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: avx2 is only true when the CPU has AVX2.
            return unsafe { probe::avx2::contains(block, h as u32) };
        }
        probe::contains_portable(block, h as u32)
    }

    pub fn clear(&self) {
        for b in self.blocks().iter() {
            for w in b.0.iter() {
                w.store(0, Relaxed);
            }
        }
        for s in self.items.iter() {
            s.0.store(0, Relaxed);
        }
    }

    pub fn saturation(&self) -> f64 {
        let set: u64 = self
            .blocks()
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
        HEADER + self.blocks().len() * 32
    }

    pub fn export_state(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.state_size());
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, self.version);
        put_u32(&mut out, 0);
        put_u32(&mut out, 0);
        put_u64(&mut out, self.num_blocks());
        put_u64(&mut out, self.item_count());
        for b in self.blocks().iter() {
            for w in b.0.iter() {
                put_u64(&mut out, w.load(Relaxed));
            }
        }
        out
    }

    /// Where state_view's bytes start: the header's block, right before the blocks.
    fn view_start(&self) -> *const u8 {
        // SAFETY: HEADER (32) bytes into line 0, inside the allocation; derived from the whole
        // storage, so the pointer may cover the blocks after it.
        unsafe { self.storage.as_ptr().cast::<u8>().add(HEADER) }
    }

    /// True when `p` is where this filter's state_view starts (an import of its own view).
    pub fn is_own_view(&self, p: *const u8) -> bool {
        p == self.view_start()
    }

    /// export_state()'s exact bytes as a view of the filter's own memory: the header is written
    /// into the room in front of the blocks. For a switch's migration (one copy instead of two).
    /// None on a big-endian machine, where the blocks' memory is not the state's byte order.
    ///
    /// # Safety
    /// Nothing may write the filter while the returned bytes are in use: no insert, clear or
    /// import, and no other state_view (it writes the header), on any thread. The host calls it
    /// with callers paused at the switch's gate.
    pub unsafe fn state_view(&self) -> Option<&[u8]> {
        if cfg!(target_endian = "big") {
            return None;
        }
        let lead = &self.storage[0].0[1].0;
        lead[0].store(u64::from(MAGIC) | (u64::from(self.version) << 32), Relaxed);
        lead[1].store(0, Relaxed);
        lead[2].store(self.num_blocks(), Relaxed);
        lead[3].store(self.item_count(), Relaxed);
        // SAFETY: the header block is followed by the filter's blocks in the one allocation (Line
        // and Block are repr(C), no padding) that view_start's pointer is derived from; it lives
        // as long as `self`; the caller guarantees no write while the bytes are read.
        Some(std::slice::from_raw_parts(
            self.view_start(),
            self.state_size(),
        ))
    }

    /// (version, num_blocks, item_count) of a well-formed state blob (format 1 or 2) whose size
    /// matches its block count.
    fn parse_header(s: &[u8]) -> Option<(u32, u64, u64)> {
        let mut r = Reader::new(s);
        if r.u32()? != MAGIC {
            return None;
        }
        let version = r.u32()?;
        if (version != VERSION && version != VERSION_XXH64) || r.u32()? != 0 || r.u32()? != 0 {
            return None;
        }
        let blocks = r.u64()?;
        let items = r.u64()?;
        if blocks == 0 || blocks > MAX_BLOCKS || r.remaining() as u64 != blocks * 32 {
            return None;
        }
        Some((version, blocks, items))
    }

    /// Replaces this filter's contents (and format) with exported state of the same size,
    /// reusing its memory (as the C++ side: no allocation while callers are paused). False,
    /// filter unchanged, when the blob is malformed or of another size. `&mut`: no call may be
    /// in flight.
    pub fn assign_state(&mut self, s: &[u8]) -> bool {
        match Self::parse_header(s) {
            Some((version, blocks, items)) if blocks == self.num_blocks() => {
                let body = &s[HEADER..];
                let blocks = self.blocks_mut();
                if cfg!(target_endian = "little") {
                    // The blocks' memory is the state's byte layout: one copy (the caller's
                    // pause while a switch imports). SAFETY: `&mut self`, so nothing reads the
                    // atomics meanwhile; parse_header checked body.len() == blocks * 32.
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            body.as_ptr(),
                            blocks.as_mut_ptr().cast::<u8>(),
                            body.len(),
                        );
                    }
                } else {
                    for (b, chunk) in blocks.iter_mut().zip(body.chunks_exact(32)) {
                        for (w, bytes) in b.0.iter_mut().zip(chunk.chunks_exact(8)) {
                            *w.get_mut() = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
                        }
                    }
                }
                for st in self.items.iter_mut() {
                    *st.0.get_mut() = 0;
                }
                *self.items[0].0.get_mut() = items;
                self.version = version;
                true
            }
            _ => false,
        }
    }

    /// A filter from exported state; None when the blob is malformed (or memory is short).
    pub fn from_state(s: &[u8]) -> Option<Bloom> {
        let (_, blocks, _) = Self::parse_header(s)?;
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

    #[test]
    #[cfg(target_endian = "little")]
    fn state_view_is_the_export_and_imports() {
        let f = Bloom::new(blocks_for(5000, 0.01)).unwrap();
        for i in 0..3000 {
            f.insert(format!("view-{i}").as_bytes());
        }
        // SAFETY: nothing writes f while the view is copied.
        let view = unsafe { f.state_view() }.unwrap().to_vec();
        assert_eq!(view, f.export_state());
        let mut g = Bloom::new(f.num_blocks()).unwrap();
        assert!(g.assign_state(&view));
        assert_eq!(g.export_state(), view);
        assert!(g.contains(b"view-2999"));
        assert_eq!(g.item_count(), f.item_count());
        assert!(g.is_own_view(unsafe { g.state_view() }.unwrap().as_ptr()));
        g.clear();
        assert_ne!(unsafe { g.state_view() }.unwrap(), &view[..]);
    }
}
