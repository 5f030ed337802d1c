//! The memory pool's clock for buffer ages, as in memory_pool_core.cpp: CLOCK_MONOTONIC_COARSE,
//! read from the vDSO without touching the TSC (a tick of 1-4 ms), in nanoseconds.

// struct timespec on 64-bit Linux (time_t and long are 64 bits).
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

const CLOCK_MONOTONIC_COARSE: i32 = 6;

#[inline]
pub fn now_ns() -> i64 {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is valid for writes; this clock id exists on every Linux since 2.6.32.
    unsafe { clock_gettime(CLOCK_MONOTONIC_COARSE, &mut ts) };
    ts.tv_sec
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec)
}
