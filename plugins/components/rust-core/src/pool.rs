//! The memory pool, with the same rules and state format as
//! plugins/components/memory-pool-cpp/memory_pool_core.hpp (defined there, with the bookkeeping
//! both sides share: per class one slot per buffer made, a stack of free slot numbers and an
//! address -> slot index; arenas, one per thread, each with its own lock, free lists and block
//! of ids; ages from the coarse monotonic clock).
//! Buffer memory is allocated here, by Rust (64-byte aligned), and stays owned by this pool until
//! released to it or the pool is dropped.

use crate::coarse_clock::now_ns;
use crate::le::{put_u32, put_u64, Reader};
use crate::pointer_index::PointerIndex;
use crate::pool_lock::{Guard, PoolLock};
use std::alloc::{alloc, dealloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering};

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

// Own cache lines too: one arena's classes never share a line with another's.
#[repr(align(64))]
struct Class {
    size: u64,
    slots: Vec<Slot>,    // one per buffer made: capacity = slots.len()
    free: Vec<usize>,    // free slot numbers; capacity >= slots.len()
    index: PointerIndex, // data -> slot number
    in_use: u64,
    high_water: u64,
}

/// One arena: its classes and its block of ids (see memory_pool_core.hpp, "Threading").
struct Inner {
    classes: Vec<Class>,
    in_use: u64,  // bytes
    next_id: u64, // this arena's block of ids: next_id..id_end
    id_end: u64,
    last_id: u64, // the highest id it handed out since the last import (0: none)
}

// SAFETY: the raw buffer pointers are addresses this pool owns; every access to them and to
// the bookkeeping goes through the arena's lock.
unsafe impl Send for Inner {}

// Its own cache lines: the arenas of two threads share nothing they write.
#[repr(align(64))]
struct Arena(PoolLock<Inner>);

/// What the whole pool keeps beside its arenas; its lock is taken only after every arena's.
struct PoolWide {
    id_floor: u64,                 // the exported next_id is at least this
    imported_high_water: Vec<u64>, // per class
}

const ID_BLOCK: u64 = 64; // ids an arena takes from the pool's counter at a time
const MAX_ARENAS: usize = 16;

/// Twice the CPUs, rounded up to a power of two (a thread's arena is then a mask), at most 16.
fn arena_count() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (2 * cpus).next_power_of_two().min(MAX_ARENAS)
}

/// Threads are numbered in the order they first call a pool: a thread keeps its arena for good.
fn this_thread_number() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local!(static NUMBER: Cell<usize> = const { Cell::new(usize::MAX) });
    NUMBER.with(|n| {
        if n.get() == usize::MAX {
            n.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        n.get()
    })
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ClassStats {
    pub buffer_size: u64,
    pub available: u64,
    pub capacity: u64,
    pub high_water: u64,
}

pub struct Pool {
    arenas: Box<[Arena]>,
    wide: PoolLock<PoolWide>,
    limit: AtomicU64,     // written with every arena's lock held
    reserved: AtomicU64,  // changed only when buffers are made or freed
    id_source: AtomicU64, // the next id no arena has taken
    max_class: u64,
}

/// Every arena's guard, taken in arena order (the only order two locks are ever held in).
struct AllArenas<'a>(Vec<Guard<'a, Inner>>);

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

fn new_class(k: usize) -> Class {
    Class {
        size: MIN_CLASS << k,
        slots: Vec::new(),
        free: Vec::new(),
        index: PointerIndex::default(),
        in_use: 0,
        high_water: 0,
    }
}

impl Inner {
    /// Hands out free slot `i` of class `k` as a new allocation: (data, size, id).
    fn hand_out(&mut self, k: usize, i: usize, since: i64, ids: &AtomicU64) -> (*mut u8, u64, u64) {
        if self.next_id == self.id_end {
            // one atomic per ID_BLOCK allocations
            self.next_id = ids.fetch_add(ID_BLOCK, Ordering::Relaxed);
            self.id_end = self.next_id + ID_BLOCK;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.last_id = id;
        let c = &mut self.classes[k];
        let s = &mut c.slots[i];
        s.id = id;
        s.since = since;
        c.in_use += 1;
        c.high_water = c.high_water.max(c.in_use);
        self.in_use += c.size;
        (s.data, c.size, id)
    }
}

enum Release {
    Done,
    NotHere,
    Refused,
}

impl Pool {
    pub fn new(max_class: u64, memory_limit: u64) -> Option<Pool> {
        if !valid_config(max_class, memory_limit) {
            return None;
        }
        let count = class_count(max_class);
        let arenas = (0..arena_count())
            .map(|_| {
                Arena(PoolLock::new(Inner {
                    classes: (0..count).map(new_class).collect(),
                    in_use: 0,
                    next_id: 0,
                    id_end: 0,
                    last_id: 0,
                }))
            })
            .collect();
        Some(Pool {
            arenas,
            wide: PoolLock::new(PoolWide {
                id_floor: 1,
                imported_high_water: vec![0; count],
            }),
            limit: AtomicU64::new(memory_limit),
            reserved: AtomicU64::new(0),
            id_source: AtomicU64::new(1),
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

    #[inline]
    fn own_arena(&self) -> usize {
        this_thread_number() & (self.arenas.len() - 1)
    }

    fn all_arenas(&self) -> AllArenas<'_> {
        AllArenas(self.arenas.iter().map(|a| a.0.lock()).collect())
    }

    /// Takes `bytes` of the limit: false (and nothing taken) when they do not fit.
    fn reserve(&self, bytes: u64) -> bool {
        let limit = self.limit.load(Ordering::Relaxed);
        self.reserved
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                (r <= limit && limit - r >= bytes).then_some(r + bytes)
            })
            .is_ok()
    }

    /// A new buffer for class `k` of an arena, in a new slot (its number); None (nothing
    /// changed) when the limit or memory is short.
    fn make_buffer(&self, inner: &mut Inner, k: usize) -> Option<usize> {
        let c = &mut inner.classes[k];
        if !make_room(c) || !self.reserve(c.size) {
            return None;
        }
        let Some(data) = new_buffer(c.size) else {
            self.reserved.fetch_sub(c.size, Ordering::Relaxed);
            return None;
        };
        c.index.insert(data, c.slots.len());
        c.slots.push(Slot {
            data,
            id: 0,
            since: 0,
        });
        Some(c.slots.len() - 1)
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
        let own = self.own_arena();
        {
            let mut inner = self.arenas[own].0.lock();
            if let Some(i) = self.take_or_make(&mut inner, k) {
                return Ok(inner.hand_out(k, i, since, &self.id_source));
            }
        }
        // The limit (or the system) is short. Again with every arena's lock, the whole pool at
        // one instant as with a single lock: a buffer freed or room given back meanwhile
        // anywhere, else a free buffer of another arena, before failing.
        let mut all = self.all_arenas();
        if let Some(i) = self.take_or_make(&mut all.0[own], k) {
            return Ok(all.0[own].hand_out(k, i, since, &self.id_source));
        }
        for inner in all.0.iter_mut() {
            if let Some(i) = inner.classes[k].free.pop() {
                return Ok(inner.hand_out(k, i, since, &self.id_source));
            }
        }
        Err(PoolError::OutOfMemory)
    }

    /// A free slot of class `k` of an arena, else a new buffer's (make_buffer).
    fn take_or_make(&self, inner: &mut Inner, k: usize) -> Option<usize> {
        match inner.classes[k].free.pop() {
            Some(i) => Some(i),
            None => self.make_buffer(inner, k),
        }
    }

    fn release_in(&self, a: usize, k: usize, data: *mut u8, id: u64) -> Release {
        let mut guard = self.arenas[a].0.lock();
        let inner = &mut *guard;
        let c = &mut inner.classes[k];
        match c.index.find(data) {
            None => Release::NotHere,
            // a buffer lives in one arena only
            Some(i) if c.slots[i].id != id => Release::Refused,
            Some(i) => {
                c.slots[i].id = 0;
                c.free.push(i); // never reallocates: see make_room
                c.in_use -= 1;
                inner.in_use -= c.size;
                Release::Done
            }
        }
    }

    /// Returns a buffer to its class; refuses one this pool did not hand out or already took back.
    pub fn release(&self, data: *mut u8, size: u64, id: u64) -> Result<(), PoolError> {
        let k = self.class_of_size(size).ok_or(PoolError::InvalidArgument)?;
        if id == 0 {
            return Err(PoolError::InvalidArgument);
        }
        let own = self.own_arena();
        let mut r = self.release_in(own, k, data, id);
        for a in 0..self.arenas.len() {
            if !matches!(r, Release::NotHere) {
                break;
            }
            if a != own {
                r = self.release_in(a, k, data, id);
            }
        }
        match r {
            Release::Done => Ok(()),
            _ => Err(PoolError::InvalidArgument),
        }
    }

    fn class_stats_locked(&self, all: &AllArenas, wide: &PoolWide) -> Vec<ClassStats> {
        (0..self.class_count())
            .map(|k| {
                let mut s = ClassStats {
                    buffer_size: MIN_CLASS << k,
                    ..Default::default()
                };
                let mut high_water = 0;
                for inner in &all.0 {
                    let c = &inner.classes[k];
                    s.available += c.free.len() as u64;
                    s.capacity += c.slots.len() as u64;
                    high_water += c.high_water;
                }
                s.high_water = high_water.max(wide.imported_high_water[k]);
                s
            })
            .collect()
    }

    pub fn class_stats(&self) -> Vec<ClassStats> {
        let all = self.all_arenas();
        let wide = self.wide.lock();
        self.class_stats_locked(&all, &wide)
    }

    pub fn class_count(&self) -> usize {
        class_count(self.max_class)
    }

    /// (bytes in use, bytes reserved, memory limit)
    pub fn totals(&self) -> (u64, u64, u64) {
        let all = self.all_arenas();
        (
            all.0.iter().map(|inner| inner.in_use).sum(),
            self.reserved.load(Ordering::Relaxed),
            self.limit.load(Ordering::Relaxed),
        )
    }

    /// (id, size, age in ms) of buffers outstanding for at least `min_age_ms`, by id.
    pub fn outstanding_older_than(&self, min_age_ms: u64) -> Vec<(u64, u64, u64)> {
        let now = now_ns();
        let mut out = Vec::new();
        {
            let all = self.all_arenas();
            out.reserve(
                all.0
                    .iter()
                    .flat_map(|inner| inner.classes.iter())
                    .map(|c| c.in_use as usize)
                    .sum(),
            );
            for c in all.0.iter().flat_map(|inner| inner.classes.iter()) {
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
        let mut freed = 0;
        for arena in self.arenas.iter() {
            let mut inner = arena.0.lock();
            let here: u64 = inner.classes.iter_mut().map(|c| c.drop_free(0)).sum();
            self.reserved.fetch_sub(here, Ordering::Relaxed);
            freed += here;
        }
        freed
    }

    /// One past the highest id handed out, or the floor.
    fn next_id_locked(all: &AllArenas, wide: &PoolWide) -> u64 {
        all.0
            .iter()
            .filter(|inner| inner.last_id != 0)
            .map(|inner| inner.last_id + 1)
            .fold(wide.id_floor, u64::max)
    }

    pub fn export_state(&self) -> Vec<u8> {
        // one instant: the limit too (an import changes it with every arena's lock held)
        let (stats, next_id, limit) = {
            let all = self.all_arenas();
            let wide = self.wide.lock();
            (
                self.class_stats_locked(&all, &wide),
                Self::next_id_locked(&all, &wide),
                self.limit.load(Ordering::Relaxed),
            )
        };
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
    /// buffers of this pool stay valid; new free buffers go to the importing thread's arena.
    /// Corrupt for a malformed blob, InvalidArgument for another class layout, OutOfMemory when
    /// the capacity cannot be reserved; nothing changes on error.
    pub fn import_state(&self, blob: &[u8]) -> Result<(), PoolError> {
        let st = parse_state(blob).ok_or(PoolError::Corrupt)?;
        if st.max_class != self.max_class {
            return Err(PoolError::InvalidArgument);
        }
        let own = self.own_arena();
        let mut all = self.all_arenas();
        let mut wide = self.wide.lock();
        let count = self.class_count();
        // Per class, over every arena: in use, free, and the target capacity (the imported
        // one, but never below what is in use here).
        let mut in_use = vec![0u64; count];
        let mut free = vec![0u64; count];
        for inner in &all.0 {
            for (k, c) in inner.classes.iter().enumerate() {
                in_use[k] += c.in_use;
                free[k] += c.free.len() as u64;
            }
        }
        let targets: Vec<u64> = (0..count).map(|k| st.classes[k].0.max(in_use[k])).collect();
        let mut needed: u64 = 0;
        for (k, &t) in targets.iter().enumerate() {
            needed = t
                .checked_mul(MIN_CLASS << k)
                .and_then(|b| b.checked_add(needed))
                .ok_or(PoolError::OutOfMemory)?;
        }
        // Also bounded by this pool's own limit, so a blob can never make it reserve more than
        // it was configured to hold.
        if needed > st.limit || needed > self.limit.load(Ordering::Relaxed) {
            return Err(PoolError::OutOfMemory);
        }
        // Every allocation before the first change.
        let mut fresh: Vec<Vec<*mut u8>> = Vec::with_capacity(count);
        let mut ok = true;
        {
            let mine = &mut *all.0[own];
            for (k, c) in mine.classes.iter_mut().enumerate() {
                let want_free = targets[k] - in_use[k];
                let add = want_free.saturating_sub(free[k]) as usize;
                let mut v = Vec::new();
                ok = v.try_reserve(add).is_ok();
                while ok && v.len() < add {
                    match new_buffer(c.size) {
                        Some(p) => v.push(p),
                        None => ok = false,
                    }
                }
                let room = c.slots.len() + add;
                ok = ok
                    && c.slots.try_reserve(room - c.slots.len()).is_ok()
                    && c.free
                        .try_reserve(room.saturating_sub(c.free.len()))
                        .is_ok()
                    && c.index.reserve(room);
                fresh.push(v);
                if !ok {
                    break;
                }
            }
        }
        if !ok {
            for (k, list) in fresh.into_iter().enumerate() {
                list.into_iter()
                    .for_each(|p| free_buffer(p, MIN_CLASS << k));
            }
            return Err(PoolError::OutOfMemory);
        }
        for (k, list) in fresh.into_iter().enumerate() {
            // Free buffers beyond the target go, from the first arenas on.
            let mut excess = free[k].saturating_sub(targets[k] - in_use[k]);
            for inner in all.0.iter_mut() {
                let c = &mut inner.classes[k];
                let drop = excess.min(c.free.len() as u64);
                excess -= drop;
                c.drop_free(c.free.len() - drop as usize);
                c.high_water = c.in_use;
            }
            let c = &mut all.0[own].classes[k];
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
            wide.imported_high_water[k] = st.classes[k].1.max(in_use[k]);
        }
        // every arena's lock is held: nothing else changes these now
        self.reserved.store(needed, Ordering::Relaxed);
        self.limit.store(st.limit, Ordering::Relaxed);
        let next = Self::next_id_locked(&all, &wide).max(st.next_id);
        wide.id_floor = next;
        self.id_source.store(next, Ordering::Relaxed);
        for inner in all.0.iter_mut() {
            inner.next_id = 0;
            inner.id_end = 0;
            inner.last_id = 0;
        }
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for arena in self.arenas.iter_mut() {
            for c in arena.0.get_mut().classes.iter() {
                c.slots.iter().for_each(|s| free_buffer(s.data, c.size));
            }
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
