// The cross-process half of "one fix at a time per crate": flock(LOCK_EX) on
// <crate state dir>/fix.lock. The kernel drops it when the holder dies, even by kill -9.
#pragma once

#include <chrono>
#include <filesystem>
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

 private:
  int fd_ = -1;
  bool held_ = false;
  std::string error_;
};

}  // namespace selfheal
