//! selfheal rust-core: the Rust implementations of the selfheal components, exported with a C ABI
//! (rust_core.h). Every exported function catches panics and returns an error code.

pub mod bloom;
pub mod coarse_clock;
pub mod ffi_bloom;
pub mod ffi_pool;
pub mod ffi_util;
pub mod ffi_window;
pub mod le;
pub mod pointer_index;
pub mod pool;
pub mod pool_lock;
pub mod window;
pub mod window_digest;
pub mod xxhash64;

use ffi_util::{guard, RC_BUFFER_TOO_SMALL, RC_INVALID_ARGUMENT, RC_OK, RC_SELF_TEST_FAILED};

/// Must equal SELFHEAL_RUST_CORE_ABI_VERSION in rust_core.h.
pub const ABI_VERSION: u32 = 1;

#[no_mangle]
pub extern "C" fn selfheal_abi_version() -> u32 {
    ABI_VERSION
}

fn build_info() -> String {
    format!(
        "crate_version={}\nrustc_version={}\nabi_version={}\n",
        env!("CARGO_PKG_VERSION"),
        env!("SELFHEAL_RUSTC_VERSION"),
        ABI_VERSION
    )
}

/// # Safety
/// `buf` must point to `len` writable bytes (or be null with len 0); `needed` may be null.
#[no_mangle]
pub unsafe extern "C" fn selfheal_build_info(buf: *mut u8, len: usize, needed: *mut usize) -> i32 {
    guard(|| {
        let info = build_info();
        let size = info.len() + 1;
        if !needed.is_null() {
            *needed = size;
        }
        if buf.is_null() && len > 0 {
            return RC_INVALID_ARGUMENT;
        }
        if len < size {
            return RC_BUFFER_TOO_SMALL;
        }
        std::ptr::copy_nonoverlapping(info.as_ptr(), buf, info.len());
        *buf.add(info.len()) = 0;
        RC_OK
    })
}

/// Exercises the hash and all three components on small inputs; false on any mismatch.
fn self_test() -> bool {
    use xxhash64::xxhash64;
    if xxhash64(b"", 0) != 0xEF46_DB37_51D8_E999 || xxhash64(b"a", 0) != 0xD24E_C4F1_A98C_6E5B {
        return false;
    }
    // Bloom filter: no false negatives, state round trip.
    let Some(filter) = bloom::Bloom::new(bloom::blocks_for(64, 0.01)) else {
        return false;
    };
    let keys: Vec<String> = (0..64).map(|i| format!("self-test-{i}")).collect();
    keys.iter().for_each(|k| {
        filter.insert(k.as_bytes());
    });
    if !keys.iter().all(|k| filter.contains(k.as_bytes())) {
        return false;
    }
    match bloom::Bloom::from_state(&filter.export_state()) {
        Some(copy) if copy.export_state() == filter.export_state() => {}
        _ => return false,
    }
    // Sliding window: a repeated frame is an exact duplicate, a different one is not.
    let Some(win) = window::Window::new(4, 0.95) else {
        return false;
    };
    let a: Vec<u8> = (0..32 * 32).map(|i| ((i % 32) * 8) as u8).collect();
    let b: Vec<u8> = (0..32 * 32).map(|i| ((i / 32) * 8) as u8).collect();
    let first = win.add_frame(&a, 32, 32, 1, 0);
    let other = win.add_frame(&b, 32, 32, 1, 1);
    let again = win.add_frame(&a, 32, 32, 1, 2);
    match (first, other, again) {
        (Some(f), Some(o), Some(g)) if !f.is_duplicate && !o.is_duplicate && g.is_duplicate => {}
        _ => return false,
    }
    // Memory pool: class choice, write/read, double release refused.
    let Some(p) = pool::Pool::new(4096, 1 << 20) else {
        return false;
    };
    let Ok((data, size, id)) = p.allocate(100) else {
        return false;
    };
    // SAFETY: the pool handed out `size` writable bytes at `data`.
    unsafe { std::ptr::write_bytes(data, 0xA5, size as usize) };
    size == 128 && p.release(data, size, id).is_ok() && p.release(data, size, id).is_err()
}

#[no_mangle]
pub extern "C" fn selfheal_self_test() -> i32 {
    guard(|| {
        if self_test() {
            RC_OK
        } else {
            RC_SELF_TEST_FAILED
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_info_fits_and_reports_versions() {
        let mut needed = 0usize;
        let rc = unsafe { selfheal_build_info(std::ptr::null_mut(), 0, &mut needed) };
        assert_eq!(rc, RC_BUFFER_TOO_SMALL);
        let mut buf = vec![0u8; needed];
        let rc = unsafe { selfheal_build_info(buf.as_mut_ptr(), buf.len(), &mut needed) };
        assert_eq!(rc, RC_OK);
        let text = std::str::from_utf8(&buf[..needed - 1]).unwrap();
        assert!(text.contains("abi_version=1"));
        assert!(text.contains("rustc_version=rustc "));
    }

    #[test]
    fn self_test_passes() {
        assert_eq!(selfheal_self_test(), RC_OK);
    }
}
