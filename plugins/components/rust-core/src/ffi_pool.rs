//! C ABI of the memory pool (rust_core.h: selfheal_pool_*). Every function is panic-guarded; all
//! but free may run concurrently. Buffer memory belongs to the pool that made it until released
//! to that pool; freeing the pool frees every buffer it made.
//! The entry points have the same shape as their siblings in the other ffi_* modules on purpose:
//! the C ABI is one `extern "C"` function per symbol of rust_core.h; what they share (guard,
//! handles, export protocol) is in ffi_util.

use crate::ffi_util::*;
use crate::pool::{Pool, PoolError};

/// Opaque handle (selfheal_pool_t).
pub struct PoolHandle(Pool);

/// selfheal_pool_class_stats_t
#[repr(C)]
pub struct ClassStats {
    pub buffer_size: u64,
    pub available: u64,
    pub capacity: u64,
    pub high_water: u64,
}

/// selfheal_pool_totals_t
#[repr(C)]
pub struct Totals {
    pub bytes_in_use: u64,
    pub bytes_reserved: u64,
    pub memory_limit: u64,
}

/// selfheal_pool_outstanding_t
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Outstanding {
    pub id: u64,
    pub size: u64,
    pub age_ms: u64,
}

fn rc(e: PoolError) -> i32 {
    match e {
        PoolError::InvalidArgument => RC_INVALID_ARGUMENT,
        PoolError::OutOfMemory => RC_OUT_OF_MEMORY,
        PoolError::Corrupt => RC_CORRUPT_STATE,
    }
}

unsafe fn with<F: FnOnce(&Pool) -> i32>(h: *const PoolHandle, f: F) -> i32 {
    with_handle(h, |h| f(&h.0))
}

/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_new(
    max_class: u64,
    memory_limit: u64,
    out: *mut *mut PoolHandle,
) -> i32 {
    guard(|| match Pool::new(max_class, memory_limit) {
        Some(p) if !out.is_null() => put_handle(out, PoolHandle(p)),
        _ => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_pool_new; the out pointers valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_allocate(
    h: *const PoolHandle,
    bytes: usize,
    data: *mut *mut u8,
    size: *mut usize,
    id: *mut u64,
) -> i32 {
    with(h, |p| {
        if data.is_null() || size.is_null() || id.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        match p.allocate(bytes as u64) {
            Ok((ptr, s, i)) => {
                *data = ptr;
                *size = s as usize;
                *id = i;
                RC_OK
            }
            Err(e) => rc(e),
        }
    })
}

/// # Safety
/// `h` from selfheal_pool_new.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_release(
    h: *const PoolHandle,
    data: *mut u8,
    size: usize,
    id: u64,
) -> i32 {
    with(h, |p| match p.release(data, size as u64, id) {
        Ok(()) => RC_OK,
        Err(e) => rc(e),
    })
}

/// Fills up to `max_classes` entries; `*num_classes` = the pool's class count;
/// RC_BUFFER_TOO_SMALL when `max_classes` is smaller. `totals` may be null.
///
/// # Safety
/// `h` from selfheal_pool_new; `classes` points to `max_classes` entries; `num_classes` valid.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_stats(
    h: *const PoolHandle,
    classes: *mut ClassStats,
    max_classes: usize,
    num_classes: *mut usize,
    totals: *mut Totals,
) -> i32 {
    with(h, |p| {
        if num_classes.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        *num_classes = p.class_count();
        if max_classes < p.class_count() {
            return RC_BUFFER_TOO_SMALL;
        }
        if classes.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        for (i, s) in p.class_stats().into_iter().enumerate() {
            classes.add(i).write(ClassStats {
                buffer_size: s.buffer_size,
                available: s.available,
                capacity: s.capacity,
                high_water: s.high_water,
            });
        }
        if !totals.is_null() {
            let (bytes_in_use, bytes_reserved, memory_limit) = p.totals();
            totals.write(Totals {
                bytes_in_use,
                bytes_reserved,
                memory_limit,
            });
        }
        RC_OK
    })
}

/// Buffers outstanding for at least `min_age_ms`, by id. `*needed` = their count;
/// RC_BUFFER_TOO_SMALL when `cap` is smaller (call again: the count may change meanwhile).
///
/// # Safety
/// `h` from selfheal_pool_new; `out` points to `cap` entries; `needed` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_outstanding(
    h: *const PoolHandle,
    min_age_ms: u64,
    out: *mut Outstanding,
    cap: usize,
    needed: *mut usize,
) -> i32 {
    with(h, |p| {
        if needed.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        let list: Vec<Outstanding> = p
            .outstanding_older_than(min_age_ms)
            .into_iter()
            .map(|(id, size, age_ms)| Outstanding { id, size, age_ms })
            .collect();
        write_out(&list, out, cap, needed)
    })
}

/// # Safety
/// `h` from selfheal_pool_new; `freed` valid for writes (or null).
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_trim(h: *const PoolHandle, freed: *mut u64) -> i32 {
    with(h, |p| {
        let n = p.trim();
        if !freed.is_null() {
            *freed = n;
        }
        RC_OK
    })
}

/// # Safety
/// `h` from selfheal_pool_new; `buf` points to `len` writable bytes; `needed` may be null.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_export(
    h: *const PoolHandle,
    buf: *mut u8,
    len: usize,
    needed: *mut usize,
) -> i32 {
    with(h, |p| write_out(&p.export_state(), buf, len, needed))
}

/// # Safety
/// `h` from selfheal_pool_new; `buf` points to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_import(
    h: *const PoolHandle,
    buf: *const u8,
    len: usize,
) -> i32 {
    with(h, |p| match bytes(buf, len) {
        Some(blob) => match p.import_state(blob) {
            Ok(()) => RC_OK,
            Err(e) => rc(e),
        },
        None => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_pool_new (or null), not used afterwards; frees every buffer it made.
#[no_mangle]
pub unsafe extern "C" fn selfheal_pool_free(h: *mut PoolHandle) -> i32 {
    free_handle(h)
}
