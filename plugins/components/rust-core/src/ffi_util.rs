//! Helpers shared by the exported functions: error codes and the panic guard.

use std::panic::{catch_unwind, AssertUnwindSafe};

pub const RC_OK: i32 = 0;
pub const RC_INVALID_ARGUMENT: i32 = 1;
pub const RC_OUT_OF_MEMORY: i32 = 2;
pub const RC_CORRUPT_STATE: i32 = 3;
pub const RC_BUFFER_TOO_SMALL: i32 = 4;
pub const RC_SELF_TEST_FAILED: i32 = 5;
pub const RC_PANIC: i32 = 100;

/// Runs `f`, turning a panic into RC_PANIC: unwinding into C is undefined behaviour.
pub fn guard<F: FnOnce() -> i32>(f: F) -> i32 {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(RC_PANIC)
}

/// The bytes at `p`, or None for a null pointer with a non-zero length.
///
/// # Safety
/// `p` must point to `len` readable bytes that outlive the returned slice (or `len` must be 0).
pub unsafe fn bytes<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        Some(&[])
    } else if p.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(p, len))
    }
}

/// Copies `data` into `buf` (the export protocol): `*needed` = data length; RC_BUFFER_TOO_SMALL
/// when `len` is smaller (call with null/0 first to learn the size).
///
/// # Safety
/// `buf` must point to `len` writable bytes (or be null with len 0); `needed` may be null.
pub unsafe fn write_out(data: &[u8], buf: *mut u8, len: usize, needed: *mut usize) -> i32 {
    if !needed.is_null() {
        *needed = data.len();
    }
    if len < data.len() {
        return RC_BUFFER_TOO_SMALL;
    }
    if data.is_empty() {
        return RC_OK;
    }
    if buf.is_null() {
        return RC_INVALID_ARGUMENT;
    }
    std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len());
    RC_OK
}

/// Writes `value` through `out`, or RC_INVALID_ARGUMENT for a null pointer.
///
/// # Safety
/// `out` must be null or valid for writes.
pub unsafe fn put<T>(out: *mut T, value: T) -> i32 {
    if out.is_null() {
        return RC_INVALID_ARGUMENT;
    }
    out.write(value);
    RC_OK
}
