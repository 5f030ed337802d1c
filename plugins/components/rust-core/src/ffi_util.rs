//! Helpers shared by the exported functions: error codes and the panic guard.

use std::panic::{catch_unwind, AssertUnwindSafe};

pub const RC_OK: i32 = 0;
pub const RC_INVALID_ARGUMENT: i32 = 1;
pub const RC_OUT_OF_MEMORY: i32 = 2;
pub const RC_CORRUPT_STATE: i32 = 3;
pub const RC_BUFFER_TOO_SMALL: i32 = 4;
pub const RC_PANIC: i32 = 100;

/// Runs `f`, turning a panic into RC_PANIC: unwinding into C is undefined behaviour.
pub fn guard<F: FnOnce() -> i32>(f: F) -> i32 {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(RC_PANIC)
}
