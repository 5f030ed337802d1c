// The cross-process half of "one fix at a time per crate": flock(LOCK_EX) on
// <crate state dir>/fix.lock. The kernel drops it when the holder dies, even by kill -9.
// The holder that runs a fix writes its id into the file (announce; cleared when done), so a
// process that had to wait knows whose fix it waited for and can report that fix's outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "selfheal/sdk/cancellation.hpp"
#include "selfheal/sdk/clock.hpp"

namespace selfheal {

class CrateLock {
 public:
  // Waits for the lock, polling so that `cancel` is honoured. Check held() afterwards.
  CrateLock(const std::filesystem::path& file, const sdk::Clock& clock,
            const sdk::CancellationToken& cancel);
  ~CrateLock();
  CrateLock(const CrateLock&) = delete;
  CrateLock& operator=(const CrateLock&) = delete;

  bool held() const { return held_; }
  const std::string& error() const { return error_; }
  // The fix another process was running while this one waited (the last one seen), if any.
  std::optional<std::int64_t> waited_for() const { return waited_for_; }
  // Names the fix this holder runs, for the processes waiting behind it. Only a holder that runs
  // its own fix announces: one that joined the fix it waited for must not, or a waiter behind it
  // would wait for a fix id whose outcome is never recorded and diagnose afresh ("nothing to
  // fix" under its own id: ConcurrentFixes under ASan, when it polled during that short hold).
  void announce(std::int64_t fix_id);

 private:
  std::optional<std::int64_t> holder() const;  // the fix id in the file

  int fd_ = -1;
  bool held_ = false;
  std::string error_;
  std::optional<std::int64_t> waited_for_;
};

}  // namespace selfheal
