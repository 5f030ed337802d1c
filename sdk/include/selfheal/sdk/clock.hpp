// Time as the host sees it; tests substitute a fake clock. MT safe.
#pragma once

#include <chrono>

#include "selfheal/sdk/cancellation.hpp"

namespace selfheal::sdk {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Waits `d` or until `cancel` fires; returns true when cancelled.
  virtual bool sleep_for(std::chrono::steady_clock::duration d,
                         const CancellationToken& cancel) const = 0;
};

}  // namespace selfheal::sdk
