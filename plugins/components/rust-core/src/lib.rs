//! selfheal rust-core: the Rust implementations of the selfheal components, exported with a C ABI
//! (rust_core.h). Every exported function catches panics and returns an error code.

pub mod ffi_util;

use ffi_util::{guard, RC_BUFFER_TOO_SMALL, RC_INVALID_ARGUMENT, RC_OK};

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

#[no_mangle]
pub extern "C" fn selfheal_self_test() -> i32 {
    guard(|| RC_OK)
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
}
