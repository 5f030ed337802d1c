// The real clock.
#pragma once

#include "selfheal/sdk/clock.hpp"

namespace selfheal {

class SystemClock final : public sdk::Clock {
 public:
  // sdk::Clock
  std::chrono::system_clock::time_point wall_now() const override;
  std::chrono::steady_clock::time_point now() const override;
  bool sleep_for(std::chrono::steady_clock::duration d,
                 const sdk::CancellationToken& cancel) const override;
};

}  // namespace selfheal
