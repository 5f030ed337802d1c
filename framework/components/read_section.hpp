// Grace periods for component handles, in the manner of userspace RCU's membarrier flavour.
//
// A caller marks its thread's slot active around each call (plain stores plus compiler fences:
// no atomic read-modify-write on the hot path). A switcher that needs every caller of the old
// implementation gone publishes the new pointer, then synchronize(): membarrier(2) makes every
// thread's earlier stores visible, and it waits for each slot that was active to leave or end
// its call. Without membarrier (old kernels, ThreadSanitizer builds) the callers use full fences.
// MT safe. Slots are per thread, reused after a thread exits.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>

namespace selfheal {

class ReadSections {
 public:
  // Written only by their thread, with plain stores: how deep the thread is in sections now, and
  // how many times it has left its outermost one. A switcher waits for a slot it saw in a section
  // until its depth is 0 or `outer_exits` moved, so a thread that keeps entering new sections
  // never holds it back, and a section nested inside the one it saw never releases it early.
  struct alignas(64) Slot {
    std::atomic<std::uint32_t> nesting{0};
    std::atomic<std::uint64_t> outer_exits{0};
    std::atomic<bool> in_use{false};
    std::uint32_t depth() const { return nesting.load(std::memory_order_relaxed); }
  };

  // The process-wide registry: read sections are per thread, so their registry is per process.
  static ReadSections& instance();

  // The hot path: one thread-local load; instance() and the registration (out of line, once per
  // thread) only on a thread's first call.
  static Slot& this_thread_slot() {
    Slot* s = cached_slot_;
    return s != nullptr ? *s : instance().register_this_thread();
  }
  // Returns once every read section that was open when it was called has ended.
  void synchronize();
  bool uses_membarrier() const { return membarrier_; }

  // The caller side, inlined into every handle call.
  static void enter(Slot& s) {
    s.nesting.store(s.nesting.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    fence();
  }
  static void leave(Slot& s) {
    fence();
    const std::uint32_t n = s.nesting.load(std::memory_order_relaxed) - 1;
    // Branch-free: the count moves only when the outermost section ends.
    s.outer_exits.store(s.outer_exits.load(std::memory_order_relaxed) + (n == 0 ? 1 : 0),
                        std::memory_order_release);
    s.nesting.store(n, std::memory_order_release);
  }

 private:
  ReadSections();
  Slot& register_this_thread();
  // initial-exec: one load from the thread pointer even inside libselfheal.so, where the default
  // (global-dynamic) model calls __tls_get_addr on every handle call. Costs 8 bytes of glibc's
  // static TLS reserve when the library is dlopen'ed (the Python module), as jemalloc's does.
  static inline thread_local Slot* cached_slot_ __attribute__((tls_model("initial-exec"))) = nullptr;
  static void fence() {
#if defined(__SANITIZE_THREAD__)
    std::atomic_thread_fence(std::memory_order_seq_cst);
#else
    if (heavy_fences_.load(std::memory_order_relaxed)) [[unlikely]]
      std::atomic_thread_fence(std::memory_order_seq_cst);
    else
      std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
  }

  static inline std::atomic<bool> heavy_fences_{true};
  bool membarrier_ = false;
  std::mutex mutex_;
  std::deque<Slot> slots_;  // stable addresses
};

// RAII read section on the calling thread's slot.
class ReadSection {
 public:
  ReadSection() : slot_(ReadSections::this_thread_slot()) { ReadSections::enter(slot_); }
  ~ReadSection() { ReadSections::leave(slot_); }
  ReadSection(const ReadSection&) = delete;
  ReadSection& operator=(const ReadSection&) = delete;

 private:
  ReadSections::Slot& slot_;
};

}  // namespace selfheal
