//! The memory pool's lock, as plugins/components/memory-pool-cpp/pool_lock.hpp: a test-and-set
//! spin lock (one atomic swap to take it, a release store to give it back) that a process which
//! has never started a second thread skips (glibc's `__libc_single_threaded`, which glibc's own
//! malloc uses the same way). Critical sections are short; a waiter spins briefly, then yields.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

extern "C" {
    // glibc >= 2.32: non-zero while the process has a single thread.
    static __libc_single_threaded: std::ffi::c_char;
}

fn single_threaded() -> bool {
    // SAFETY: a byte glibc only writes from the one thread there is, before it starts a second.
    unsafe { std::ptr::read_volatile(std::ptr::addr_of!(__libc_single_threaded)) != 0 }
}

pub struct PoolLock<T> {
    taken: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: `value` is only reached through a guard, and guards exclude each other (or no other
// thread exists).
unsafe impl<T: Send> Sync for PoolLock<T> {}
unsafe impl<T: Send> Send for PoolLock<T> {}

pub struct Guard<'a, T> {
    lock: &'a PoolLock<T>,
    held: bool,
}

impl<T> PoolLock<T> {
    pub fn new(value: T) -> Self {
        PoolLock {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    #[inline]
    pub fn lock(&self) -> Guard<'_, T> {
        // With one thread nothing else can enter until this guard is dropped: only this thread
        // could start another.
        let held = !single_threaded();
        if held {
            self.acquire();
        }
        Guard { lock: self, held }
    }

    fn acquire(&self) {
        let mut spins = 0u32;
        while self.taken.swap(true, Ordering::Acquire) {
            while self.taken.load(Ordering::Relaxed) {
                spins += 1;
                if spins < 64 {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
        }
    }

    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard excludes every other access (see `lock`).
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for deref.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        if self.held {
            self.lock.taken.store(false, Ordering::Release);
        }
    }
}
