#include "components/read_section.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

namespace selfheal {
namespace {

int membarrier(int cmd) { return static_cast<int>(::syscall(__NR_membarrier, cmd, 0, 0)); }

// Set once the thread's slot was given back: a handle called later from another thread-local's
// destructor must not use the slot a new thread may own by then.
constinit thread_local bool slot_given_back = false;

// Gives a thread's slot back when the thread exits.
struct SlotOwner {
  ReadSections::Slot* slot = nullptr;
  ~SlotOwner() {
    detail::this_thread_read_slot_if_registered = nullptr;
    slot_given_back = true;
    if (slot) slot->in_use.store(false, std::memory_order_release);
  }
};

}  // namespace

ReadSections& ReadSections::instance() {
  static ReadSections sections;
  return sections;
}

ReadSections::ReadSections() { use_membarrier(true); }

void ReadSections::use_membarrier(bool use) {
  std::lock_guard lock(mutex_);
  if (use && !membarrier_) {
    const int supported = membarrier(MEMBARRIER_CMD_QUERY);
    membarrier_ = supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
                  membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
  } else if (!use) {
    membarrier_ = false;
  }
  detail::read_sections_need_fences.store(!membarrier_, std::memory_order_seq_cst);
}

namespace detail {

constinit thread_local ReadSlot* this_thread_read_slot_if_registered = nullptr;
constinit std::atomic<bool> read_sections_need_fences{true};

ReadSlot& register_this_thread_read_slot() { return ReadSections::instance().register_this_thread(); }

}  // namespace detail

ReadSections::Slot& ReadSections::register_this_thread() {
  auto& cached = detail::this_thread_read_slot_if_registered;
  if (slot_given_back) {  // a call from a thread-local's destructor: a slot never given back
    std::lock_guard lock(mutex_);
    auto& s = slots_.emplace_back();
    s.in_use.store(true);
    return *(cached = &s);
  }
  thread_local SlotOwner owner;
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
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (membarrier_) membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
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
