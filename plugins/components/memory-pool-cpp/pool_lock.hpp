// The memory pool's lock: a test-and-set spin lock that a single-threaded process skips.
//
// Why not std::mutex: lock and unlock are two atomic read-modify-writes; this lock takes one
// (unlock is a plain release store), and while the process has never started a second thread
// (glibc's __libc_single_threaded, the flag glibc's own malloc uses the same way) it takes none.
// Critical sections are a few dozen instructions, so a waiter spins briefly, then yields.
#pragma once

#include <sys/single_threaded.h>

#include <atomic>
#include <thread>

namespace selfheal::components {

class PoolLock {
 public:
  class Guard {
   public:
    // No other thread exists while the flag is set, and only this one could start one: nothing
    // can enter the pool concurrently until this section has ended.
    explicit Guard(PoolLock& lock) noexcept : lock_(__libc_single_threaded ? nullptr : &lock) {
      if (lock_ != nullptr) lock_->acquire();
    }
    ~Guard() {
      if (lock_ != nullptr) lock_->taken_.store(false, std::memory_order_release);
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    PoolLock* lock_;
  };

 private:
  void acquire() noexcept {
    int spins = 0;
    while (taken_.exchange(true, std::memory_order_acquire)) {
      while (taken_.load(std::memory_order_relaxed)) {
        if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }

  std::atomic<bool> taken_{false};
};

}  // namespace selfheal::components
