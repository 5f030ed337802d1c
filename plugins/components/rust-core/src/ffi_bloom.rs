//! C ABI of the Bloom filter (rust_core.h: selfheal_bloom_*). Every function is panic-guarded.
//! Threading: insert/contains/clear/queries may run concurrently; import and free need callers
//! paused (they replace or destroy the filter).
//! The entry points have the same shape as their siblings in the other ffi_* modules on purpose:
//! the C ABI is one `extern "C"` function per symbol of rust_core.h; what they share (guard,
//! handles, export protocol) is in ffi_util.

use crate::bloom::{blocks_for, Bloom};
use crate::ffi_util::*;

/// Opaque handle (selfheal_bloom_t).
pub struct BloomHandle(Bloom);

/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_new(
    expected_items: u64,
    fpr: f64,
    out: *mut *mut BloomHandle,
) -> i32 {
    guard(|| {
        if out.is_null() || expected_items == 0 || !(fpr > 0.0 && fpr < 1.0) {
            return RC_INVALID_ARGUMENT;
        }
        match Bloom::new(blocks_for(expected_items, fpr)) {
            Some(b) => put_handle(out, BloomHandle(b)),
            None => RC_OUT_OF_MEMORY,
        }
    })
}

unsafe fn with<F: FnOnce(&Bloom) -> i32>(h: *const BloomHandle, f: F) -> i32 {
    with_handle(h, |h| f(&h.0))
}

/// # Safety
/// `h` from selfheal_bloom_new; `key` points to `len` bytes; `fresh` may be null.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_insert(
    h: *const BloomHandle,
    key: *const u8,
    len: usize,
    fresh: *mut u8,
) -> i32 {
    with(h, |b| match bytes(key, len) {
        Some(k) => {
            let was_new = b.insert(k);
            if !fresh.is_null() {
                *fresh = u8::from(was_new);
            }
            RC_OK
        }
        None => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_bloom_new; `key` points to `len` bytes; `found` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_contains(
    h: *const BloomHandle,
    key: *const u8,
    len: usize,
    found: *mut u8,
) -> i32 {
    with(h, |b| match bytes(key, len) {
        Some(k) => put(found, u8::from(b.contains(k))),
        None => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_bloom_new.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_clear(h: *const BloomHandle) -> i32 {
    with(h, |b| {
        b.clear();
        RC_OK
    })
}

/// # Safety
/// `h` from selfheal_bloom_new; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_item_count(h: *const BloomHandle, out: *mut u64) -> i32 {
    with(h, |b| put(out, b.item_count()))
}

/// # Safety
/// `h` from selfheal_bloom_new; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_saturation(h: *const BloomHandle, out: *mut f64) -> i32 {
    with(h, |b| put(out, b.saturation()))
}

/// # Safety
/// `h` from selfheal_bloom_new; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_estimated_fpr(h: *const BloomHandle, out: *mut f64) -> i32 {
    with(h, |b| put(out, b.estimated_false_positive_rate()))
}

/// # Safety
/// `h` from selfheal_bloom_new; `buf` points to `len` writable bytes; `needed` may be null.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_export(
    h: *const BloomHandle,
    buf: *mut u8,
    len: usize,
    needed: *mut usize,
) -> i32 {
    with(h, |b| {
        if !needed.is_null() {
            *needed = b.state_size();
        }
        if len < b.state_size() {
            return RC_BUFFER_TOO_SMALL;
        }
        write_out(&b.export_state(), buf, len, needed)
    })
}

/// The export's bytes lent from the filter's own memory (*data, *len), valid until the next call
/// on `h`; *len = 0 where it cannot lend them (a big-endian machine).
///
/// # Safety
/// `h` from selfheal_bloom_new, with no other call on it in flight (it writes the header);
/// `data` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_state_view(
    h: *const BloomHandle,
    data: *mut *const u8,
    len: *mut usize,
) -> i32 {
    with(h, |b| {
        if data.is_null() || len.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        // SAFETY: the caller guarantees no other call on `h` until it is done with the bytes.
        let view = unsafe { b.state_view() }.unwrap_or(&[]);
        *data = view.as_ptr();
        *len = view.len();
        RC_OK
    })
}

/// # Safety
/// `h` from selfheal_bloom_new, with no call on it in flight; `buf` points to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_import(
    h: *mut BloomHandle,
    buf: *const u8,
    len: usize,
) -> i32 {
    guard(|| {
        // Its own view (selfheal_bloom_state_view) holds its state already; and a &mut of the
        // filter beside a slice of its memory must not exist.
        if h.as_ref().is_some_and(|h| h.0.is_own_view(buf)) {
            return RC_OK;
        }
        let (Some(h), Some(blob)) = (h.as_mut(), bytes(buf, len)) else {
            return RC_INVALID_ARGUMENT;
        };
        if h.0.assign_state(blob) {
            return RC_OK; // same size: the memory is reused
        }
        match Bloom::from_state(blob) {
            Some(b) => {
                h.0 = b;
                RC_OK
            }
            None => RC_CORRUPT_STATE,
        }
    })
}

/// # Safety
/// `h` from selfheal_bloom_new (or null), not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn selfheal_bloom_free(h: *mut BloomHandle) -> i32 {
    free_handle(h)
}
