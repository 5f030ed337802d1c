// The caller's side of a component call's read section (the framework's read_section.hpp has the
// switcher's side and the protocol). Installed with the runtime because <selfheal/runtime.hpp>
// inlines the Bloom filter's calls into the application: the section is then two plain stores in
// the caller, with no call into libselfheal. This is part of the runtime's ABI: the slot's layout,
// the exported thread-local and the protocol change only with its major version.
#pragma once

#include <atomic>
#include <cstdint>

namespace selfheal::detail {

// One word per thread, written only by its thread: odd while the thread is in a section. The
// outermost section stores it odd on entry and, on exit, 2 more than it was before entry, so the
// word of a thread that left a section never equals the word it had in that section again. Nested
// sections store nothing new. A switcher waits for a slot it saw odd until its word changes: a
// thread that keeps entering new sections never holds it back, and a section nested in the one it
// saw never releases it early.
struct alignas(64) ReadSlot {
  std::atomic<std::uint64_t> word{0};
  std::atomic<bool> in_use{false};
  bool in_section() const { return (word.load(std::memory_order_relaxed) & 1) != 0; }
};

// The calling thread's slot once registered, else null. initial-exec: one load from the thread
// pointer, in an application as in libselfheal.so (the default model calls __tls_get_addr in a
// shared object). Costs 8 bytes of glibc's static TLS reserve when libselfheal is dlopen'ed (the
// Python module), as jemalloc's does. constinit: no TLS wrapper call on access. Null again once
// the thread's thread-locals are being destroyed (a later call gets a slot of its own).
extern constinit thread_local ReadSlot* this_thread_read_slot_if_registered
    __attribute__((tls_model("initial-exec"), visibility("default")));
// Registers the calling thread (out of line, once per thread) and returns its slot.
__attribute__((visibility("default"))) ReadSlot& register_this_thread_read_slot();

inline ReadSlot& this_thread_read_slot() {
  ReadSlot* s = this_thread_read_slot_if_registered;
  return s != nullptr ? *s : register_this_thread_read_slot();
}

// Whether callers need full fences: until the read-section registry has registered the process
// for membarrier(2), and for good where the kernel refuses it (older than 4.14, a seccomp filter).
// With membarrier the switcher makes every thread's stores visible itself, and callers need only
// keep the compiler from moving their accesses across the section's edges.
extern constinit std::atomic<bool> read_sections_need_fences __attribute__((visibility("default")));

#if defined(__SANITIZE_THREAD__)  // GCC
#define SELFHEAL_READ_SECTIONS_TSAN 1
#elif defined(__has_feature)  // Clang
#if __has_feature(thread_sanitizer)
#define SELFHEAL_READ_SECTIONS_TSAN 1
#endif
#endif

inline void read_section_fence() {
#if defined(SELFHEAL_READ_SECTIONS_TSAN)
  std::atomic_thread_fence(std::memory_order_seq_cst);  // ThreadSanitizer does not model membarrier
#else
  if (read_sections_need_fences.load(std::memory_order_relaxed)) [[unlikely]]
    std::atomic_thread_fence(std::memory_order_seq_cst);
  else
    std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// Returns the word before entry, which leave_read_section takes back.
inline std::uint64_t enter_read_section(ReadSlot& s) {
  const std::uint64_t before = s.word.load(std::memory_order_relaxed);
  // release: a switcher that sees this word (or a later one) sees all of the earlier section.
  s.word.store(before | 1, std::memory_order_release);
  read_section_fence();
  return before;
}

inline void leave_read_section(ReadSlot& s, std::uint64_t before) {
  read_section_fence();
  if ((before & 1) == 0) [[likely]]  // the outermost section
    s.word.store(before + 2, std::memory_order_release);
}

}  // namespace selfheal::detail
