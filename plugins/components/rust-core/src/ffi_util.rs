//! Helpers shared by the exported functions: error codes, the panic guard, the export protocol
//! and the life of an opaque handle (made, used, freed), so that each ffi_* module holds only what
//! is its own.

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
/// when `len` is smaller (call with null/0 first to learn the size). `len` counts items of `T`.
///
/// # Safety
/// `buf` must point to `len` writable items (or be null with len 0); `needed` may be null.
pub unsafe fn write_out<T: Copy>(data: &[T], buf: *mut T, len: usize, needed: *mut usize) -> i32 {
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

/// Hands a new opaque handle to C through `out` (RC_INVALID_ARGUMENT, and nothing made, for null).
///
/// # Safety
/// `out` must be null or valid for writes.
pub unsafe fn put_handle<H>(out: *mut *mut H, handle: H) -> i32 {
    if out.is_null() {
        return RC_INVALID_ARGUMENT;
    }
    put(out, Box::into_raw(Box::new(handle)))
}

/// Runs `f` on the object behind a handle, panic-guarded; RC_INVALID_ARGUMENT for null.
///
/// # Safety
/// `h` must be null or from put_handle, not yet freed.
pub unsafe fn with_handle<H, F: FnOnce(&H) -> i32>(h: *const H, f: F) -> i32 {
    guard(|| match h.as_ref() {
        Some(h) => f(h),
        None => RC_INVALID_ARGUMENT,
    })
}

/// Frees a handle made by put_handle (null is fine), panic-guarded.
///
/// # Safety
/// `h` must be null or from put_handle, and not be used afterwards.
pub unsafe fn free_handle<H>(h: *mut H) -> i32 {
    guard(|| {
        if !h.is_null() {
            drop(Box::from_raw(h));
        }
        RC_OK
    })
}
