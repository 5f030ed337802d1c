//! The sliding window, exactly as plugins/components/common/sliding_window_algorithm.hpp defines
//! it (frame hash, block signature, duplicate rule, state format).
//! Threading: one mutex guards the window; hashing runs outside it.

use crate::le::{put_u32, put_u64, Reader};
use crate::window_digest::{cpu_has_avx2, frame_digest};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

pub const MAGIC: u32 = 0x5753_4853; // "SHSW"
pub const VERSION: u32 = 1;
pub const HEADER: usize = 40;
pub const ENTRY: usize = 24;
pub const MAX_CAPACITY: u32 = 65_536;
pub const MAX_CHANNELS: u32 = 4;

/// Frame validation: non-zero sizes, 1..=4 channels, exactly width*height*channels bytes.
pub fn valid_frame(len: usize, width: u32, height: u32, channels: u32) -> bool {
    if width == 0 || height == 0 || channels == 0 || channels > MAX_CHANNELS {
        return false;
    }
    let expected = u128::from(width) * u128::from(height) * u128::from(channels);
    expected == len as u128
}

/// XXH64 (seed 0) over width, height, channels as u32 LE, then the pixel bytes.
pub fn frame_hash(pixels: &[u8], width: u32, height: u32, channels: u32) -> u64 {
    frame_digest(pixels, width, height, channels, cpu_has_avx2()).0
}

/// The 64-bit block signature: bit (by*8+bx) set when that block's mean luma is above the mean
/// of the 64 block means (64 * m_i > sum m_j). The frame must be valid.
pub fn block_signature(pixels: &[u8], width: u32, height: u32, channels: u32) -> u64 {
    frame_digest(pixels, width, height, channels, cpu_has_avx2()).1
}

pub fn similarity(a: u64, b: u64) -> f64 {
    f64::from(64 - (a ^ b).count_ones()) / 64.0
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Entry {
    timestamp: i64,
    hash: u64,
    signature: u64,
}

#[derive(Clone, Debug)]
struct State {
    capacity: u32,
    threshold: f64,
    frames_seen: u64,
    duplicates: u64,
    entries: VecDeque<Entry>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Analysis {
    pub is_duplicate: bool,
    pub confidence: f64,
    pub frame_hash: u64,
    pub window_size: u32,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub frames_seen: u64,
    pub duplicates: u64,
    pub window_size: u32,
    pub capacity: u32,
}

pub struct Window {
    state: Mutex<State>,
    avx2: bool,
}

pub fn valid_config(capacity: u32, threshold: f64) -> bool {
    (1..=MAX_CAPACITY).contains(&capacity) && (0.0..=1.0).contains(&threshold)
}

impl Window {
    /// None unless 1 <= capacity <= 65536 and 0 <= threshold <= 1.
    pub fn new(capacity: u32, threshold: f64) -> Option<Window> {
        if !valid_config(capacity, threshold) {
            return None;
        }
        let state = State {
            capacity,
            threshold,
            frames_seen: 0,
            duplicates: 0,
            entries: VecDeque::with_capacity(capacity as usize),
        };
        Some(Window {
            state: Mutex::new(state),
            avx2: cpu_has_avx2(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// None for an invalid frame.
    pub fn add_frame(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        channels: u32,
        ts: i64,
    ) -> Option<Analysis> {
        if !valid_frame(pixels.len(), width, height, channels) {
            return None;
        }
        let (hash, signature) = frame_digest(pixels, width, height, channels, self.avx2);
        let mut s = self.lock();
        let (is_duplicate, confidence) = if s.entries.iter().any(|e| e.hash == hash) {
            (true, 1.0)
        } else if let Some(d) = s
            .entries
            .iter()
            .map(|e| (e.signature ^ signature).count_ones())
            .min()
        {
            let sim = f64::from(64 - d) / 64.0;
            (sim >= s.threshold, sim)
        } else {
            (false, 0.0)
        };
        s.entries.push_back(Entry {
            timestamp: ts,
            hash,
            signature,
        });
        if s.entries.len() > s.capacity as usize {
            s.entries.pop_front();
        }
        s.frames_seen += 1;
        if is_duplicate {
            s.duplicates += 1;
        }
        Some(Analysis {
            is_duplicate,
            confidence,
            frame_hash: hash,
            window_size: s.entries.len() as u32,
        })
    }

    pub fn stats(&self) -> Stats {
        let s = self.lock();
        Stats {
            frames_seen: s.frames_seen,
            duplicates: s.duplicates,
            window_size: s.entries.len() as u32,
            capacity: s.capacity,
        }
    }

    pub fn clear(&self) {
        let mut s = self.lock();
        s.entries.clear();
        s.frames_seen = 0;
        s.duplicates = 0;
    }

    pub fn export_state(&self) -> Vec<u8> {
        let s = self.lock();
        let mut out = Vec::with_capacity(HEADER + ENTRY * s.entries.len());
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, VERSION);
        put_u32(&mut out, s.capacity);
        put_u64(&mut out, s.threshold.to_bits());
        put_u64(&mut out, s.frames_seen);
        put_u64(&mut out, s.duplicates);
        put_u32(&mut out, s.entries.len() as u32);
        for e in &s.entries {
            put_u64(&mut out, e.timestamp as u64);
            put_u64(&mut out, e.hash);
            put_u64(&mut out, e.signature);
        }
        out
    }

    /// Replaces the state; false (and nothing changed) when the blob fails validation.
    pub fn import_state(&self, blob: &[u8]) -> bool {
        match parse_state(blob) {
            Some(state) => {
                *self.lock() = state;
                true
            }
            None => false,
        }
    }
}

fn parse_state(blob: &[u8]) -> Option<State> {
    let mut r = Reader::new(blob);
    if r.u32()? != MAGIC || r.u32()? != VERSION {
        return None;
    }
    let capacity = r.u32()?;
    let threshold = f64::from_bits(r.u64()?);
    let frames_seen = r.u64()?;
    let duplicates = r.u64()?;
    let count = r.u32()?;
    if !valid_config(capacity, threshold)
        || duplicates > frames_seen
        || count > capacity
        || u64::from(count) > frames_seen
        || r.remaining() != count as usize * ENTRY
    {
        return None;
    }
    let mut entries = VecDeque::with_capacity(capacity as usize);
    for _ in 0..count {
        let timestamp = r.u64()? as i64;
        entries.push_back(Entry {
            timestamp,
            hash: r.u64()?,
            signature: r.u64()?,
        });
    }
    Some(State {
        capacity,
        threshold,
        frames_seen,
        duplicates,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, shift: u32) -> Vec<u8> {
        (0..w * h)
            .map(|i| (((i % w) * 255 / w + (i / w) * 3 + shift) % 256) as u8)
            .collect()
    }

    #[test]
    fn exact_and_near_duplicates() {
        let win = Window::new(3, 0.95).unwrap();
        let a = gradient(64, 48, 0);
        assert!(!win.add_frame(&a, 64, 48, 1, 0).unwrap().is_duplicate);
        let again = win.add_frame(&a, 64, 48, 1, 1).unwrap();
        assert!(again.is_duplicate);
        assert_eq!(again.confidence, 1.0);
        let mut noisy = a.clone();
        noisy[100] ^= 1;
        let near = win.add_frame(&noisy, 64, 48, 1, 2).unwrap();
        assert!(near.is_duplicate && near.confidence >= 0.95);
        assert!(win.add_frame(&a, 64, 47, 1, 3).is_none());
        let state = win.export_state();
        let other = Window::new(1, 0.5).unwrap();
        assert!(other.import_state(&state));
        assert_eq!(other.export_state(), state);
        assert!(!other.import_state(&state[..state.len() - 1]));
    }

    #[test]
    fn tiny_frames_have_signatures() {
        let px = [0u8, 255, 0, 255, 0, 255];
        assert!(valid_frame(px.len(), 3, 2, 1));
        let _ = block_signature(&px, 3, 2, 1);
        assert!(!valid_frame(5, 3, 2, 1));
        assert!(!valid_frame(0, 0, 2, 1));
    }
}
