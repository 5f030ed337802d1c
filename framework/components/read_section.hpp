// Grace periods for component handles, in the manner of userspace RCU's membarrier flavour.
//
// A caller marks its thread's slot around each call with plain stores and compiler fences (no
// atomic read-modify-write, no full fence on the hot path). A switcher that needs every caller of
// the old implementation gone publishes the new pointer, then synchronize(): a process-wide
// barrier (membarrier(2)) makes every thread's earlier stores visible, and it waits for each slot
// that was in a section to move on. Where membarrier is missing, and in ThreadSanitizer builds
// (which do not model it), callers use full fences instead.
// MT safe. Slots are per thread, reused after a thread exits.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>

#include "selfheal/detail/read_slot.hpp"

namespace selfheal {

// Exported from libselfheal.so with the caller's side (detail/read_slot.hpp): a program that
// links both the framework and the runtime (the benchmarks) then has one registry, the
// program's, which all of the runtime's handles and switches use too.
class __attribute__((visibility("default"))) ReadSections {
 public:
  using Slot = detail::ReadSlot;

  // The process-wide registry: read sections are per thread, so their registry is per process.
  static ReadSections& instance();

  // The hot path: one thread-local load; the registration only on a thread's first call.
  static Slot& this_thread_slot() { return detail::this_thread_read_slot(); }
  // Returns once every read section that was open when it was called has ended.
  void synchronize();
  bool uses_membarrier() {
    std::lock_guard lock(mutex_);
    return membarrier_;
  }
  // Registers the process for membarrier(2) (the constructor does; callers then stop fencing).
  // false, for tests and with no section open: run as on a kernel without it, callers fencing.
  void use_membarrier(bool use);

  // For a caller that must wait inside a section (the gate of a switch): out of it for every
  // switcher while it waits (the word its section's exit will store), back in after (the word it
  // had). A switcher that missed the step out waits for the section's end instead.
  static bool step_out(Slot& s) {
    const std::uint64_t w = s.word.load(std::memory_order_relaxed);
    if ((w & 1) == 0) return false;
    detail::read_section_fence();
    s.word.store(w + 1, std::memory_order_release);
    return true;
  }
  static void step_in(Slot& s) {
    s.word.store(s.word.load(std::memory_order_relaxed) - 1, std::memory_order_release);
    detail::read_section_fence();
  }

 private:
  friend detail::ReadSlot& detail::register_this_thread_read_slot();
  ReadSections();
  Slot& register_this_thread();

  std::mutex mutex_;
  bool membarrier_ = false;  // the process is registered; guarded by mutex_
  std::deque<Slot> slots_;  // stable addresses
};

// RAII read section on the calling thread's slot.
class ReadSection {
 public:
  ReadSection()
      : slot_(detail::this_thread_read_slot()), before_(detail::enter_read_section(slot_)) {}
  ~ReadSection() { detail::leave_read_section(slot_, before_); }
  ReadSection(const ReadSection&) = delete;
  ReadSection& operator=(const ReadSection&) = delete;

 private:
  detail::ReadSlot& slot_;
  const std::uint64_t before_;
};

}  // namespace selfheal
