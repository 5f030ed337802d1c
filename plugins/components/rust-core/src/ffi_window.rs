//! C ABI of the sliding window (rust_core.h: selfheal_window_*). Every function is panic-guarded;
//! all but free may run concurrently (the window has its own mutex).
//! The entry points have the same shape as their siblings in the other ffi_* modules on purpose:
//! the C ABI is one `extern "C"` function per symbol of rust_core.h; what they share (guard,
//! handles, export protocol) is in ffi_util.

use crate::ffi_util::*;
use crate::window::Window;

/// Opaque handle (selfheal_window_t).
pub struct WindowHandle(Window);

/// selfheal_frame_analysis_t
#[repr(C)]
pub struct FrameAnalysis {
    pub frame_hash: u64,
    pub confidence: f64,
    pub window_size: u32,
    pub is_duplicate: u32,
}

/// selfheal_window_stats_t
#[repr(C)]
pub struct WindowStats {
    pub frames_seen: u64,
    pub duplicates: u64,
    pub window_size: u32,
    pub capacity: u32,
}

unsafe fn with<F: FnOnce(&Window) -> i32>(h: *const WindowHandle, f: F) -> i32 {
    with_handle(h, |h| f(&h.0))
}

/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_new(
    capacity: u32,
    threshold: f64,
    out: *mut *mut WindowHandle,
) -> i32 {
    guard(|| match Window::new(capacity, threshold) {
        Some(w) if !out.is_null() => put_handle(out, WindowHandle(w)),
        _ => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_window_new; `pixels` points to `len` bytes; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_add_frame(
    h: *const WindowHandle,
    pixels: *const u8,
    len: usize,
    width: u32,
    height: u32,
    channels: u32,
    timestamp_us: i64,
    out: *mut FrameAnalysis,
) -> i32 {
    with(h, |w| {
        let Some(px) = bytes(pixels, len) else {
            return RC_INVALID_ARGUMENT;
        };
        if out.is_null() {
            return RC_INVALID_ARGUMENT;
        }
        match w.add_frame(px, width, height, channels, timestamp_us) {
            Some(a) => put(
                out,
                FrameAnalysis {
                    frame_hash: a.frame_hash,
                    confidence: a.confidence,
                    window_size: a.window_size,
                    is_duplicate: u32::from(a.is_duplicate),
                },
            ),
            None => RC_INVALID_ARGUMENT,
        }
    })
}

/// # Safety
/// `h` from selfheal_window_new; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_stats(
    h: *const WindowHandle,
    out: *mut WindowStats,
) -> i32 {
    with(h, |w| {
        let s = w.stats();
        put(
            out,
            WindowStats {
                frames_seen: s.frames_seen,
                duplicates: s.duplicates,
                window_size: s.window_size,
                capacity: s.capacity,
            },
        )
    })
}

/// # Safety
/// `h` from selfheal_window_new.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_clear(h: *const WindowHandle) -> i32 {
    with(h, |w| {
        w.clear();
        RC_OK
    })
}

/// # Safety
/// `h` from selfheal_window_new; `buf` points to `len` writable bytes; `needed` may be null.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_export(
    h: *const WindowHandle,
    buf: *mut u8,
    len: usize,
    needed: *mut usize,
) -> i32 {
    with(h, |w| write_out(&w.export_state(), buf, len, needed))
}

/// # Safety
/// `h` from selfheal_window_new; `buf` points to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_import(
    h: *const WindowHandle,
    buf: *const u8,
    len: usize,
) -> i32 {
    with(h, |w| match bytes(buf, len) {
        Some(blob) if w.import_state(blob) => RC_OK,
        Some(_) => RC_CORRUPT_STATE,
        None => RC_INVALID_ARGUMENT,
    })
}

/// # Safety
/// `h` from selfheal_window_new (or null), not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn selfheal_window_free(h: *mut WindowHandle) -> i32 {
    free_handle(h)
}
