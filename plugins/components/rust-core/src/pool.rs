//! The memory pool, with the same rules and state format as
//! plugins/components/memory-pool-cpp/memory_pool_core.hpp (defined there).
//! Buffer memory is allocated here, by Rust (64-byte aligned), and stays owned by this pool until
//! released to it or the pool is dropped. Threading: one mutex per size class; the memory limit
//! is enforced with an atomic reservation counter.

use crate::le::{put_u32, put_u64, Reader};
use std::alloc::{alloc, dealloc, Layout};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

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

/// A raw buffer pointer owned by the pool; moved between threads under the class mutex.
struct Ptr(*mut u8);
// SAFETY: the pointer is only an address the pool owns; access is serialised by the class mutex.
unsafe impl Send for Ptr {}

struct Outstanding {
    ptr: Ptr,
    since: Instant,
}

struct Class {
    size: u64,
    free: Vec<Ptr>,
    outstanding: HashMap<u64, Outstanding>,
    high_water: u64,
}

impl Class {
    fn capacity(&self) -> u64 {
        (self.free.len() + self.outstanding.len()) as u64
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ClassStats {
    pub buffer_size: u64,
    pub available: u64,
    pub capacity: u64,
    pub high_water: u64,
}

pub struct Pool {
    classes: Box<[Mutex<Class>]>,
    max_class: u64,
    limit: AtomicU64,
    reserved: AtomicU64,
    in_use: AtomicU64,
    next_id: AtomicU64,
}

fn layout(size: u64) -> Layout {
    Layout::from_size_align(size as usize, ALIGN).expect("class sizes are valid layouts")
}

fn new_buffer(size: u64) -> Option<Ptr> {
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc(layout(size)) };
    if p.is_null() {
        None
    } else {
        Some(Ptr(p))
    }
}

fn free_buffer(p: Ptr, size: u64) {
    // SAFETY: `p` came from new_buffer(size) and is freed once.
    unsafe { dealloc(p.0, layout(size)) }
}

pub fn valid_config(max_class: u64, memory_limit: u64) -> bool {
    max_class.is_power_of_two()
        && (MIN_CLASS..=MAX_CLASS_LIMIT).contains(&max_class)
        && memory_limit > 0
}

fn class_count(max_class: u64) -> usize {
    (max_class.trailing_zeros() - MIN_CLASS.trailing_zeros() + 1) as usize
}

impl Pool {
    pub fn new(max_class: u64, memory_limit: u64) -> Option<Pool> {
        if !valid_config(max_class, memory_limit) {
            return None;
        }
        let classes = (0..class_count(max_class))
            .map(|k| {
                Mutex::new(Class {
                    size: MIN_CLASS << k,
                    free: Vec::new(),
                    outstanding: HashMap::new(),
                    high_water: 0,
                })
            })
            .collect();
        Some(Pool {
            classes,
            max_class,
            limit: AtomicU64::new(memory_limit),
            reserved: AtomicU64::new(0),
            in_use: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
        })
    }

    fn lock(&self, k: usize) -> MutexGuard<'_, Class> {
        self.classes[k].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The class index of a buffer size this pool hands out, if it is one.
    fn class_of_size(&self, size: u64) -> Option<usize> {
        if size.is_power_of_two() && (MIN_CLASS..=self.max_class).contains(&size) {
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
        let size = bytes.max(MIN_CLASS).next_power_of_two();
        let k = self.class_of_size(size).ok_or(PoolError::InvalidArgument)?;
        let mut c = self.lock(k);
        let ptr = match c.free.pop() {
            Some(p) => p,
            None => {
                let limit = self.limit.load(Relaxed);
                self.reserved
                    .fetch_update(Relaxed, Relaxed, |r| {
                        r.checked_add(size).filter(|&n| n <= limit)
                    })
                    .map_err(|_| PoolError::OutOfMemory)?;
                match new_buffer(size) {
                    Some(p) => p,
                    None => {
                        self.reserved.fetch_sub(size, Relaxed);
                        return Err(PoolError::OutOfMemory);
                    }
                }
            }
        };
        let raw = ptr.0;
        let id = self.next_id.fetch_add(1, Relaxed);
        c.outstanding.insert(
            id,
            Outstanding {
                ptr,
                since: Instant::now(),
            },
        );
        c.high_water = c.high_water.max(c.outstanding.len() as u64);
        self.in_use.fetch_add(size, Relaxed);
        Ok((raw, size, id))
    }

    /// Returns a buffer to its class; refuses one this pool did not hand out or already took back.
    pub fn release(&self, data: *mut u8, size: u64, id: u64) -> Result<(), PoolError> {
        let k = self.class_of_size(size).ok_or(PoolError::InvalidArgument)?;
        let mut c = self.lock(k);
        match c.outstanding.get(&id) {
            Some(o) if o.ptr.0 == data => {}
            _ => return Err(PoolError::InvalidArgument),
        }
        let o = c.outstanding.remove(&id).expect("checked above");
        c.free.push(o.ptr);
        self.in_use.fetch_sub(size, Relaxed);
        Ok(())
    }

    pub fn class_stats(&self) -> Vec<ClassStats> {
        (0..self.classes.len())
            .map(|k| {
                let c = self.lock(k);
                ClassStats {
                    buffer_size: c.size,
                    available: c.free.len() as u64,
                    capacity: c.capacity(),
                    high_water: c.high_water,
                }
            })
            .collect()
    }

    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// (bytes in use, bytes reserved, memory limit)
    pub fn totals(&self) -> (u64, u64, u64) {
        (
            self.in_use.load(Relaxed),
            self.reserved.load(Relaxed),
            self.limit.load(Relaxed),
        )
    }

    /// (id, size, age in ms) of buffers outstanding for at least `min_age_ms`, by id.
    pub fn outstanding_older_than(&self, min_age_ms: u64) -> Vec<(u64, u64, u64)> {
        let now = Instant::now();
        let mut out = Vec::new();
        for k in 0..self.classes.len() {
            let c = self.lock(k);
            for (&id, o) in &c.outstanding {
                let age = u64::try_from(now.saturating_duration_since(o.since).as_millis())
                    .unwrap_or(u64::MAX);
                if age >= min_age_ms {
                    out.push((id, c.size, age));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Frees every free buffer; returns the bytes given back.
    pub fn trim(&self) -> u64 {
        let mut freed = 0;
        for k in 0..self.classes.len() {
            let mut c = self.lock(k);
            let size = c.size;
            for p in c.free.drain(..) {
                free_buffer(p, size);
                freed += size;
            }
        }
        self.reserved.fetch_sub(freed, Relaxed);
        freed
    }

    pub fn export_state(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + CLASS_ENTRY * self.classes.len());
        put_u32(&mut out, MAGIC);
        put_u32(&mut out, VERSION);
        put_u64(&mut out, self.limit.load(Relaxed));
        put_u64(&mut out, self.max_class);
        put_u64(&mut out, self.next_id.load(Relaxed));
        put_u32(&mut out, self.classes.len() as u32);
        put_u32(&mut out, 0);
        for s in self.class_stats() {
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
        let mut guards: Vec<MutexGuard<'_, Class>> =
            (0..self.classes.len()).map(|k| self.lock(k)).collect();
        // Target capacity per class: the imported one, but never below what is in use here.
        let targets: Vec<u64> = guards
            .iter()
            .zip(&st.classes)
            .map(|(c, &(cap, _))| cap.max(c.outstanding.len() as u64))
            .collect();
        let mut needed: u64 = 0;
        for (c, &t) in guards.iter().zip(&targets) {
            needed = t
                .checked_mul(c.size)
                .and_then(|b| b.checked_add(needed))
                .ok_or(PoolError::OutOfMemory)?;
        }
        // Also bounded by this pool's own limit, so a blob can never make it reserve more than
        // it was configured to hold.
        if needed > st.limit || needed > self.limit.load(Relaxed) {
            return Err(PoolError::OutOfMemory);
        }
        let mut fresh: Vec<Vec<Ptr>> = Vec::with_capacity(guards.len());
        for (c, &t) in guards.iter().zip(&targets) {
            let want = (t - c.outstanding.len() as u64).saturating_sub(c.free.len() as u64);
            let mut v = Vec::new();
            for _ in 0..want {
                match new_buffer(c.size) {
                    Some(p) => v.push(p),
                    None => {
                        for (g, list) in guards
                            .iter()
                            .zip(fresh.into_iter().chain(std::iter::once(v)))
                        {
                            list.into_iter().for_each(|p| free_buffer(p, g.size));
                        }
                        return Err(PoolError::OutOfMemory);
                    }
                }
            }
            fresh.push(v);
        }
        for ((c, &t), (list, &(_, hw))) in guards
            .iter_mut()
            .zip(&targets)
            .zip(fresh.into_iter().zip(&st.classes))
        {
            let keep = (t - c.outstanding.len() as u64) as usize;
            while c.free.len() > keep {
                let p = c.free.pop().expect("non-empty");
                free_buffer(p, c.size);
            }
            c.free.extend(list);
            c.high_water = hw.max(c.outstanding.len() as u64);
        }
        self.reserved.store(needed, Relaxed);
        self.limit.store(st.limit, Relaxed);
        self.next_id.fetch_max(st.next_id, Relaxed);
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for m in self.classes.iter_mut() {
            let c = m.get_mut().unwrap_or_else(|e| e.into_inner());
            let size = c.size;
            c.free.drain(..).for_each(|p| free_buffer(p, size));
            c.outstanding
                .drain()
                .for_each(|(_, o)| free_buffer(o.ptr, size));
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
