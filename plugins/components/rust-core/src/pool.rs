//! The memory pool, with the same rules and state format as
//! plugins/components/memory-pool-cpp/memory_pool_core.hpp (defined there, with the bookkeeping
//! both sides share: per class one slot per buffer made, a stack of free slot numbers and an
//! address -> slot index; one lock for the pool; ages from the coarse monotonic clock).
//! Buffer memory is allocated here, by Rust (64-byte aligned), and stays owned by this pool until
//! released to it or the pool is dropped.

use crate::coarse_clock::now_ns;
use crate::le::{put_u32, put_u64, Reader};
use crate::pointer_index::PointerIndex;
use crate::pool_lock::PoolLock;
use std::alloc::{alloc, dealloc, Layout};

pub const MAGIC: u32 = 0x504D_4853; // "SHMP"
pub const VERSION: u32 = 1;
pub const HEADER: usize = 40;
pub const CLASS_ENTRY: usize = 24;
pub const MIN_CLASS: u64 = 64;
pub const MAX_CLASS_LIMIT: u64 = 1 << 30;
pub const ALIGN: usize = 64;

#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    InvalidArgument,
    OutOfMemory,
    Corrupt,
}

#[derive(Clone, Copy)]
struct Slot {
    data: *mut u8,
    id: u64,    // 0 while the buffer is free
    since: i64, // coarse monotonic ns at allocation
}

struct Class {
    size: u64,
    slots: Vec<Slot>,    // one per buffer made: capacity = slots.len()
    free: Vec<usize>,    // free slot numbers; capacity >= slots.len()
    index: PointerIndex, // data -> slot number
    in_use: u64,
    high_water: u64,
}

struct Inner {
    classes: Vec<Class>,
    limit: u64,
    reserved: u64,
    in_use: u64,
    next_id: u64,
}

// SAFETY: the raw buffer pointers are addresses this pool owns; every access to them and to
// the bookkeeping goes through the pool's lock.
unsafe impl Send for Inner {}

#[derive(Clone, Copy, Debug, Default)]
pub struct ClassStats {
    pub buffer_size: u64,
    pub available: u64,
    pub capacity: u64,
    pub high_water: u64,
}

pub struct Pool {
    inner: PoolLock<Inner>,
    max_class: u64,
}

fn layout(size: u64) -> Layout {
    Layout::from_size_align(size as usize, ALIGN).expect("class sizes are valid layouts")
}

fn new_buffer(size: u64) -> Option<*mut u8> {
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc(layout(size)) };
    (!p.is_null()).then_some(p)
}

fn free_buffer(p: *mut u8, size: u64) {
    // SAFETY: `p` came from new_buffer(size) and is freed once.
    unsafe { dealloc(p, layout(size)) }
}

fn is_power_of_two(x: u64) -> bool {
    x != 0 && x & (x - 1) == 0
}

pub fn valid_config(max_class: u64, memory_limit: u64) -> bool {
    is_power_of_two(max_class)
        && (MIN_CLASS..=MAX_CLASS_LIMIT).contains(&max_class)
        && memory_limit > 0
}

fn class_count(max_class: u64) -> usize {
    (max_class.trailing_zeros() - MIN_CLASS.trailing_zeros() + 1) as usize
}

/// Room for one more slot in `c`, so that nothing after it can fail half-way; false when
/// memory is short.
fn make_room(c: &mut Class) -> bool {
    let n = c.slots.len() + 1;
    // try_reserve grows geometrically; `free` gets the same room: release never allocates.
    (c.slots.capacity() >= n || c.slots.try_reserve(n - c.slots.len()).is_ok())
        && (c.free.capacity() >= n || c.free.try_reserve(n - c.free.len()).is_ok())
        && c.index.reserve(n)
}

impl Class {
    /// Frees the free buffers beyond the first `keep`; returns the bytes given back.
    fn drop_free(&mut self, keep: usize) -> u64 {
        if self.free.len() <= keep {
            return 0;
        }
        let mut freed = 0;
        while self.free.len() > keep {
            let i = self.free.pop().expect("longer than keep");
            free_buffer(self.slots[i].data, self.size);
            self.slots[i].data = std::ptr::null_mut();
            freed += self.size;
        }
        // Compact the slots, rebuild the free stack and the index (their room is kept).
        self.slots.retain(|s| !s.data.is_null());
        self.free.clear();
        self.index.clear();
        for (i, s) in self.slots.iter().enumerate() {
            self.index.insert(s.data, i);
            if s.id == 0 {
                self.free.push(i);
            }
        }
        freed
    }
}

impl Pool {
    pub fn new(max_class: u64, memory_limit: u64) -> Option<Pool> {
        if !valid_config(max_class, memory_limit) {
            return None;
        }
        let classes = (0..class_count(max_class))
            .map(|k| Class {
                size: MIN_CLASS << k,
                slots: Vec::new(),
                free: Vec::new(),
                index: PointerIndex::default(),
                in_use: 0,
                high_water: 0,
            })
            .collect();
        Some(Pool {
            inner: PoolLock::new(Inner {
                classes,
                limit: memory_limit,
                reserved: 0,
                in_use: 0,
                next_id: 1,
            }),
            max_class,
        })
    }

    /// The class index of a buffer size this pool hands out, if it is one.
    #[inline]
    fn class_of_size(&self, size: u64) -> Option<usize> {
        if is_power_of_two(size) && (MIN_CLASS..=self.max_class).contains(&size) {
            Some((size.trailing_zeros() - MIN_CLASS.trailing_zeros()) as usize)
        } else {
            None
        }
    }

    /// (data, buffer size, id) from the smallest class that fits `bytes` (0 takes the smallest).
    pub fn allocate(&self, bytes: u64) -> Result<(*mut u8, u64, u64), PoolError> {
        if bytes > self.max_class {
            return Err(PoolError::InvalidArgument);
        }
        let size = if bytes <= MIN_CLASS {
            MIN_CLASS
        } else {
            bytes.next_power_of_two()
        };
        let k = self.class_of_size(size).ok_or(PoolError::InvalidArgument)?;
        let since = now_ns(); // outside the lock
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let c = &mut inner.classes[k];
        let i = match c.free.pop() {
            Some(i) => i,
            None => {
                if inner.reserved > inner.limit || inner.limit - inner.reserved < size {
                    return Err(PoolError::OutOfMemory);
                }
                if !make_room(c) {
                    return Err(PoolError::OutOfMemory);
                }
                let data = new_buffer(size).ok_or(PoolError::OutOfMemory)?;
                inner.reserved += size;
                c.index.insert(data, c.slots.len());
                c.slots.push(Slot {
                    data,
                    id: 0,
                    since: 0,
                });
                c.slots.len() - 1
            }
        };
        let id = inner.next_id;
        inner.next_id += 1;
        let s = &mut c.slots[i];
        s.id = id;
        s.since = since;
        c.in_use += 1;
        c.high_water = c.high_water.max(c.in_use);
        inner.in_use += size;
        Ok((s.data, size, id))
    }

    /// Returns a buffer to its class; refuses one this pool did not hand out or already took back.
    pub fn release(&self, data: *mut u8, size: u64, id: u64) -> Result<(), PoolError> {
        let k = self.class_of_size(size).ok_or(PoolError::InvalidArgument)?;
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let c = &mut inner.classes[k];
        match c.index.find(data) {
            Some(i) if id != 0 && c.slots[i].id == id => {
                c.slots[i].id = 0;
                c.free.push(i); // never reallocates: see make_room
                c.in_use -= 1;
                inner.in_use -= size;
                Ok(())
            }
            _ => Err(PoolError::InvalidArgument),
        }
    }

    pub fn class_stats(&self) -> Vec<ClassStats> {
        let mut out = Vec::with_capacity(self.class_count());
        let inner = self.inner.lock();
        out.extend(inner.classes.iter().map(|c| ClassStats {
            buffer_size: c.size,
            available: c.free.len() as u64,
            capacity: c.slots.len() as u64,
            high_water: c.high_water,
        }));
        out
    }

    pub fn class_count(&self) -> usize {
        class_count(self.max_class)
    }

    /// (bytes in use, bytes reserved, memory limit)
    pub fn totals(&self) -> (u64, u64, u64) {
        let inner = self.inner.lock();
        (inner.in_use, inner.reserved, inner.limit)
    }

    /// (id, size, age in ms) of buffers outstanding for at least `min_age_ms`, by id.
    pub fn outstanding_older_than(&self, min_age_ms: u64) -> Vec<(u64, u64, u64)> {
        let now = now_ns();
        let mut out = Vec::new();
        {
            let inner = self.inner.lock();
            out.reserve(inner.classes.iter().map(|c| c.in_use as usize).sum());
            for c in &inner.classes {
                for s in c.slots.iter().filter(|s| s.id != 0) {
                    let age = (now.saturating_sub(s.since).max(0) / 1_000_000) as u64;
                    if age >= min_age_ms {
                        out.push((s.id, c.size, age));
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Frees every free buffer; returns the bytes given back.
    pub fn trim(&self) -> u64 {
        let mut inner = self.inner.lock();
        let freed: u64 = inner.classes.iter_mut().map(|c| c.drop_free(0)).sum();
        inner.reserved -= freed;
        freed
    }

    pub fn export_state(&self) -> Vec<u8> {
        let stats = self.class_stats();
        let (_, _, limit) = self.totals();
        let next_id = self.inner.lock().next_id;
        let mut out = Vec::with_capacity(HEADER + CLASS_ENTRY * stats.len());
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, VERSION);
        put_u64(&mut out, limit);
        put_u64(&mut out, self.max_class);
        put_u64(&mut out, next_id);
        put_u32(&mut out, stats.len() as u32);
        put_u32(&mut out, 0);
        for s in stats {
            put_u64(&mut out, s.buffer_size);
            put_u64(&mut out, s.capacity);
            put_u64(&mut out, s.high_water);
        }
        out
    }

    /// Replaces limit, counters and free-list sizes (see the format's definition). Outstanding
    /// buffers of this pool stay valid. Corrupt for a malformed blob, InvalidArgument for another
    /// class layout, OutOfMemory when the capacity cannot be reserved; nothing changes on error.
    pub fn import_state(&self, blob: &[u8]) -> Result<(), PoolError> {
        let st = parse_state(blob).ok_or(PoolError::Corrupt)?;
        if st.max_class != self.max_class {
            return Err(PoolError::InvalidArgument);
        }
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        // Target capacity per class: the imported one, but never below what is in use here.
        let targets: Vec<u64> = inner
            .classes
            .iter()
            .zip(&st.classes)
            .map(|(c, &(cap, _))| cap.max(c.in_use))
            .collect();
        let mut needed: u64 = 0;
        for (c, &t) in inner.classes.iter().zip(&targets) {
            needed = t
                .checked_mul(c.size)
                .and_then(|b| b.checked_add(needed))
                .ok_or(PoolError::OutOfMemory)?;
        }
        // Also bounded by this pool's own limit, so a blob can never make it reserve more than
        // it was configured to hold.
        if needed > st.limit || needed > inner.limit {
            return Err(PoolError::OutOfMemory);
        }
        // Every allocation before the first change.
        let mut fresh: Vec<Vec<*mut u8>> = Vec::with_capacity(inner.classes.len());
        let mut ok = true;
        for (c, &t) in inner.classes.iter_mut().zip(&targets) {
            let want = t as usize;
            let want_free = want - c.in_use as usize;
            let mut v = Vec::new();
            ok = v
                .try_reserve(want_free.saturating_sub(c.free.len()))
                .is_ok();
            while ok && c.free.len() + v.len() < want_free {
                match new_buffer(c.size) {
                    Some(p) => v.push(p),
                    None => ok = false,
                }
            }
            ok = ok
                && c.slots
                    .try_reserve(want.saturating_sub(c.slots.len()))
                    .is_ok()
                && c.free
                    .try_reserve(want.saturating_sub(c.free.len()))
                    .is_ok()
                && c.index.reserve(want);
            fresh.push(v);
            if !ok {
                break;
            }
        }
        if !ok {
            for (c, list) in inner.classes.iter().zip(fresh) {
                list.into_iter().for_each(|p| free_buffer(p, c.size));
            }
            return Err(PoolError::OutOfMemory);
        }
        for ((c, &t), (list, &(_, hw))) in inner
            .classes
            .iter_mut()
            .zip(&targets)
            .zip(fresh.into_iter().zip(&st.classes))
        {
            c.drop_free((t - c.in_use) as usize);
            for p in list {
                // room reserved above
                c.index.insert(p, c.slots.len());
                c.free.push(c.slots.len());
                c.slots.push(Slot {
                    data: p,
                    id: 0,
                    since: 0,
                });
            }
            c.high_water = hw.max(c.in_use);
        }
        inner.reserved = needed;
        inner.limit = st.limit;
        inner.next_id = inner.next_id.max(st.next_id);
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for c in self.inner.get_mut().classes.iter() {
            c.slots.iter().for_each(|s| free_buffer(s.data, c.size));
        }
    }
}

struct ParsedState {
    limit: u64,
    max_class: u64,
    next_id: u64,
    classes: Vec<(u64, u64)>, // (capacity, high_water)
}

fn parse_state(blob: &[u8]) -> Option<ParsedState> {
    let mut r = Reader::new(blob);
    if r.u32()? != MAGIC || r.u32()? != VERSION {
        return None;
    }
    let limit = r.u64()?;
    let max_class = r.u64()?;
    let next_id = r.u64()?;
    let count = r.u32()? as usize;
    if r.u32()? != 0
        || !valid_config(max_class, limit)
        || next_id == 0
        || count != class_count(max_class)
    {
        return None;
    }
    if r.remaining() != count * CLASS_ENTRY {
        return None;
    }
    let mut classes = Vec::with_capacity(count);
    let mut total: u64 = 0;
    for k in 0..count {
        let size = r.u64()?;
        let capacity = r.u64()?;
        let high_water = r.u64()?;
        if size != MIN_CLASS << k {
            return None;
        }
        total = capacity
            .checked_mul(size)
            .and_then(|b| b.checked_add(total))?;
        classes.push((capacity, high_water));
    }
    if total > limit {
        return None;
    }
    Some(ParsedState {
        limit,
        max_class,
        next_id,
        classes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_limit_and_double_release() {
        let pool = Pool::new(1024, 4096).unwrap();
        assert_eq!(pool.class_count(), 5);
        let (p, size, id) = pool.allocate(100).unwrap();
        assert_eq!(size, 128);
        assert_eq!(pool.allocate(2000), Err(PoolError::InvalidArgument));
        assert!(pool.release(p, size, id).is_ok());
        assert_eq!(pool.release(p, size, id), Err(PoolError::InvalidArgument));
        let a = pool.allocate(1024).unwrap();
        let b = pool.allocate(1024).unwrap();
        let c = pool.allocate(1024).unwrap();
        assert_eq!(pool.allocate(1024).unwrap_err(), PoolError::OutOfMemory);
        for (p, s, i) in [a, b, c] {
            pool.release(p, s, i).unwrap();
        }
        assert_eq!(pool.trim(), 3 * 1024 + 128);
        let state = pool.export_state();
        let other = Pool::new(1024, 4096).unwrap();
        other.import_state(&state).unwrap();
        assert_eq!(other.export_state(), state);
        assert_eq!(other.import_state(&state[1..]), Err(PoolError::Corrupt));
    }
}
