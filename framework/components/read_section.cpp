#include "components/read_section.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

namespace selfheal {
namespace {

int membarrier(int cmd) { return static_cast<int>(::syscall(__NR_membarrier, cmd, 0, 0)); }

// Releases a thread's slot when the thread exits.
struct SlotOwner {
  ReadSections::Slot* slot = nullptr;
  ~SlotOwner() {
    if (slot) slot->in_use.store(false, std::memory_order_release);
  }
};

}  // namespace

ReadSections& ReadSections::instance() {
  static ReadSections sections;
  return sections;
}

ReadSections::ReadSections() {
#if !defined(__SANITIZE_THREAD__)
  const int supported = membarrier(MEMBARRIER_CMD_QUERY);
  if (supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
      membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
    membarrier_ = true;
    heavy_fences_.store(false, std::memory_order_seq_cst);
  }
#endif
}

ReadSections::Slot& ReadSections::register_this_thread() {
  thread_local SlotOwner owner;
  if (owner.slot) return *(cached_slot_ = owner.slot);
  std::lock_guard lock(mutex_);
  for (auto& s : slots_) {
    bool expected = false;
    if (s.in_use.compare_exchange_strong(expected, true)) {
      owner.slot = &s;
      cached_slot_ = &s;
      return s;
    }
  }
  auto& s = slots_.emplace_back();
  s.in_use.store(true);
  owner.slot = &s;
  cached_slot_ = &s;
  return s;
}

void ReadSections::synchronize() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (membarrier_) membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
  struct Waiting {
    Slot* slot;
    std::uint64_t outer_exits;  // the section it is in has ended once this moves
  };
  std::deque<Waiting> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : slots_)
      if (s.nesting.load(std::memory_order_acquire) != 0)
        waiting.push_back({&s, s.outer_exits.load(std::memory_order_acquire)});
  }
  for (const auto& w : waiting) {
    while (w.slot->nesting.load(std::memory_order_acquire) != 0 &&
           w.slot->outer_exits.load(std::memory_order_acquire) == w.outer_exits)
      std::this_thread::yield();
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace selfheal
