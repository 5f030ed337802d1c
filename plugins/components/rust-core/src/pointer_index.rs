//! Buffer address -> slot number for the memory pool's release check, as
//! plugins/components/memory-pool-cpp/pointer_index.hpp: open addressing with linear probing, at
//! most half full, only added to or rebuilt (no tombstones); lookups never allocate.

#[derive(Clone, Copy, Default)]
struct Entry {
    key: usize, // the address; 0 = empty
    slot: usize,
}

#[derive(Default)]
pub struct PointerIndex {
    table: Vec<Entry>, // empty or a power of two >= 16
}

impl PointerIndex {
    /// Room for `entries` entries in all, so that the next inserts cannot allocate. False (index
    /// unchanged) when memory is short.
    pub fn reserve(&mut self, entries: usize) -> bool {
        if entries.saturating_mul(2) <= self.table.len() {
            return true;
        }
        let Some(len) = entries
            .saturating_mul(2)
            .max(16)
            .checked_next_power_of_two()
        else {
            return false;
        };
        let mut bigger = Vec::new();
        if bigger.try_reserve_exact(len).is_err() {
            return false;
        }
        bigger.resize(len, Entry::default());
        let old = std::mem::replace(&mut self.table, bigger);
        for e in old.iter().filter(|e| e.key != 0) {
            self.insert(e.key as *const u8, e.slot);
        }
        true
    }

    /// Requires `reserve` room and `key` (not null) absent.
    pub fn insert(&mut self, key: *const u8, slot: usize) {
        let mask = self.table.len() - 1;
        let mut i = self.home(key as usize);
        while self.table[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = Entry {
            key: key as usize,
            slot,
        };
    }

    #[inline]
    pub fn find(&self, key: *const u8) -> Option<usize> {
        let key = key as usize;
        if self.table.is_empty() || key == 0 {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut i = self.home(key);
        loop {
            let e = self.table[i];
            if e.key == key {
                return Some(e.slot);
            }
            if e.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Empties the index, keeping its room.
    pub fn clear(&mut self) {
        self.table.fill(Entry::default());
    }

    /// Buffers are 64-byte aligned: drop those bits, then a Fibonacci hash onto the table.
    #[inline]
    fn home(&self, key: usize) -> usize {
        let x = (key as u64) >> 6;
        (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.table.len().trailing_zeros())) as usize
    }
}
