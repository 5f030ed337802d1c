#include "components/read_section.hpp"

#include <linux/membarrier.h>
#include <sys/mman.h>
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
  const int supported = membarrier(MEMBARRIER_CMD_QUERY);
  if (supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
      membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
    barrier_ = Barrier::membarrier;
  const long page = ::sysconf(_SC_PAGESIZE);
  barrier_page_ = ::mmap(nullptr, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (barrier_page_ == MAP_FAILED) barrier_page_ = nullptr;
}

// Every thread of the process past a full barrier. membarrier(2) interrupts each CPU running one
// of them. Without it (kernels before 4.14, seccomp filters that refuse it), taking write access
// away from a page this process has just written makes the kernel send the same interrupt to
// flush their TLBs (Folly's asymmetricHeavyBarrier falls back the same way). Lock held.
void ReadSections::process_barrier() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (barrier_ == Barrier::membarrier && membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return;
  if (barrier_page_ == nullptr) return;  // never: mmap of one page at start failed
  const long page = ::sysconf(_SC_PAGESIZE);
  ::mprotect(barrier_page_, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE);
  static_cast<volatile char*>(barrier_page_)[0] = 0;
  ::mprotect(barrier_page_, static_cast<std::size_t>(page), PROT_READ);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

namespace detail {

constinit thread_local ReadSlot* this_thread_read_slot_if_registered = nullptr;

ReadSlot& register_this_thread_read_slot() { return ReadSections::instance().register_this_thread(); }

}  // namespace detail

ReadSections::Slot& ReadSections::register_this_thread() {
  thread_local SlotOwner owner;
  auto& cached = detail::this_thread_read_slot_if_registered;
  if (owner.slot) return *(cached = owner.slot);
  std::lock_guard lock(mutex_);
  for (auto& s : slots_) {
    bool expected = false;
    if (s.in_use.compare_exchange_strong(expected, true)) {
      owner.slot = &s;
      cached = &s;
      return s;
    }
  }
  auto& s = slots_.emplace_back();
  s.in_use.store(true);
  owner.slot = &s;
  cached = &s;
  return s;
}

void ReadSections::synchronize() {
  struct Waiting {
    Slot* slot;
    std::uint64_t word;  // odd: the section it is in has ended once this moves
  };
  std::deque<Waiting> waiting;
  {
    std::lock_guard lock(mutex_);
    process_barrier();
    for (auto& s : slots_) {
      const auto w = s.word.load(std::memory_order_acquire);
      if (w & 1) waiting.push_back({&s, w});
    }
  }
  for (const auto& w : waiting) {
    while (w.slot->word.load(std::memory_order_acquire) == w.word) std::this_thread::yield();
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace selfheal
